import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LanesError } from '../../src/core/errors.js';
import { parsePatch } from '../../src/core/patch.js';
import { laneDiff } from '../../src/git/diff.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';
import { addWorktreeLane, commitFiles } from '../helpers/worktree-lane.js';

const LINES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
const text = (lines: string[]): string => `${lines.join('\n')}\n`;

/** The worktree's own index file (linked worktrees keep it under `.git/worktrees/<id>/`). */
const indexOf = async (repo: TempRepo, worktree: string): Promise<string> => {
  const gitDir = (await repo.git('-C', worktree, 'rev-parse', '--absolute-git-dir')).trim();
  return join(gitDir, 'index');
};

describe('laneDiff on real repositories', () => {
  let temp: TempRepo | undefined;
  afterEach(async () => {
    await temp?.cleanup();
    temp = undefined;
  });

  it('has committed, staged, unstaged and untracked changes, a rename and a binary file, not ignored files', async () => {
    temp = await makeTempRepo({
      files: { '.gitignore': '*.log\n', 'edit.txt': text(LINES), 'old name.txt': text(LINES.map((l) => `${l} kept`)), 'gone.txt': 'g\n', 'stay.txt': 's\n' },
    });
    const lane = await addWorktreeLane(temp, 'a');
    await commitFiles(lane.worktree, { 'edit.txt': text(LINES.map((l, i) => (i === 2 ? 'THREE' : l))), 'committed.txt': 'c\n' });
    await temp.git('-C', lane.worktree, 'mv', 'old name.txt', 'new näme.txt');
    await writeFiles(lane.worktree, { 'staged.txt': 'st\n' });
    await temp.git('-C', lane.worktree, 'add', 'staged.txt');
    await writeFiles(lane.worktree, { 'stay.txt': 's\nmore\n', 'dir/untracked.txt': 'u1\nu2\n', 'debug.log': 'ignored\n' });
    await writeFile(join(lane.worktree, 'image.bin'), Buffer.from([0, 1, 2, 3, 0, 255, 0]));
    await rm(join(lane.worktree, 'gone.txt'));

    const diff = await laneDiff(lane);
    expect(diff.mergeBase).toBe(lane.forkPoint);
    expect(diff.files).toEqual([
      { path: 'committed.txt', added: 1, deleted: 0, binary: false },
      { path: 'dir/untracked.txt', added: 2, deleted: 0, binary: false },
      { path: 'edit.txt', added: 1, deleted: 1, binary: false },
      { path: 'gone.txt', added: 0, deleted: 1, binary: false },
      { path: 'image.bin', added: 0, deleted: 0, binary: true },
      { path: 'new näme.txt', from: 'old name.txt', added: 0, deleted: 0, binary: false },
      { path: 'staged.txt', added: 1, deleted: 0, binary: false },
      { path: 'stay.txt', added: 1, deleted: 0, binary: false },
    ]);
    expect(diff.patch).not.toContain('\x1b');
    expect(diff.patch).toContain('-three\n+THREE\n');
    expect(diff.patch).toContain('rename from old name.txt\nrename to new näme.txt\n');
    expect(diff.patch).toContain('Binary files /dev/null and b/image.bin differ');
    expect(diff.patch).not.toContain('debug.log');
    // The patch parses into the same files, in the same order.
    expect(parsePatch(diff.patch).map((f) => [f.path, f.from])).toEqual(diff.files.map((f) => [f.path, f.from]));
  });

  it('never touches the agent index: byte-identical, no lock left, the staged set unchanged', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': 'a\n', 'same.txt': 's\n' } });
    const lane = await addWorktreeLane(temp, 'b');
    await writeFiles(lane.worktree, { 'a.txt': 'changed\n', 'staged.txt': 'x\n', 'new.txt': 'untracked\n' });
    await temp.git('-C', lane.worktree, 'add', 'staged.txt');
    // Same content, new timestamps: anything that refreshed the index would rewrite it.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(lane.worktree, 'same.txt'), later, later);
    const indexPath = await indexOf(temp, lane.worktree);
    const before = await readFile(indexPath);
    const mtimeBefore = (await stat(indexPath)).mtimeMs;

    const diff = await laneDiff(lane);
    expect(diff.files.map((f) => f.path)).toEqual(['a.txt', 'new.txt', 'staged.txt']);
    expect(await readFile(indexPath)).toEqual(before);
    expect((await stat(indexPath)).mtimeMs).toBe(mtimeBefore);
    expect((await readdir(join(indexPath, '..'))).filter((name) => name.endsWith('.lock'))).toEqual([]);
    expect((await temp.git('-C', lane.worktree, 'diff', '--cached', '--name-only')).trim()).toBe('staged.txt');
    expect((await temp.git('-C', lane.worktree, 'ls-files', '--others', '--exclude-standard')).trim()).toBe('new.txt');
  });

  it('shows no phantom deletions when the base gained another lane’s squash merge (notes §7 #9)', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const laneA = await addWorktreeLane(temp, 'a');
    const laneB = await addWorktreeLane(temp, 'b');
    await commitFiles(laneA.worktree, { 'a.txt': 'a edited\n', 'a2.txt': 'a2\n' });
    await temp.git('merge', '--squash', '-q', 'lanes/a');
    await temp.git('commit', '-q', '-m', 'squash a');
    await commitFiles(laneB.worktree, { 'b.txt': 'b edited\n' });
    await writeFiles(laneB.worktree, { 'b2.txt': 'uncommitted\n' });

    const diff = await laneDiff(laneB);
    expect(diff.files.map((f) => f.path)).toEqual(['b.txt', 'b2.txt']);
    expect(diff.patch).not.toContain('a2.txt');
    expect(diff.patch).not.toMatch(/^-a edited$/m);
    // What a two-dot diff against the base would have shown: the test can tell the difference.
    const twoDot = await temp.git('diff', '--name-status', 'main', 'lanes/b');
    expect(twoDot).toMatch(/^D\ta2\.txt$/m);
  });

  it('leaves out base commits the lane merged in after it forked', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n' } });
    const laneB = await addWorktreeLane(temp, 'b');
    await commitFiles(laneB.worktree, { 'b.txt': 'b edited\n' });
    await commitFiles(temp.dir, { 'base.txt': 'the base moved on\n', 'a.txt': 'a on base\n' });
    await temp.git('-C', laneB.worktree, 'merge', '-q', '--no-edit', 'main');
    await writeFiles(laneB.worktree, { 'b3.txt': 'b3\n' });

    const diff = await laneDiff(laneB);
    expect(diff.mergeBase).toBe((await temp.git('rev-parse', 'main')).trim());
    expect(diff.files.map((f) => f.path)).toEqual(['b.txt', 'b3.txt']);
  });

  it('with stat reads the counts only', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': text(LINES) } });
    const lane = await addWorktreeLane(temp, 'c');
    await writeFiles(lane.worktree, { 'a.txt': text(LINES.slice(2)), 'n.txt': 'n\n' });
    expect(await laneDiff(lane, { stat: true })).toEqual({
      mergeBase: lane.forkPoint,
      files: [
        { path: 'a.txt', added: 0, deleted: 2, binary: false },
        { path: 'n.txt', added: 1, deleted: 0, binary: false },
      ],
      patch: '',
    });
  });

  it('is empty for a lane without changes, and refuses a lane whose worktree is gone', async () => {
    temp = await makeTempRepo();
    const lane = await addWorktreeLane(temp, 'd');
    expect(await laneDiff(lane)).toEqual({ mergeBase: lane.forkPoint, files: [], patch: '' });
    await rm(lane.worktree, { recursive: true });
    const error = await laneDiff(lane).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LanesError);
    expect((error as LanesError).message).toBe(`lane d: its worktree is missing (${lane.worktree})`);
  });
});
