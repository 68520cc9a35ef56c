import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../src/git/journal.js';
import { forgetLane } from '../../src/git/teardown/remove.js';
import { recoverTeardowns, teardownLane } from '../../src/git/teardown/index.js';
import { readProcessStat } from '../../src/term/process-tree.js';
import { ensureBuilt } from '../helpers/built.js';
import { killSpawnedGroups } from '../helpers/spawned.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { isolatedEnv, runLanes } from '../helpers/run-cli.js';
import { makeRig, refExists, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';

const LANES_OP = fileURLToPath(new URL('../helpers/agents/lanes-op.mjs', import.meta.url));

let rig: Rig | undefined;
const spawned: ChildProcess[] = [];
const homes: string[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterEach(async () => {
  killSpawnedGroups(spawned);
  await rig?.t.cleanup();
  rig = undefined;
  for (const home of homes.splice(0)) await rm(home, { recursive: true, force: true });
});

const isRunning = async (pid: number): Promise<boolean> => {
  const state = (await readProcessStat(pid))?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
};

/** A teardown in a process of its own that SIGKILLs itself right after journaling `step`. */
const crashTeardown = async (name: string, crashAt: string, force: boolean, step = crashAt): Promise<void> => {
  const env = { ...process.env, LANES_TEST_CRASH_AT: crashAt };
  const child = spawn(process.execPath, [LANES_OP, JSON.stringify({ op: 'teardown', dir: rig!.t.dir, config: rig!.config, name, force })], {
    env,
    detached: true,
    stdio: 'ignore',
  });
  spawned.push(child);
  const signal = await new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, sig) => done(sig)));
  expect(signal).toBe('SIGKILL');
  expect(await rig!.journal()).toEqual([{ op: 'teardown', lane: name, step }]);
};

const agentIn = async (cwd: string): Promise<number> => {
  const child = spawn('sleep', ['300'], { cwd, detached: true, stdio: 'ignore' });
  spawned.push(child);
  await waitFor(() => child.pid !== undefined && isRunning(child.pid), 5_000, 'the agent to start');
  return child.pid!;
};

/** What a user does by hand after an interrupted `lanes rm --force`: the worktree, branch and record gone. */
const finishByHand = async (name: string, worktree: string): Promise<void> => {
  await gitIn(rig!.t.dir, ['worktree', 'remove', '--force', worktree]);
  await gitIn(rig!.t.dir, ['branch', '-D', `lanes/${name}`]);
  await forgetLane(rig!.store, name);
};

