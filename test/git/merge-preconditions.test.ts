import { access, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeLane } from '../../src/git/merge/index.js';
import type { LaneRecord } from '../../src/core/lane.js';
import { openMergeRig, type MergeRig } from '../helpers/merge-rig.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { gitIn } from '../helpers/temp-repo.js';
import { commitFiles } from '../helpers/worktree-lane.js';

let rig: MergeRig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const open = async (): Promise<MergeRig> => {
  rig = await openMergeRig();
  return rig;
};

const merge = (r: MergeRig, lane: LaneRecord) => mergeLane({ repo: r.repo, lane, stateStore: r.store });
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/**
 * Run a merge that must be refused with `expected` in its reason: the base, the lane branch and
 * everything the oracle sees stay as they were.
 */
const expectRefused = async (r: MergeRig, lane: LaneRecord, expected: string | RegExp): Promise<string> => {
  const baseTip = await r.tip('main');
  const branchTip = await r.t.git('rev-parse', '--verify', '--quiet', lane.branch).catch(() => 'none');
  const merged = (await r.stored(lane.name))?.merged;
  const oracle = await captureOracle(r.t.dir);
  const outcome = await merge(r, lane);
  expect(outcome.kind).toBe('refused');
  const reason = outcome.kind === 'refused' ? outcome.reason : '';
  if (typeof expected === 'string') expect(reason).toContain(expected);
  else expect(reason).toMatch(expected);
  expect(reason).not.toContain('\n');
  expect(await r.tip('main')).toBe(baseTip);
  expect(await r.t.git('rev-parse', '--verify', '--quiet', lane.branch).catch(() => 'none')).toBe(branchTip);
  expect((await r.stored(lane.name))?.merged).toEqual(merged);
  await assertNothingLost(oracle, r.t.dir);
  return reason;
};

describe('mergeLane: the base checkout must be clean (notes §7 #11)', () => {
  it('#11a: an unrelated unstaged edit is refused and kept', async () => {
    const r = await open();
    const lane = await r.lane('a', { 'b.txt': 'b\n' });
    await writeFile(join(r.t.dir, 'README.md'), 'my unsaved edit\n');
    const reason = await expectRefused(r, lane, 'has uncommitted changes: README.md');
    expect(reason).toContain(r.t.dir);
    expect(await readFile(join(r.t.dir, 'README.md'), 'utf8')).toBe('my unsaved edit\n');
  });

  it('#11b: a staged unrelated change is refused (git alone would fast-forward) and stays staged', async () => {
    const r = await open();
    const lane = await r.lane('a', { 'b.txt': 'b\n' });
    await writeFile(join(r.t.dir, 'staged.txt'), 'staged by the user\n');
    await r.t.git('add', 'staged.txt');
    await expectRefused(r, lane, 'has uncommitted changes: staged.txt');
    expect(await r.t.git('status', '--porcelain')).toBe('A  staged.txt\n');
  });

  it('#11c: an untracked file where the lane adds one is refused before anything is touched', async () => {
    const r = await open();
    const lane = await r.lane('a', { 'b.txt': 'from the lane\n' });
    await writeFile(join(r.t.dir, 'b.txt'), 'the user\'s own b.txt\n');
    await expectRefused(r, lane, 'has untracked files: b.txt');
    expect(await readFile(join(r.t.dir, 'b.txt'), 'utf8')).toBe('the user\'s own b.txt\n');
  });

  it('an ignored file where the lane adds one is refused (git would overwrite it silently)', async () => {
    const r = await open();
    await commitFiles(r.t.dir, { '.gitignore': '*.local\n' }, 'ignore');
    const lane = await r.lane('a');
    await writeFile(join(lane.worktree, 'keep.local'), 'from the lane\n');
    await gitIn(lane.worktree, ['add', '-f', 'keep.local']);
    await gitIn(lane.worktree, ['commit', '-q', '-m', 'track an ignored name']);
    await writeFile(join(r.t.dir, 'keep.local'), 'precious\n');
    await expectRefused(r, lane, 'has files where the merge adds files: keep.local');
    expect(await readFile(join(r.t.dir, 'keep.local'), 'utf8')).toBe('precious\n');
  });
});

