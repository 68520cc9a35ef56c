/** How often a condition is checked: fast enough for interactive tests, cheap on two cores. */
const POLL_MS = 10;

/**
 * Resolve with the first truthy value of `predicate`, checked now and then every few
 * milliseconds; reject after `timeoutMs` with `what` (or what it returns at that moment) in the message. Use instead of sleeps.
 */
export const waitFor = async <T>(
  predicate: () => T | Promise<T>,
  timeoutMs = 5_000,
  what: string | (() => string) = 'condition',
): Promise<NonNullable<T>> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as NonNullable<T>;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
};