describe('a teardown journal entry acts only on the lane it was written for (issue 7 item 4)', () => {
  it('an interrupted rm --force finished by hand never destroys the new lane of the same name', async () => {
    rig = await makeRig();
    const old = await rig.lane('a');
    await crashTeardown('a', 'kill', true);
    await finishByHand('a', old.worktree);
    // createdAt has millisecond resolution: the new lane is made a moment later.
    await waitFor(() => Date.now() > Date.parse(old.createdAt) + 2, 1_000, 'the clock to move');
    const lane = await rig.lane('a');
    expect(lane.createdAt).not.toBe(old.createdAt);
    await writeFiles(lane.worktree, { 'new-work.txt': 'the new lane’s work\n' });
    const pid = await agentIn(lane.worktree);
    const before = await captureOracle(rig.t.dir);

    const messages = await recoverTeardowns(rig.repo, rig.store);
    expect(messages).toEqual([expect.stringMatching(/^dropped an interrupted teardown of lane a: lane a is now a newer lane/)]);
    expect(await rig.journal()).toEqual([]);
    expect(existsSync(join(lane.worktree, 'new-work.txt'))).toBe(true);
    expect(await refExists(rig.t.dir, 'refs/heads/lanes/a')).toBe(true);
    expect(await rig.record('a')).toEqual(lane);
    expect(await isRunning(pid)).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });

  it('recovery without --force judges before it ends anything: a lane that gained work keeps its processes', async () => {
    rig = await makeRig();
    const lane = await rig.lane('grows');
    await crashTeardown('grows', 'kill', false);
    await writeFiles(lane.worktree, { 'later.txt': 'written after the crash\n' });
    const pid = await agentIn(lane.worktree);
    const before = await captureOracle(rig.t.dir);

    const messages = await recoverTeardowns(rig.repo, rig.store);
    expect(messages).toEqual([expect.stringMatching(/^the interrupted teardown of lane grows stopped: tearing down lane grows would lose work: uncommitted: later\.txt/)]);
    expect(await isRunning(pid)).toBe(true);
    expect(await rig.journal()).toEqual([]);
    await assertNothingLost(before, rig.t.dir);
  });

  it('stops, ending nothing, when the branch moved after the entry judged it', async () => {
    rig = await makeRig();
    const lane = await rig.lane('moved-on');
    await crashTeardown('moved-on', 'kill', true);
    await writeFiles(lane.worktree, { 'c.txt': 'c\n' });
    await gitIn(lane.worktree, ['add', 'c.txt']);
    await gitIn(lane.worktree, ['commit', '-q', '-m', 'after the crash']);
    const pid = await agentIn(lane.worktree);
    const before = await captureOracle(rig.t.dir);

    const messages = await recoverTeardowns(rig.repo, rig.store);
    expect(messages).toEqual([expect.stringMatching(/^the interrupted teardown of lane moved-on stopped: branch lanes\/moved-on moved since the teardown judged it/)]);
    expect(await isRunning(pid)).toBe(true);
    expect(existsSync(lane.worktree)).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });

  it('an explicit lanes rm settles an older entry of an earlier lane of the name, and says so', async () => {
    rig = await makeRig();
    const old = await rig.lane('b');
    await crashTeardown('b', 'kill', true);
    await finishByHand('b', old.worktree);
    await waitFor(() => Date.now() > Date.parse(old.createdAt) + 2, 1_000, 'the clock to move');
    const lane = await rig.lane('b');
    await writeFiles(lane.worktree, { 'keep.txt': 'keep\n' });
    const before = await captureOracle(rig.t.dir);

    const outcome = await teardownLane({ repo: rig.repo, lane, base: 'main', stateStore: rig.store, graceMs: 300 });
    expect(outcome.kind).toBe('refused');
    expect(outcome.notices).toEqual([expect.stringMatching(/^dropped an interrupted teardown of an earlier lane b \(created /)]);
    expect(await rig.journal()).toEqual([]);
    expect(existsSync(join(lane.worktree, 'keep.txt'))).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });

  it('recovery runs from the command line too: lanes new finishes an interrupted teardown first', async () => {
    rig = await makeRig();
    const lane = await rig.lane('half');
    await crashTeardown('half', 'remove-worktree', true);
    const { env, home } = await isolatedEnv();
    homes.push(home);

    const result = await runLanes(['new', 'next', '--cmd', 'true'], { cwd: rig.t.dir, env });
    expect(result.stderr).toContain('lanes: finished the interrupted teardown of lane half');
    expect(result.code).toBe(0);
    expect(existsSync(lane.worktree)).toBe(false);
    expect(await rig.record('half')).toBeUndefined();
    expect(await rig.journal()).toEqual([]);
  });

  it('lanes rm after a crash cut a removal short (.git file gone) finishes it through its journal', async () => {
    rig = await makeRig();
    const lane = await rig.lane('cut');
    await crashTeardown('cut', 'remove-worktree', true);
    await rm(join(lane.worktree, 'a.txt'));
    await rm(join(lane.worktree, '.git'));
    const { env, home } = await isolatedEnv();
    homes.push(home);
    const result = await runLanes(['rm', 'cut'], { cwd: rig.t.dir, env });
    expect(result.stderr).toContain('finished the interrupted teardown of lane cut');
    expect(result.code).toBe(0);
    expect(existsSync(lane.worktree)).toBe(false);
    expect(await rig.journal()).toEqual([]);
  });

  it('an entry this process left after a failure, or one whose pid now belongs to another process, does not block lanes rm', async () => {
    rig = await makeRig();
    const lane = await rig.lane('stuck');
    const journal = new Journal(rig.repo);
    // A teardown of this very process that threw after its kill step: not running any more.
    await journal.begin('teardown', 'stuck', 'kill', { lane, base: 'main', force: false, roots: [] });
    // A crashed one whose pid was reused (pid 1 is alive, its start time is not the recorded one).
    const reused = await journal.begin('teardown', 'stuck', 'kill', { lane, base: 'main', force: false, roots: [] });
    await writeFile(join(journal.dir, `${reused.id}.json`), JSON.stringify({ ...reused, pid: 1, pidStart: 1 }));
    const outcome = await teardownLane({ repo: rig.repo, lane, base: 'main', stateStore: rig.store, graceMs: 300 });
    expect(outcome.kind).toBe('removed');
    expect(outcome.notices).toHaveLength(2);
    expect(await rig.journal()).toEqual([]);
  });

  it('a crash while holding the worktree’s HEAD.lock: the next command releases it, and a lane with new work is kept', async () => {
    rig = await makeRig();
    const lane = await rig.lane('held');
    await crashTeardown('held', 'head-locked', false, 'remove-worktree');
    const lock = join(rig.repo.commonDir, 'worktrees', 'held', 'HEAD.lock');
    expect(existsSync(lock)).toBe(true);
    await writeFiles(lane.worktree, { 'late.txt': 'late work\n' });
    const before = await captureOracle(rig.t.dir);
    const messages = await recoverTeardowns(rig.repo, rig.store);
    expect(messages).toEqual([expect.stringMatching(/^the interrupted teardown of lane held stopped: tearing down lane held would lose work/)]);
    expect(existsSync(lock)).toBe(false);
    await gitIn(lane.worktree, ['add', 'late.txt']);
    await gitIn(lane.worktree, ['commit', '-q', '-m', 'late']);
    expect(await rig.record('held')).toBeDefined();
    await assertNothingLost(before, rig.t.dir);
  });
});
