import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, realpath, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneRecord } from '../../src/core/lane.js';
import { discoverRepo } from '../../src/git/repo.js';
import { StateStore } from '../../src/git/state.js';
import { assessLoss, restoreLane, teardownLane, type TeardownOutcome } from '../../src/git/teardown/index.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, makeRig, refExists, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: Rig | undefined;
let agents: ChildProcess[] = [];
const extraDirs: string[] = [];
afterEach(async () => {
  for (const agent of agents) agent.kill('SIGKILL');
  agents = [];
  await rig?.t.cleanup();
  rig = undefined;
  for (const dir of extraDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const teardown = (lane: LaneRecord, extra: { force?: boolean; rootPids?: number[] } = {}): Promise<TeardownOutcome> =>
  teardownLane({ repo: rig!.repo, lane, base: 'main', stateStore: rig!.store, graceMs: 500, ...extra });

const removed = (outcome: TeardownOutcome): Extract<TeardownOutcome, { kind: 'removed' }> => {
  if (outcome.kind !== 'removed') throw new Error(`refused: ${outcome.reason}`);
  return outcome;
};

const worktreeList = (dir: string): Promise<string> => gitIn(dir, ['worktree', 'list', '--porcelain']);

describe('teardown of worktrees moved, removed, locked or with submodules', () => {
  it('#21 a worktree removed by hand: missing, only its entry removed, the user\'s moved worktree entry kept', async () => {
    rig = await makeRig();
    const { t } = rig;
    const lane = await rig.lane('vanished');
    const agent = spawn('sleep', ['60'], { cwd: lane.worktree, detached: true, stdio: 'ignore' });
    agents.push(agent);
    const userWorktree = join(dirname(t.dir), 'user-wt');
    await gitIn(t.dir, ['worktree', 'add', '-q', '-b', 'user/feature', userWorktree]);
    await rename(userWorktree, `${userWorktree}-moved`);
    await rm(lane.worktree, { recursive: true, force: true });

    const report = await assessLoss({ repo: rig.repo, lane, base: 'main' });
    expect(report).toMatchObject({ missing: true, isLoss: false, dirty: [] });
    const before = await captureOracle(t.dir);
    removed(await teardown(lane, { rootPids: [agent.pid!] }));
    await waitFor(() => agent.exitCode !== null || agent.signalCode !== null, 5_000, 'the agent to end');
    const list = await worktreeList(t.dir);
    expect(list).not.toContain(lane.worktree);
    expect(list).toContain(userWorktree);
    await gitIn(t.dir, ['worktree', 'repair', `${userWorktree}-moved`]);
    expect((await gitIn(`${userWorktree}-moved`, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/user/feature');
    expect(await refExists(t.dir, `refs/heads/${lane.branch}`)).toBe(false);
    await assertNothingLost(before, t.dir, { pids: [agent.pid!] });
  });

  it('#21 a removed worktree whose branch has commits: refused, the branch and its commits kept', async () => {
    rig = await makeRig();
    const lane = await rig.lane('vanished-work');
    const tip = await commitIn(lane.worktree, { 'w.txt': 'w\n' }, 'work');
    await rm(lane.worktree, { recursive: true, force: true });
    const before = await captureOracle(rig.t.dir);
    const outcome = await teardown(lane);
    expect(outcome.kind).toBe('refused');
    expect(outcome.report).toMatchObject({ missing: true, unmergedCommits: [{ sha: tip, subject: 'work' }] });
    expect((await gitIn(rig.t.dir, ['rev-parse', lane.branch])).trim()).toBe(tip);
    expect(await worktreeList(rig.t.dir)).toContain(lane.worktree);
    await assertNothingLost(before, rig.t.dir);
  });

  it('#22 a worktree renamed by hand is found by its own links, never pruned, judged where it is, and re-linked only to be removed', async () => {
    rig = await makeRig();
    const lane = await rig.lane('renamed');
    await writeFiles(lane.worktree, { 'wip.txt': 'wip\n' });
    const moved = `${lane.worktree}-moved`;
    await rename(lane.worktree, moved);
    const before = await captureOracle(rig.t.dir);

    const report = await assessLoss({ repo: rig.repo, lane, base: 'main' });
    expect(report).toMatchObject({ missing: false, worktree: moved, dirty: ['wip.txt'], isLoss: true });
    expect((await gitIn(moved, ['status', '--porcelain'])).trim()).toBe('?? wip.txt');
    // Judging writes nothing: git's entry still names the old place (and nothing was pruned).
    expect(await worktreeList(rig.t.dir)).toContain(lane.worktree);
    expect((await teardown(lane)).kind).toBe('refused');
    expect(existsSync(join(moved, 'wip.txt'))).toBe(true);
    await assertNothingLost(before, rig.t.dir);

    await rm(join(moved, 'wip.txt'));
    removed(await teardown(lane));
    expect(existsSync(moved)).toBe(false);
    expect(await worktreeList(rig.t.dir)).not.toContain(moved);
    expect(await worktreeList(rig.t.dir)).not.toContain(lane.worktree);
  });

  it('#22 after the main checkout moved, only the lane’s own .git file is re-linked before it is judged', async () => {
    rig = await makeRig();
    const lane = await rig.lane('relinked');
    await commitIn(lane.worktree, { 'c.txt': 'c\n' }, 'lane work');
    const newMain = join(dirname(rig.t.dir), 'repo-moved');
    await rename(rig.t.dir, newMain);
    const repo = await discoverRepo(newMain);
    const report = await assessLoss({ repo, lane, base: 'main' });
    expect(report).toMatchObject({ missing: false, repaired: lane.worktree, isLoss: true });
    expect(report.unmergedCommits.map((c) => c.subject)).toEqual(['lane work']);
    expect((await gitIn(lane.worktree, ['status', '--porcelain'])).trim()).toBe('');
  });

  it('#23 refuses a worktree the user locked, showing the reason, even when forced', async () => {
    rig = await makeRig();
    const lane = await rig.lane('locked');
    await gitIn(rig.t.dir, ['worktree', 'lock', '--reason', 'reviewing this by hand', lane.worktree]);
    const before = await captureOracle(rig.t.dir);
    for (const force of [false, true]) {
      const outcome = await teardown(lane, { force });
      expect(outcome.kind).toBe('refused');
      if (outcome.kind === 'refused') expect(outcome.reason).toContain('locked (reviewing this by hand)');
    }
    expect(existsSync(lane.worktree)).toBe(true);
    expect(await worktreeList(rig.t.dir)).toContain('locked reviewing this by hand');
    expect(await rig.record(lane.name)).toEqual(lane);
    await assertNothingLost(before, rig.t.dir);
  });

  it('#24 refuses dirt inside a submodule; a clean submodule is removed (git needs --force once)', async () => {
    const subRoot = await realpath(await mkdtemp(join(tmpdir(), 'lanes-sub-')));
    extraDirs.push(subRoot);
    await gitIn(subRoot, ['init', '-q', '-b', 'main']);
    await commitIn(subRoot, { 'lib.txt': 'lib\n' }, 'lib');
    rig = await makeRig();
    await gitIn(rig.t.dir, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', subRoot, 'sub']);
    await gitIn(rig.t.dir, ['commit', '-q', '-m', 'add submodule']);
    const lane = await rig.lane('with-sub');
    await gitIn(lane.worktree, ['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init']);
    await writeFiles(join(lane.worktree, 'sub'), { 'lib.txt': 'changed inside\n', 'new.txt': 'n\n' });

    const before = await captureOracle(rig.t.dir);
    const outcome = await teardown(lane);
    expect(outcome.kind).toBe('refused');
    expect(outcome.report.submoduleDirty.sort()).toEqual(['sub/lib.txt', 'sub/new.txt']);
    expect(outcome.report.isLoss).toBe(true);
    expect(existsSync(join(lane.worktree, 'sub', 'new.txt'))).toBe(true);
    await assertNothingLost(before, rig.t.dir);

    await gitIn(join(lane.worktree, 'sub'), ['checkout', '-q', '--', 'lib.txt']);
    await rm(join(lane.worktree, 'sub', 'new.txt'));
    expect((await assessLoss({ repo: rig.repo, lane, base: 'main' })).isLoss).toBe(false);
    removed(await teardown(lane));
    expect(existsSync(lane.worktree)).toBe(false);
  });

  it('#20 works from inside another lane and with a detached main checkout; a missing base is refused before anything', async () => {
    rig = await makeRig();
    const { t, config } = rig;
    const other = await rig.lane('other');
    const lane = await rig.lane('target');
    await gitIn(t.dir, ['checkout', '-q', '--detach']);
    const fromLane = await discoverRepo(join(other.worktree));
    const store = new StateStore(fromLane, { branchPrefix: 'lanes/' });
    const before = await captureOracle(t.dir);
    await expect(teardownLane({ repo: fromLane, lane, base: 'no-such-base', stateStore: store })).rejects.toThrow(/base branch 'no-such-base' does not exist/);
    expect(existsSync(lane.worktree)).toBe(true);
    expect(await rig.journal()).toEqual([]);
    expect(await gitIn(t.dir, ['for-each-ref', 'refs/lanes/'])).toBe('');
    removed(await teardownLane({ repo: fromLane, lane, base: 'main', stateStore: store }));
    const restored = await restoreLane({ repo: fromLane, name: 'target', stateStore: store, config });
    expect(restored.worktree).toBe(lane.worktree);
    expect(existsSync(join(other.worktree, 'target'))).toBe(false);
    await assertNothingLost(before, t.dir);
  });

  it('#19 hostile paths and branch prefix, a newline in the worktree folder; hostile names refused', async () => {
    const suffix = " spa ce ünï 'q' $(touch pwned) `id`";
    rig = await makeRig({ pathSuffix: suffix }, { branchPrefix: 'x$(touch${IFS}pwned)/', worktreeDir: '{repoParent}/lanes\nof {repo}/{name}' });
    const { t, repo, store, config } = rig;
    const lane = await rig.lane('a.b_c-1');
    expect(lane.worktree).toContain('\n');
    await commitIn(lane.worktree, { 'c.txt': 'c\n' }, 'odd commit');
    await writeFiles(lane.worktree, { 'odd $(name) ü.txt': 'x\n', '-rf': 'dash\n', '.env': 'K=v\n' });
    const before = await captureOracle(t.dir);
    const outcome = await teardown(lane);
    expect(outcome.kind).toBe('refused');
    expect(outcome.report.dirty.sort()).toEqual(['-rf', 'odd $(name) ü.txt']);
    expect(outcome.report.precious).toEqual(['.env']);
    removed(await teardown(lane, { force: true }));
    await assertNothingLost(before, t.dir);

    const restored = await restoreLane({ repo, name: 'a.b_c-1', stateStore: store, config });
    expect(restored.worktree).toBe(lane.worktree);
    expect((await gitIn(lane.worktree, ['status', '--porcelain', '-z', '--ignored'])).split('\0').filter(Boolean).sort()).toEqual(['!! .env', '?? -rf', '?? odd $(name) ü.txt']);

    for (const name of ['-rf', 'a..b', 'x$(touch pwned)', 'a'.repeat(41), 'new\nline']) {
      const hostile = { ...lane, name };
      await expect(teardownLane({ repo, lane: hostile, base: 'main', stateStore: store })).rejects.toThrow(/invalid lane name/);
      await expect(restoreLane({ repo, name, stateStore: new StateStore(repo, { branchPrefix: 'lanes/' }), config })).rejects.toThrow(/invalid lane name/);
    }
    const everywhere = [dirname(t.dir), t.dir, lane.worktree, process.cwd()];
    for (const dir of everywhere) expect((await readdir(dir)).filter((n) => n === 'pwned')).toEqual([]);
    expect(basename(t.dir)).toBe(`repo${suffix}`);
  });
});
