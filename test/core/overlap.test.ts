import { describe, expect, it } from 'vitest';
import { computeOverlaps, pairKey, scopeViolations, type OverlapInput } from '../../src/core/overlap.js';
import type { TouchedFile } from '../../src/core/touched.js';

const file = (path: string, committed: boolean, extra: Partial<TouchedFile> = {}): TouchedFile => ({ path, kind: 'modified', committed, ...extra });

const input = (touched: Record<string, TouchedFile[]>, rest: Partial<Omit<OverlapInput, 'touched'>> = {}): OverlapInput => ({
  touched: new Map(Object.entries(touched)),
  baseChanged: rest.baseChanged ?? new Map(),
  conflicts: rest.conflicts ?? new Map(),
});

describe('pairKey', () => {
  it('is the same whichever lane comes first', () => {
    expect(pairKey('b', 'a')).toBe('a\0b');
    expect(pairKey('a', 'b')).toBe('a\0b');
  });
});

describe('computeOverlaps', () => {
  it('lists a file two lanes changed without committing, conflict unknown (null)', () => {
    const result = computeOverlaps(input({ b: [file('src/x.ts', false)], a: [file('src/x.ts', false), file('only-a.ts', false)] }));
    expect(result).toEqual([{ path: 'src/x.ts', lanes: ['a', 'b'], conflict: null, base: false }]);
  });

  it('says false when both committed and merge-tree is clean for the pair', () => {
    const result = computeOverlaps(input({ a: [file('x', true)], b: [file('x', true)] }, { conflicts: new Map([[pairKey('a', 'b'), new Set<string>()]]) }));
    expect(result).toEqual([{ path: 'x', lanes: ['a', 'b'], conflict: false, base: false }]);
  });

  it('says true when merge-tree reports the path, even with more edits uncommitted on top', () => {
    const conflicts = new Map([[pairKey('a', 'b'), new Set(['x'])]]);
    expect(computeOverlaps(input({ a: [file('x', true)], b: [file('x', true)] }, { conflicts }))[0]?.conflict).toBe(true);
    expect(computeOverlaps(input({ a: [file('x', false)], b: [file('x', true)] }, { conflicts }))[0]?.conflict).toBe(true);
  });

  it('stays null when one side is uncommitted, or the pair was not predicted, or merge-tree failed', () => {
    const clean = new Map([[pairKey('a', 'b'), new Set<string>()]]);
    expect(computeOverlaps(input({ a: [file('x', true)], b: [file('x', false)] }, { conflicts: clean }))[0]?.conflict).toBeNull();
    expect(computeOverlaps(input({ a: [file('x', true)], b: [file('x', true)] }))[0]?.conflict).toBeNull();
    expect(computeOverlaps(input({ a: [file('x', true)], b: [file('x', true)] }, { conflicts: new Map([[pairKey('a', 'b'), null]]) }))[0]?.conflict).toBeNull();
  });

  it('with three lanes: true if any pair conflicts, false only if every pair is known clean', () => {
    const touched = { a: [file('x', true)], b: [file('x', true)], c: [file('x', true)] };
    const clean = new Set<string>();
    const allClean = new Map([[pairKey('a', 'b'), clean], [pairKey('a', 'c'), clean], [pairKey('b', 'c'), clean]]);
    expect(computeOverlaps(input(touched, { conflicts: allClean }))[0]).toEqual({ path: 'x', lanes: ['a', 'b', 'c'], conflict: false, base: false });
    const oneUnknown = new Map([[pairKey('a', 'b'), clean], [pairKey('a', 'c'), clean]]);
    expect(computeOverlaps(input(touched, { conflicts: oneUnknown }))[0]?.conflict).toBeNull();
    const oneConflict = new Map([[pairKey('a', 'b'), clean], [pairKey('b', 'c'), new Set(['x'])]]);
    expect(computeOverlaps(input(touched, { conflicts: oneConflict }))[0]?.conflict).toBe(true);
  });

  it('marks base overlaps: shared paths the base changed, and single-lane paths the base changed', () => {
    const result = computeOverlaps(
      input(
        { a: [file('shared', false), file('mine', true), file('quiet', false)], b: [file('shared', false)] },
        { baseChanged: new Map([['a', new Set(['mine'])], ['b', new Set(['shared', 'untouched'])]]) },
      ),
    );
    expect(result).toEqual([
      { path: 'mine', lanes: ['a'], conflict: null, base: true },
      { path: 'shared', lanes: ['a', 'b'], conflict: null, base: true },
    ]);
  });

  it('counts the old path of a rename as touched, and sorts by path', () => {
    const result = computeOverlaps(input({ a: [file('new.ts', true, { kind: 'renamed', from: 'old.ts' })], b: [file('old.ts', false)], c: [file('b', false)], d: [file('b', false)] }));
    expect(result.map((overlap) => [overlap.path, overlap.lanes])).toEqual([
      ['b', ['c', 'd']],
      ['old.ts', ['a', 'b']],
    ]);
  });

  it('counts a lane as committed on a path only if every change of it there is committed', () => {
    // Lane a renamed old.ts away in a commit and created a new old.ts it has not committed.
    const a = [file('old.ts', false, { kind: 'added' }), file('new.ts', true, { kind: 'renamed', from: 'old.ts' })];
    const clean = new Map([[pairKey('a', 'b'), new Set<string>()]]);
    expect(computeOverlaps(input({ a, b: [file('old.ts', true)] }, { conflicts: clean }))).toEqual([{ path: 'old.ts', lanes: ['a', 'b'], conflict: null, base: false }]);
  });

  it('is empty with no lanes or no shared paths', () => {
    expect(computeOverlaps(input({}))).toEqual([]);
    expect(computeOverlaps(input({ a: [file('x', true)], b: [file('y', true)] }))).toEqual([]);
  });

  it('lists each shared path once, with every lane that touches it', () => {
    const touched = { a: [file('x', true), file('y', false)], b: [file('y', true), file('x', false)], c: [file('y', false)] };
    expect(computeOverlaps(input(touched)).map((o) => [o.path, o.lanes])).toEqual([
      ['x', ['a', 'b']],
      ['y', ['a', 'b', 'c']],
    ]);
  });
});

describe('scopeViolations', () => {
  const files = [file('src/a.ts', false), file('src/.hidden/b.ts', true), file('README.md', false), file('src/moved.ts', true, { kind: 'renamed', from: 'docs/old.ts' })];

  it('lists touched paths outside every glob, the old path of a rename included', () => {
    expect(scopeViolations(files, ['src/**'])).toEqual(['README.md', 'docs/old.ts']);
    expect(scopeViolations(files, ['src/**', '*.md', 'docs/*'])).toEqual([]);
  });

  it('flags nothing without a scope', () => {
    expect(scopeViolations(files, undefined)).toEqual([]);
    expect(scopeViolations(files, [])).toEqual([]);
  });
});
