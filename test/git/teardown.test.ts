import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneRecord } from '../../src/core/lane.js';
import { createLane } from '../../src/git/lane-create.js';
import { assessLoss, describeLoss, listArchives, readArchiveMeta, teardownLane, type TeardownOutcome } from '../../src/git/teardown/index.js';
import { deleteBranchAt } from '../../src/git/teardown/remove.js';
import { shellAgent } from '../helpers/lane-config.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, indexBytes, makeRig, readIn, refExists, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const open = async (): Promise<Rig> => (rig = await makeRig());

const teardown = (lane: LaneRecord, force = false): Promise<TeardownOutcome> =>
  teardownLane({ repo: rig!.repo, lane, base: 'main', stateStore: rig!.store, force, graceMs: 500 });

const expectRefused = (outcome: TeardownOutcome): Extract<TeardownOutcome, { kind: 'refused' }> => {
  expect(outcome.kind).toBe('refused');
  if (outcome.kind !== 'refused') throw new Error('not refused');
  return outcome;
};

const expectRemoved = (outcome: TeardownOutcome): Extract<TeardownOutcome, { kind: 'removed' }> => {
  if (outcome.kind !== 'removed') throw new Error(`refused: ${outcome.reason}`);
  return outcome;
};

/** Everything of the lane is gone except its archive. */
const expectGone = async (lane: LaneRecord): Promise<void> => {
  expect(existsSync(lane.worktree)).toBe(false);
  expect(await refExists(rig!.t.dir, `refs/heads/${lane.branch}`)).toBe(false);
  expect(await rig!.record(lane.name)).toBeUndefined();
  expect(await gitIn(rig!.t.dir, ['worktree', 'list', '--porcelain'])).not.toContain(lane.worktree);
  expect(await rig!.journal()).toEqual([]);
};

/** Nothing of the lane changed: worktree, branch tip and record. */
const expectIntact = async (lane: LaneRecord, tip: string): Promise<void> => {
  expect(existsSync(lane.worktree)).toBe(true);
  expect((await gitIn(rig!.t.dir, ['rev-parse', lane.branch])).trim()).toBe(tip);
  expect(await rig!.record(lane.name)).toEqual(lane);
  expect(await rig!.journal()).toEqual([]);
};

/** A squash merge of `branch` into main, made the way a user would. */
const squashMerge = async (branch: string): Promise<void> => {
  await gitIn(rig!.t.dir, ['merge', '--squash', '-q', branch]);
  await gitIn(rig!.t.dir, ['commit', '-q', '-m', `squash ${branch}`]);
};

