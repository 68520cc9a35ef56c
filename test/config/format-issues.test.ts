import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeExpected, formatIssues, formatPath, schemaAt } from '../../src/config/format-issues.js';

describe('formatPath', () => {
  it('writes key paths as users write them', () => {
    expect(formatPath([])).toBe('');
    expect(formatPath(['agents', 'claude', 'command'])).toBe('agents.claude.command');
    expect(formatPath(['setup', 'copy', 2])).toBe('setup.copy[2]');
    expect(formatPath(['keys', 'ctrl-q'])).toBe('keys.ctrl-q');
    expect(formatPath(['agents', 'my agent', 'args'])).toBe('agents["my agent"].args');
    expect(formatPath(['1'])).toBe('["1"]');
  });
});

describe('describeExpected and schemaAt', () => {
  const schema = z.strictObject({
    list: z.array(z.number()).optional(),
    flag: z.boolean(),
    pick: z.union([z.literal('a'), z.array(z.string())]),
    named: z.string().describe('a fruit name'),
    count: z.number().int().min(2),
  });

  it('finds the schema at a path through objects, arrays, records and unions', () => {
    expect(schemaAt(schema, ['list', 0])).toBeInstanceOf(z.ZodNumber);
    expect(schemaAt(schema, ['pick', 0])).toBeInstanceOf(z.ZodString);
    expect(schemaAt(schema, ['nope'])).toBeUndefined();
    expect(schemaAt(z.record(z.string(), z.boolean()), ['any'])).toBeInstanceOf(z.ZodBoolean);
  });

  it('describes each kind of schema', () => {
    expect(describeExpected(schema.shape.list)).toBe('a list of numbers');
    expect(describeExpected(schema.shape.flag)).toBe('true or false');
    expect(describeExpected(schema.shape.pick)).toBe("'a' or a list of strings");
    expect(describeExpected(schema.shape.named)).toBe('a fruit name');
    expect(describeExpected(schema.shape.count)).toBe('a number of at least 2');
    expect(describeExpected(schema)).toBe('an object');
  });

  it('formats every issue of a parse as one line', () => {
    const result = schema.safeParse({ list: ['x'], flag: 1, pick: 'b', named: 2, count: 3, extra: 1 }, { reportInput: true });
    expect(result.success).toBe(false);
    expect(formatIssues('f.json', result.error?.issues ?? [], schema)).toBe(
      'f.json: list[0]: expected a number (and 4 more problems)',
    );
    const missing = schema.safeParse({ list: [], pick: 'a', named: 'x', count: 2 }, { reportInput: true });
    expect(formatIssues('f.json', missing.error?.issues ?? [], schema)).toBe('f.json: flag: missing, expected true or false');
  });
});
