import { describe, expect, it } from 'vitest';
import { countKinds, mergeTouched, parseNameStatusZ, parseStatusZ, type TouchedFile } from '../../src/core/touched.js';

// Recorded from git 2.39.5: a commit that deletes, modifies, renames (with a space in the new
// name) and adds a file with a newline in its name and one with a non-ASCII name.
const NAME_STATUS = 'D\u0000del.txt\u0000M\u0000mod.txt\u0000R100\u0000old.txt\u0000new name.txt\u0000A\u0000nl\nname.txt\u0000A\u0000ü spaced.txt\u0000';
// Recorded from git 2.39.5: worktree deletion, staged rename then edited, staged new file,
// unstaged edit, untracked file with a non-ASCII name.
const STATUS = ' D keep.txt\u0000RM mod2.txt\u0000mod.txt\u0000A  st.txt\u0000 M stay.txt\u0000?? untracked ü.txt\u0000';

describe('parseNameStatusZ', () => {
  it('parses recorded output with a rename, spaces, a newline and unicode in paths', () => {
    expect(parseNameStatusZ(NAME_STATUS)).toEqual([
      { path: 'del.txt', kind: 'deleted', committed: true },
      { path: 'mod.txt', kind: 'modified', committed: true },
      { path: 'new name.txt', kind: 'renamed', committed: true, from: 'old.txt' },
      { path: 'nl\nname.txt', kind: 'added', committed: true },
      { path: 'ü spaced.txt', kind: 'added', committed: true },
    ]);
  });

  it('reads a copy as added and a type change as modified; empty output is nothing', () => {
    expect(parseNameStatusZ('C075\u0000a.txt\u0000b.txt\u0000T\u0000link\u0000')).toEqual([
      { path: 'b.txt', kind: 'added', committed: true },
      { path: 'link', kind: 'modified', committed: true },
    ]);
    expect(parseNameStatusZ('')).toEqual([]);
  });

  it('stops at a truncated record instead of inventing a path', () => {
    expect(parseNameStatusZ('M\u0000a\u0000R100\u0000only-old')).toEqual([{ path: 'a', kind: 'modified', committed: true }]);
  });
});

describe('parseStatusZ', () => {
  it('parses recorded output: deletion, staged rename with its old path, staged and untracked files', () => {
    expect(parseStatusZ(STATUS)).toEqual([
      { path: 'keep.txt', kind: 'deleted', committed: false },
      { path: 'mod2.txt', kind: 'renamed', committed: false, from: 'mod.txt' },
      { path: 'st.txt', kind: 'added', committed: false },
      { path: 'stay.txt', kind: 'modified', committed: false },
      { path: 'untracked ü.txt', kind: 'added', committed: false },
    ]);
  });

  it('keeps a newline inside a path and reads unmerged paths as modified', () => {
    expect(parseStatusZ('?? a\nb.txt\u0000UU both.txt\u0000AA added-twice\u0000DD gone\u0000D  staged-del\u0000AD added-then-removed\u0000')).toEqual([
      { path: 'a\nb.txt', kind: 'added', committed: false },
      { path: 'both.txt', kind: 'modified', committed: false },
      { path: 'added-twice', kind: 'modified', committed: false },
      { path: 'gone', kind: 'modified', committed: false },
      { path: 'staged-del', kind: 'deleted', committed: false },
      { path: 'added-then-removed', kind: 'added', committed: false },
    ]);
  });
});

describe('mergeTouched', () => {
  const committed: TouchedFile[] = [
    { path: 'z.txt', kind: 'modified', committed: true },
    { path: 'new.txt', kind: 'added', committed: true },
    { path: 'moved.txt', kind: 'renamed', committed: true, from: 'orig.txt' },
    { path: 'gone.txt', kind: 'deleted', committed: true },
    { path: 'edited.txt', kind: 'modified', committed: true },
  ];
  const worktree: TouchedFile[] = [
    { path: 'edited.txt', kind: 'deleted', committed: false },
    { path: 'new.txt', kind: 'modified', committed: false },
    { path: 'moved.txt', kind: 'modified', committed: false },
    { path: 'gone.txt', kind: 'added', committed: false },
    { path: 'a.txt', kind: 'added', committed: false },
  ];

  it('unions both, sorted by path; the worktree state wins for a path in both', () => {
    expect(mergeTouched(committed, worktree)).toEqual([
      { path: 'a.txt', kind: 'added', committed: false },
      { path: 'edited.txt', kind: 'deleted', committed: false },
      // Deleted in a commit, created again: changed relative to the fork point.
      { path: 'gone.txt', kind: 'modified', committed: false },
      // A committed rename or new file edited again is still renamed or new.
      { path: 'moved.txt', kind: 'renamed', committed: false, from: 'orig.txt' },
      { path: 'new.txt', kind: 'added', committed: false },
      { path: 'z.txt', kind: 'modified', committed: true },
    ]);
  });

  it('sorts by code point, not locale', () => {
    const files = mergeTouched([{ path: 'b', kind: 'added', committed: true }], [{ path: 'B', kind: 'added', committed: false }, { path: 'ä', kind: 'added', committed: false }]);
    expect(files.map((file) => file.path)).toEqual(['B', 'b', 'ä']);
  });
});

describe('countKinds', () => {
  it('counts added, modified and deleted, a rename as modified', () => {
    expect(
      countKinds([
        { path: 'a', kind: 'added', committed: true },
        { path: 'b', kind: 'added', committed: false },
        { path: 'c', kind: 'modified', committed: false },
        { path: 'd', kind: 'renamed', committed: true, from: 'x' },
        { path: 'e', kind: 'deleted', committed: false },
      ]),
    ).toEqual({ added: 2, modified: 2, deleted: 1 });
    expect(countKinds([])).toEqual({ added: 0, modified: 0, deleted: 0 });
  });
});