describe('teardownLane', () => {
  it('removes a lane with nothing to lose: worktree, branch (compare-and-swap) and record, archived first', async () => {
    const { t, lane: make } = await open();
    const lane = await make('clean');
    const before = await captureOracle(t.dir);
    const outcome = expectRemoved(await teardown(lane));
    expect(outcome.archive?.ref).toMatch(/^refs\/lanes\/archive\/clean\//);
    expect(outcome.kept).toEqual([]);
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('#1 refuses a modified tracked file, naming it, and touches nothing', async () => {
    const { t, lane: make } = await open();
    const lane = await make('dirty');
    await writeFiles(lane.worktree, { 'a.txt': 'changed\n' });
    const tip = (await gitIn(t.dir, ['rev-parse', lane.branch])).trim();
    const index = await indexBytes(lane.worktree);
    const before = await captureOracle(t.dir);

    const outcome = expectRefused(await teardown(lane));
    expect(outcome.report.dirty).toEqual(['a.txt']);
    expect(outcome.reason).toContain('uncommitted: a.txt');
    expect(outcome.archive?.ref).toMatch(/^refs\/lanes\/archive\/dirty\//);
    await expectIntact(lane, tip);
    expect(await readIn(lane.worktree, 'a.txt')).toBe('changed\n');
    expect(await indexBytes(lane.worktree)).toEqual(index);
    await assertNothingLost(before, t.dir);
  });

  it('#2 untracked files only: refused, then with confirmation archived and removed without touching the index', async () => {
    const { t, lane: make } = await open();
    const lane = await make('untracked');
    await writeFiles(lane.worktree, { 'new/one.txt': '1\n', 'two.txt': '2\n' });
    const index = await indexBytes(lane.worktree);
    const before = await captureOracle(t.dir);
    expect(expectRefused(await teardown(lane)).report.dirty.sort()).toEqual(['new/one.txt', 'two.txt']);
    expect(await indexBytes(lane.worktree)).toEqual(index);

    const outcome = expectRemoved(await teardown(lane, true));
    const tree = await gitIn(t.dir, ['ls-tree', '-r', '--name-only', outcome.archive!.commit]);
    expect(tree.split('\n')).toEqual(expect.arrayContaining(['new/one.txt', 'two.txt']));
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('#3 lists ignored-but-precious files, and archives them (git add -f) before a confirmed removal', async () => {
    const { t, lane: make } = await open();
    const lane = await make('precious');
    await writeFiles(lane.worktree, { '.env': 'TOKEN=x\n', 'notes.log': 'remember\n', 'node_modules/x/i.js': 'x\n' });
    const before = await captureOracle(t.dir);
    const refused = expectRefused(await teardown(lane));
    expect(refused.report.precious.sort()).toEqual(['.env', 'notes.log']);
    expect(refused.report.dirty).toEqual([]);
    expect(refused.reason).toContain('ignored files git would delete: ');

    const outcome = expectRemoved(await teardown(lane, true));
    expect(outcome.archive?.includedIgnored.sort()).toEqual(['.env', 'notes.log']);
    expect(await gitIn(t.dir, ['show', `${outcome.archive!.commit}:.env`])).toBe('TOKEN=x\n');
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('#4 refuses 2 unmerged commits; forced, the archive keeps the tip and the branch goes by compare-and-swap', async () => {
    const { t, lane: make } = await open();
    const lane = await make('ahead');
    await commitIn(lane.worktree, { 'x.txt': '1\n' }, 'first');
    const tip = await commitIn(lane.worktree, { 'x.txt': '2\n' }, 'second');
    const before = await captureOracle(t.dir);
    const refused = expectRefused(await teardown(lane));
    expect(refused.report.unmergedCommits.map((c) => c.subject)).toEqual(['second', 'first']);
    expect(refused.reason).toMatch(/2 unmerged commits/);
    await expectIntact(lane, tip);

    const outcome = expectRemoved(await teardown(lane, true));
    expect((await gitIn(t.dir, ['rev-parse', `${outcome.archive!.commit}^1`])).trim()).toBe(tip);
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('#5 a squash-merged branch counts as merged (content equivalent) although git cherry shows + + +', async () => {
    const { t, lane: make } = await open();
    const lane = await make('squashed');
    for (const n of [1, 2, 3]) await commitIn(lane.worktree, { [`f${n}.txt`]: `${n}\n` }, `commit ${n}`);
    await squashMerge(lane.branch);
    expect((await gitIn(t.dir, ['cherry', 'main', lane.branch])).trim().split('\n').map((l) => l[0])).toEqual(['+', '+', '+']);

    const report = await assessLoss({ repo: rig!.repo, lane, base: 'main' });
    expect(report).toMatchObject({ mergedAs: 'content', unmergedCommits: [], isLoss: false });
    const before = await captureOracle(t.dir);
    const outcome = expectRemoved(await teardown(lane));
    expect(await refExists(t.dir, outcome.archive!.ref)).toBe(true);
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('#6 after a squash merge, one more commit is refused as "1 unmerged commit after the last merge"', async () => {
    const { t, lane: make } = await open();
    const lane = await make('more');
    for (const n of [1, 2, 3]) await commitIn(lane.worktree, { [`f${n}.txt`]: `${n}\n` }, `commit ${n}`);
    const mergedTip = (await gitIn(lane.worktree, ['rev-parse', 'HEAD'])).trim();
    await squashMerge(lane.branch);
    const tip = await commitIn(lane.worktree, { 'f4.txt': '4\n' }, 'commit 4');

    const unrecorded = await assessLoss({ repo: rig!.repo, lane, base: 'main' });
    expect(unrecorded.unmergedCommits).toHaveLength(4);

    const merged: LaneRecord = { ...lane, merged: { tip: mergedTip, at: new Date(0).toISOString(), result: mergedTip } };
    await rig!.store.update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === lane.name ? merged : l)) }));
    const before = await captureOracle(t.dir);
    const refused = expectRefused(await teardown(merged));
    expect(refused.report.unmergedCommits.map((c) => c.subject)).toEqual(['commit 4']);
    expect(refused.reason).toContain('1 unmerged commit after the last merge');
    expect(describeLoss(refused.report, lane)[0]).toMatch(/^1 unmerged commit after the last merge: [0-9a-f]{8} commit 4$/);
    expect((await gitIn(t.dir, ['rev-parse', lane.branch])).trim()).toBe(tip);
    await assertNothingLost(before, t.dir);
  });

  it('#7 judges the real HEAD: a commit on a detached HEAD is refused, and reachable after a forced teardown', async () => {
    const { t, lane: make } = await open();
    const lane = await make('detached');
    await gitIn(lane.worktree, ['checkout', '-q', '--detach']);
    const detached = await commitIn(lane.worktree, { 'd.txt': 'd\n' }, 'detached work');
    const before = await captureOracle(t.dir);
    const refused = expectRefused(await teardown(lane));
    expect(refused.report).toMatchObject({ head: detached, headBranch: undefined, onRecordedBranch: false });
    expect(refused.report.unmergedCommits.map((c) => c.sha)).toEqual([detached]);
    expect(refused.reason).toContain('detached HEAD');

    const outcome = expectRemoved(await teardown(lane, true));
    expect((await gitIn(t.dir, ['rev-parse', `${outcome.archive!.commit}^1`])).trim()).toBe(detached);
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('#8 sees the worktree on another branch; refuses, and when forced keeps that branch', async () => {
    const { t, lane: make } = await open();
    const lane = await make('switched');
    await gitIn(lane.worktree, ['switch', '-q', '-c', 'other']);
    const other = await commitIn(lane.worktree, { 'o.txt': 'o\n' }, 'on other');
    const before = await captureOracle(t.dir);
    const refused = expectRefused(await teardown(lane));
    expect(refused.report).toMatchObject({ headBranch: 'other', onRecordedBranch: false });
    expect(refused.reason).toContain('on branch other, not lanes/switched');
    expect(await refExists(t.dir, 'refs/heads/other')).toBe(true);
    expect(await refExists(t.dir, 'refs/heads/lanes/switched')).toBe(true);

    const outcome = expectRemoved(await teardown(lane, true));
    expect(outcome.kept).toEqual(['branch other kept: the worktree was on it']);
    expect((await gitIn(t.dir, ['rev-parse', 'other'])).trim()).toBe(other);
    await expectGone(lane);
    await assertNothingLost(before, t.dir);
  });

  it('a refused teardown leaves the agent running', async () => {
    const { lane: make } = await open();
    const lane = await make('running');
    await writeFiles(lane.worktree, { 'wip.txt': 'wip\n' });
    const { spawn } = await import('node:child_process');
    const agent = spawn('sleep', ['30'], { cwd: lane.worktree, detached: true, stdio: 'ignore' });
    try {
      const outcome = await teardownLane({ repo: rig!.repo, lane, base: 'main', stateStore: rig!.store, rootPids: [agent.pid!], graceMs: 200 });
      expect(outcome.kind).toBe('refused');
      expect(agent.exitCode).toBeNull();
      expect(() => process.kill(agent.pid!, 0)).not.toThrow();
    } finally {
      agent.kill('SIGKILL');
    }
  });

  it('deletes the branch only at the tip it judged (compare-and-swap), never one checked out', async () => {
    const { t, lane: make } = await open();
    const lane = await make('cas');
    const start = (await gitIn(t.dir, ['rev-parse', lane.branch])).trim();
    const moved = await commitIn(lane.worktree, { 'm.txt': 'm\n' });
    expect(await deleteBranchAt(rig!.repo, lane.branch, start)).toBe('moved');
    expect(await deleteBranchAt(rig!.repo, lane.branch, moved)).toBe('checked-out');
    expect((await gitIn(t.dir, ['rev-parse', lane.branch])).trim()).toBe(moved);
    expect(await deleteBranchAt(rig!.repo, 'lanes/none', moved)).toBe('gone');
  });

  it('#18 creating a lane over an existing branch is refused and its commits stay', async () => {
    const { t, repo, store, config } = await open();
    await gitIn(t.dir, ['branch', 'lanes/foo']);
    const tip = await commitIn(t.dir, { 'main.txt': 'm\n' });
    await gitIn(t.dir, ['branch', '-f', 'lanes/foo', tip]);
    await gitIn(t.dir, ['reset', '-q', '--hard', 'HEAD~1']);
    const before = await captureOracle(t.dir);
    await expect(createLane({ repo, store, config, name: 'foo', agent: shellAgent })).rejects.toThrow(/branch lanes\/foo already exists/);
    expect((await gitIn(t.dir, ['rev-parse', 'lanes/foo'])).trim()).toBe(tip);
    await assertNothingLost(before, t.dir);
  });

  it('forgets a record whose worktree and branch are both gone (nothing to archive)', async () => {
    const { t, lane: make } = await open();
    const lane = await make('ghost');
    await gitIn(t.dir, ['worktree', 'remove', lane.worktree]);
    await gitIn(t.dir, ['update-ref', '-d', `refs/heads/${lane.branch}`]);
    const outcome = expectRemoved(await teardown(lane));
    expect(outcome.archive).toBeUndefined();
    expect(outcome.report).toMatchObject({ missing: true, head: undefined, isLoss: false });
    await expectGone(lane);
  });

  it('writes the lane record into the archive and lists it', async () => {
    const { lane: make } = await open();
    const lane = await make('listed');
    expectRemoved(await teardown(lane));
    const [archive] = await listArchives(rig!.repo);
    expect(archive?.lane).toBe('listed');
    expect((await readArchiveMeta(rig!.repo, archive!.commit))?.lane).toEqual(lane);
  });
});
