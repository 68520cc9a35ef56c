import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildKeymap, helpRows } from '../../src/core/keymap.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has the key table generated from the key map, row for row', () => {
    const { keymap } = buildKeymap();
    const expected = helpRows(keymap).map((row) => `| ${row.keys.split(' ').map((k) => `\`${k}\``).join(' ')} | ${row.description} |`);
    const start = readme.indexOf('| key | action |');
    expect(start).toBeGreaterThan(0);
    const after = readme.slice(start).split('\n').slice(2);
    const end = after.findIndex((l) => !l.startsWith('|'));
    const table = after.slice(0, end < 0 ? after.length : end);
    expect(table).toEqual(expected);
  });

  it('keeps the two one-line commands of a fresh clone', () => {
    expect(readme).toContain('npm install && npm run demo');
    expect(readme).toContain('npm install && npm test');
  });

  it('documents every key of lanes ls --json', () => {
    for (const key of ['name', 'branch', 'worktree', 'agent', 'base', 'forkPoint', 'status', 'ready', 'merged', 'ahead', 'behind', 'dirty', 'touched', 'overlaps', 'conflict', 'outOfScope']) {
      expect(readme).toContain(`"${key}":`);
    }
  });
});