describe('mergeLane: an operation under way in the base checkout is refused by name, never aborted (#12)', () => {
  /** A commit on a side branch that conflicts with main's README. */
  const conflictingBranch = async (r: MergeRig, name: string): Promise<string> => {
    await r.t.git('branch', name, 'main');
    await commitFiles(r.t.dir, { 'README.md': '# main side\n' }, 'main side');
    await r.t.git('switch', '-q', name);
    await commitFiles(r.t.dir, { 'README.md': `# ${name} side\n` }, `${name} side`);
    const tip = await r.tip('HEAD');
    await r.t.git('switch', '-q', 'main');
    return tip;
  };

  const gitFails = async (dir: string, args: string[]): Promise<void> => {
    await expect(gitIn(dir, args)).rejects.toThrow();
  };

  it('mid-merge: refused, MERGE_HEAD kept', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    await conflictingBranch(r, 'other');
    await gitFails(r.t.dir, ['merge', 'other']);
    await expectRefused(r, lane, 'is in the middle of a merge');
    expect(await exists(join(r.t.dir, '.git', 'MERGE_HEAD'))).toBe(true);
  });

  it('mid-rebase (HEAD detached meanwhile): refused, the rebase kept', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    await conflictingBranch(r, 'upstream');
    await gitFails(r.t.dir, ['rebase', 'upstream']);
    expect(await r.t.git('worktree', 'list', '--porcelain')).toContain('detached');
    await expectRefused(r, lane, 'is in the middle of a rebase');
    expect(await exists(join(r.t.dir, '.git', 'rebase-merge'))).toBe(true);
  });

  it('mid-cherry-pick: refused, CHERRY_PICK_HEAD kept', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    const pick = await conflictingBranch(r, 'picked');
    await gitFails(r.t.dir, ['cherry-pick', pick]);
    await expectRefused(r, lane, 'is in the middle of a cherry-pick');
    expect(await exists(join(r.t.dir, '.git', 'CHERRY_PICK_HEAD'))).toBe(true);
  });

  it('bisecting (HEAD detached on a midpoint): refused, the bisect kept', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    const good = await r.tip('main');
    for (const n of [1, 2, 3, 4]) await commitFiles(r.t.dir, { 'n.txt': `${n}\n` }, `n ${n}`);
    await r.t.git('bisect', 'start', 'main', good);
    expect((await r.t.git('status')).split('\n')[0]).toMatch(/HEAD detached/);
    await expectRefused(r, lane, 'bisecting');
    expect(await exists(join(r.t.dir, '.git', 'BISECT_LOG'))).toBe(true);
  });

  it('a stale index.lock: refused as locked, the lock left alone', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    await writeFile(join(r.t.dir, '.git', 'index.lock'), '');
    await expectRefused(r, lane, 'is locked (index.lock exists');
    expect(await exists(join(r.t.dir, '.git', 'index.lock'))).toBe(true);
  });
});

describe('mergeLane: the lane itself', () => {
  it('nothing to merge: a fresh lane', async () => {
    const r = await open();
    const lane = await r.lane('fresh');
    await expectRefused(r, lane, 'nothing to merge: lanes/fresh has no changes that are not already in main');
  });

  it('nothing to merge: a lane merged already', async () => {
    const r = await open();
    const lane = await r.lane('done', { 'b.txt': 'b\n' });
    expect((await merge(r, lane)).kind).toBe('merged');
    await expectRefused(r, lane, 'nothing to merge');
  });

  it('nothing to merge: content the base already has (squash merged by hand)', async () => {
    const r = await open();
    const lane = await r.lane('same', { 'b.txt': 'b\n' }, { 'c.txt': 'c\n' });
    await r.t.git('merge', '-q', '--squash', 'lanes/same');
    await r.t.git('commit', '-q', '-m', 'squashed by hand');
    await expectRefused(r, lane, 'nothing to merge');
  });

  it('a lane worktree on a detached HEAD is refused: its real HEAD is what counts', async () => {
    const r = await open();
    const lane = await r.lane('det', { 'b.txt': 'b\n' });
    await gitIn(lane.worktree, ['switch', '-q', '--detach']);
    await commitFiles(lane.worktree, { 'c.txt': 'detached work\n' }, 'detached');
    await expectRefused(r, lane, /^the lane's worktree is on a detached HEAD \([0-9a-f]{7}\), not on lanes\/det/);
  });

  it('a lane worktree switched to another branch is refused', async () => {
    const r = await open();
    const lane = await r.lane('sw', { 'b.txt': 'b\n' });
    await gitIn(lane.worktree, ['switch', '-q', '-c', 'elsewhere']);
    await expectRefused(r, lane, 'the lane\'s worktree is on elsewhere, not on lanes/sw');
  });

  it('a lane worktree in the middle of a merge is refused, even with commitWip: nothing is committed', async () => {
    const r = await open();
    const lane = await r.lane('mid', { 'a.txt': 'a1\nlane\na3\n' });
    await commitFiles(r.t.dir, { 'a.txt': 'a1\nbase\na3\n' }, 'base edit');
    await expect(gitIn(lane.worktree, ['merge', 'main'])).rejects.toThrow();
    const branchTip = await r.tip('lanes/mid');

    const outcome = await mergeLane({ repo: r.repo, lane, stateStore: r.store, commitWip: true });

    expect(outcome).toEqual({ kind: 'refused', reason: 'the lane\'s worktree is in the middle of a merge; finish it there first' });
    expect(await r.tip('lanes/mid')).toBe(branchTip);
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe('UU a.txt\n');
  });

  it('a missing lane worktree is refused', async () => {
    const r = await open();
    const lane = await r.lane('wt', { 'b.txt': 'b\n' });
    await rm(lane.worktree, { recursive: true, force: true });
    await expectRefused(r, lane, `the lane's worktree ${lane.worktree} is missing or unreadable`);
  });

  it('a missing lane branch is refused', async () => {
    const r = await open();
    const lane = await r.lane('gone', { 'b.txt': 'b\n' });
    await expectRefused(r, { ...lane, branch: 'lanes/not-there' }, 'the lane\'s branch lanes/not-there does not exist');
  });
});
