import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/exec.js';
import { baseChangedSince, branchTips, predictConflicts, predictConflictsAt, readTouched } from '../../src/git/touched.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';
import { addWorktreeLane, commitFiles } from '../helpers/worktree-lane.js';

const LINES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const withLine = (index: number, text: string): string => LINES.map((line, i) => (i === index ? text : line)).join('\n') + '\n';

describe('touched sets and predictions from real git', () => {
  let temp: TempRepo | undefined;
  afterEach(async () => {
    await temp?.cleanup();
    temp = undefined;
  });

  it('readTouched: commits since the fork point plus staged, unstaged and untracked files, not ignored ones', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': '*.log\n', 'keep.txt': 'k\n', 'old name.txt': 'o\n', 'edit.txt': 'e\n', 'gone.txt': 'g\n' } });
    const lane = await addWorktreeLane(temp, 'a');
    await commitFiles(lane.worktree, { 'edit.txt': 'e2\n', 'ünï côde.txt': 'u\n' });
    await runGit(['mv', 'old name.txt', 'new name.txt'], { cwd: lane.worktree });
    await runGit(['commit', '-q', '-m', 'rename'], { cwd: lane.worktree });
    await rm(join(lane.worktree, 'gone.txt'));
    await writeFiles(lane.worktree, { 'staged.txt': 's\n', 'dir/untracked.txt': 'u\n', 'debug.log': 'ignored\n', 'keep.txt': 'k2\n' });
    await runGit(['add', 'staged.txt'], { cwd: lane.worktree });

    expect(await readTouched(lane)).toEqual([
      { path: 'dir/untracked.txt', kind: 'added', committed: false },
      { path: 'edit.txt', kind: 'modified', committed: true },
      { path: 'gone.txt', kind: 'deleted', committed: false },
      { path: 'keep.txt', kind: 'modified', committed: false },
      { path: 'new name.txt', kind: 'renamed', committed: true, from: 'old name.txt' },
      { path: 'staged.txt', kind: 'added', committed: false },
      { path: 'ünï côde.txt', kind: 'added', committed: true },
    ]);
  });

  it('readTouched never writes the index (no optional locks), and fails for a worktree that is gone', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': 'a\n', 'same.txt': 's\n' } });
    const lane = await addWorktreeLane(temp, 'b');
    await writeFile(join(lane.worktree, 'a.txt'), 'changed\n');
    // Same content, new timestamps: a plain `git status` refreshes these stat fields and rewrites
    // the index, taking its lock (what made agents' commits fail, git-and-process-safety §1.6).
    const later = new Date(Date.now() + 60_000);
    await utimes(join(lane.worktree, 'same.txt'), later, later);
    const gitDir = (await runGit(['rev-parse', '--absolute-git-dir'], { cwd: lane.worktree })).stdout.trim();
    const index = await readFile(join(gitDir, 'index'));
    expect(await readTouched(lane)).toEqual([{ path: 'a.txt', kind: 'modified', committed: false }]);
    expect(await readFile(join(gitDir, 'index'))).toEqual(index);
    await runGit(['status', '--porcelain'], { cwd: lane.worktree });
    expect(await readFile(join(gitDir, 'index'))).not.toEqual(index);

    await rm(lane.worktree, { recursive: true });
    await expect(readTouched(lane)).rejects.toThrow(/git/);
  });

  it('baseChangedSince: what the base changed after the fork point, both sides of a rename', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' } });
    const lane = await addWorktreeLane(temp, 'c');
    expect(await baseChangedSince(temp.dir, 'main', lane.forkPoint)).toEqual(new Set());
    await commitFiles(temp.dir, { 'a.txt': 'a2\n' });
    await temp.git('mv', 'b.txt', 'b2.txt');
    await temp.git('commit', '-q', '-m', 'rename');
    expect(await baseChangedSince(temp.dir, 'main', lane.forkPoint)).toEqual(new Set(['a.txt', 'b.txt', 'b2.txt']));
    await expect(baseChangedSince(temp.dir, 'no-such-base', lane.forkPoint)).rejects.toThrow();
  });

  it('predictConflicts: same line → that path; different hunks of one file → clean; nothing is written', async () => {
    temp = await makeTempRepo({ files: { 'shared.txt': withLine(-1, ''), 'other.txt': withLine(-1, '') } });
    const a = await addWorktreeLane(temp, 'a');
    const b = await addWorktreeLane(temp, 'b');
    await commitFiles(a.worktree, { 'shared.txt': withLine(0, 'ONE from a'), 'other.txt': withLine(1, 'TWO from a'), 'a only.txt': 'a\n' });
    await commitFiles(b.worktree, { 'shared.txt': withLine(0, 'ONE from b'), 'other.txt': withLine(8, 'NINE from b') });
    const before = await temp.git('for-each-ref');
    const statusBefore = [await temp.git('status', '--porcelain'), await runGit(['status', '--porcelain'], { cwd: a.worktree })];

    expect(await predictConflicts(temp.dir, 'lanes/a', 'lanes/b')).toEqual(new Set(['shared.txt']));
    expect(await predictConflicts(temp.dir, 'lanes/b', 'lanes/a')).toEqual(new Set(['shared.txt']));
    expect(await predictConflicts(temp.dir, 'lanes/a', 'main')).toEqual(new Set());

    expect(await temp.git('for-each-ref')).toBe(before);
    expect([await temp.git('status', '--porcelain'), await runGit(['status', '--porcelain'], { cwd: a.worktree })]).toEqual(statusBefore);
  });

  it('predictConflicts: several conflicted paths with odd names; null for a missing branch or no common history', async () => {
    temp = await makeTempRepo({ files: { 'x y.txt': 'base\n', 'ü.txt': 'base\n', 'del.txt': 'base\n' } });
    const a = await addWorktreeLane(temp, 'a');
    const b = await addWorktreeLane(temp, 'b');
    await commitFiles(a.worktree, { 'x y.txt': 'a\n', 'ü.txt': 'a\n', 'del.txt': 'a\n' });
    await writeFiles(b.worktree, { 'x y.txt': 'b\n', 'ü.txt': 'b\n' });
    await rm(join(b.worktree, 'del.txt'));
    await runGit(['add', '-A'], { cwd: b.worktree });
    await runGit(['commit', '-q', '-m', 'b'], { cwd: b.worktree });
    expect(await predictConflicts(temp.dir, 'lanes/a', 'lanes/b')).toEqual(new Set(['del.txt', 'x y.txt', 'ü.txt']));

    expect(await predictConflicts(temp.dir, 'lanes/a', 'lanes/nope')).toBeNull();
    await temp.git('checkout', '-q', '--orphan', 'unrelated');
    await mkdir(join(temp.dir, 'z'), { recursive: true });
    await commitFiles(temp.dir, { 'z/z.txt': 'z\n' });
    expect(await predictConflicts(temp.dir, 'lanes/a', 'unrelated')).toBeNull();
  });

  it('predictConflictsAt caches by the pair of tips: an unchanged pair is not merged again', async () => {
    temp = await makeTempRepo({ files: { 'f.txt': 'base\n' } });
    const a = await addWorktreeLane(temp, 'a');
    const b = await addWorktreeLane(temp, 'b');
    await commitFiles(a.worktree, { 'f.txt': 'a\n' });
    await commitFiles(b.worktree, { 'f.txt': 'b\n' });
    const tips = await branchTips(temp.dir, ['lanes/a', 'lanes/b', 'lanes/missing']);
    expect([...tips.keys()].sort()).toEqual(['lanes/a', 'lanes/b']);
    const tipA = tips.get('lanes/a') as string;
    const tipB = tips.get('lanes/b') as string;
    const first = await predictConflictsAt(temp.dir, tipA, tipB);
    expect(first).toEqual(new Set(['f.txt']));
    // With the objects gone, only the cache can still answer.
    await rm(join(temp.dir, '.git', 'objects'), { recursive: true });
    await mkdir(join(temp.dir, '.git', 'objects'));
    const cached = await predictConflictsAt(temp.dir, tipB, tipA);
    expect(cached).toEqual(new Set(['f.txt']));
    // Each caller gets its own copy.
    first?.add('mutated');
    cached?.add('mutated');
    expect(await predictConflictsAt(temp.dir, tipA, tipB)).toEqual(new Set(['f.txt']));
  });
});
