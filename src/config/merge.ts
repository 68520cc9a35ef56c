export type PlainObject = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is PlainObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Merge `over` into `base` without changing either: objects are merged key by key (recursively),
 * everything else — arrays included — is replaced. Undefined values in `over` change nothing.
 * Keys are defined, not assigned, so a key named `__proto__` stays a plain key.
 */
export const deepMerge = (base: PlainObject, over: PlainObject): PlainObject => {
  const out: PlainObject = {};
  for (const [key, value] of Object.entries(base)) define(out, key, value);
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const previous = Object.hasOwn(out, key) ? out[key] : undefined;
    define(out, key, isPlainObject(value) && isPlainObject(previous) ? deepMerge(previous, value) : value);
  }
  return out;
};

const define = (target: PlainObject, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

/** The value at `path` inside nested plain objects, or undefined. */
export const valueAt = (value: unknown, path: readonly string[]): unknown => {
  let current = value;
  for (const key of path) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
};
