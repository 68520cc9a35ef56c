import { z } from 'zod';
import { printable } from './trust.js';

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** A key path as users write it: `agents.claude.command`, `setup.copy[1]`, `keys["?"]`. */
export const formatPath = (path: readonly PathSegment[]): string => {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_][\w-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
};

const unwrap = (schema: z.ZodType): z.ZodType => {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
};

/** The schema that describes the value at `path`, or undefined when the path leaves the schema. */
export const schemaAt = (schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined => {
  let current: z.ZodType | undefined = schema;
  for (const [index, segment] of path.entries()) {
    if (current === undefined) return undefined;
    const inner = unwrap(current);
    if (inner instanceof z.ZodObject) {
      current = typeof segment === 'string' ? (inner.shape as Record<string, z.ZodType>)[segment] : undefined;
    } else if (inner instanceof z.ZodRecord) {
      current = inner.valueType as z.ZodType;
    } else if (inner instanceof z.ZodArray) {
      current = inner.element as z.ZodType;
    } else if (inner instanceof z.ZodUnion) {
      const rest = path.slice(index);
      for (const option of inner.options as z.ZodType[]) {
        const found = schemaAt(option, rest);
        if (found) return found;
      }
      return undefined;
    } else {
      return undefined;
    }
  }
  return current;
};

const quoteList = (values: readonly unknown[]): string => {
  const quoted = values.map((value) => `'${String(value)}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
};

const numberRange = (schema: z.ZodNumber, isWhole: boolean): string => {
  const noun = isWhole ? 'a whole number' : 'a number';
  const { minValue, maxValue } = schema;
  const hasMin = minValue !== null && Number.isFinite(minValue);
  const hasMax = maxValue !== null && Number.isFinite(maxValue) && Math.abs(maxValue) < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return `${noun} from ${minValue} to ${maxValue}`;
  if (hasMin) return `${noun} of at least ${minValue}`;
  if (hasMax) return `${noun} of at most ${maxValue}`;
  return noun;
};

const plural = (schema: z.ZodType): string => {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodString) return 'strings';
  if (inner instanceof z.ZodNumber) return 'numbers';
  if (inner instanceof z.ZodObject || inner instanceof z.ZodRecord) return 'objects';
  return 'values';
};

/**
 * What a schema expects, in words (`a string`, `a number from 1 to 240`, `'bell' or 'none'`).
 * A schema with a `.describe()` text uses that text. `issue` refines the wording for the problem
 * found (an empty string, a fraction where a whole number is wanted).
 */
export const describeExpected = (schema: z.ZodType, issue?: Issue): string => {
  const inner = unwrap(schema);
  const description = schema.description ?? inner.description;
  if (description) return description;
  if (inner instanceof z.ZodString) {
    if (issue?.code === 'too_small' && inner.minLength !== null) {
      return inner.minLength === 1 ? 'a non-empty string' : `a string of at least ${inner.minLength} characters`;
    }
    if (issue?.code === 'too_big' && inner.maxLength !== null) {
      return `a string of at most ${inner.maxLength} characters`;
    }
    return 'a string';
  }
  if (inner instanceof z.ZodNumber) {
    const isWholeIssue = issue?.code === 'invalid_type' && issue.expected === 'int';
    return numberRange(inner, isWholeIssue);
  }
  if (inner instanceof z.ZodBoolean) return 'true or false';
  if (inner instanceof z.ZodEnum) return quoteList(inner.options);
  if (inner instanceof z.ZodLiteral) return quoteList([...inner.values]);
  if (inner instanceof z.ZodArray) return `a list of ${plural(inner.element as z.ZodType)}`;
  if (inner instanceof z.ZodObject || inner instanceof z.ZodRecord) return 'an object';
  if (inner instanceof z.ZodUnion) {
    return (inner.options as z.ZodType[]).map((option) => describeExpected(option)).join(' or ');
  }
  return 'a valid value';
};

const isMissing = (issue: Issue): boolean =>
  issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined;

/** One issue as `path: problem` (no file name). */
export const formatIssue = (issue: Issue, schema: z.ZodType): string => {
  const path = formatPath(issue.path);
  const at = path ? `${path}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `'${key}'`).join(', ');
    return `${at}unknown key${issue.keys.length === 1 ? '' : 's'} ${keys}`;
  }
  if (issue.code === 'invalid_key') return `${at}${issue.issues[0]?.message ?? 'invalid key'}`;
  const target = schemaAt(schema, issue.path);
  if (target === undefined) return `${at}${issue.message}`;
  const expected = describeExpected(target, issue);
  return isMissing(issue) ? `${at}missing, expected ${expected}` : `${at}expected ${expected}`;
};

/**
 * All problems of one file as ONE line: `<file>: <first problem>`, plus how many more there are,
 * with what a terminal would act on escaped.
 * Parse with `{ reportInput: true }` so missing keys read as `missing` rather than a wrong type.
 */
export const formatIssues = (file: string, issues: readonly Issue[], schema: z.ZodType): string => {
  const [first] = issues;
  if (first === undefined) return `${file}: invalid`;
  const more = issues.length - 1;
  const suffix = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
  // Keys and values come from the file (maybe a cloned repository's): shown, never acted on.
  return printable(`${file}: ${formatIssue(first, schema)}${suffix}`);
};
