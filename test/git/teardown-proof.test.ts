import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneRecord } from '../../src/core/lane.js';
import { teardownLane, type TeardownOutcome } from '../../src/git/teardown/index.js';
import { readProcessStat } from '../../src/term/process-tree.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, makeRig, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: Rig | undefined;
let spawned: ChildProcess[] = [];
const extraDirs: string[] = [];
afterEach(async () => {
  for (const child of spawned) child.kill('SIGKILL');
  spawned = [];
  await rig?.t.cleanup();
  rig = undefined;
  for (const dir of extraDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const teardown = (lane: LaneRecord, force = false): Promise<TeardownOutcome> =>
  teardownLane({ repo: rig!.repo, lane, base: 'main', stateStore: rig!.store, graceMs: 500, ...(force ? { force: true } : {}) });

const isRunning = async (pid: number): Promise<boolean> => {
  const state = (await readProcessStat(pid))?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
};

/** A process working in `cwd` that is not one of the lane's: it must survive every refusal. */
const bystander = async (cwd: string): Promise<number> => {
  const child = spawn('sleep', ['300'], { cwd, detached: true, stdio: 'ignore' });
  spawned.push(child);
  await waitFor(() => child.pid !== undefined && isRunning(child.pid), 5_000, 'the bystander to start');
  return child.pid!;
};

/** Every file below `dir` with its content, `.git` included: what must not change. */
const contentsOf = async (dir: string): Promise<Record<string, string>> => {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir, { recursive: true })).map(String).sort()) {
    out[name] = await readFile(join(dir, name), 'utf8').catch(() => '<folder>');
  }
  return out;
};

const foreignFolder = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'lanes-foreign-'));
  extraDirs.push(dir);
  await writeFiles(dir, { 'precious.txt': 'the user’s own file\n', 'sub/notes.md': 'notes\n' });
  return dir;
};

describe('teardown proves the path is the lane’s worktree before it touches anything (issue 7 item 2)', () => {
  for (const force of [false, true]) {
    it(`a worktree replaced by a symlink to another folder: refused${force ? ' even with --force' : ''}, the folder, its files and its processes untouched`, async () => {
      rig = await makeRig();
      const lane = await rig.lane('swapped');
      const foreign = await foreignFolder();
      await rm(lane.worktree, { recursive: true, force: true });
      await symlink(foreign, lane.worktree);
      const pid = await bystander(foreign);
      const files = await contentsOf(foreign);
      const refs = await gitIn(rig.t.dir, ['for-each-ref']);

      const outcome = await teardown(lane, force);
      expect(outcome.kind).toBe('refused');
      if (outcome.kind === 'refused') {
        expect(outcome.reason).toMatch(/not provably its worktree .*symbolic link/);
        expect(outcome.reason).not.toContain('\n');
        expect(outcome.isForceable).toBe(false);
      }
      expect(existsSync(join(foreign, '.git'))).toBe(false);
      expect(await contentsOf(foreign)).toEqual(files);
      expect(await isRunning(pid)).toBe(true);
      expect(await rig.record('swapped')).toBeDefined();
      // Nothing of git's changed either (an archive of the branch may be added, nothing removed).
      for (const line of refs.split('\n').filter(Boolean)) expect(await gitIn(rig.t.dir, ['for-each-ref'])).toContain(line);
    });
  }

  it('a worktree replaced by a symlink to the main checkout: a process working in the checkout survives', async () => {
    rig = await makeRig();
    const lane = await rig.lane('to-main');
    await rm(lane.worktree, { recursive: true, force: true });
    await symlink(rig.t.dir, lane.worktree);
    const pid = await bystander(rig.t.dir);
    const before = await captureOracle(rig.t.dir);
    for (const force of [false, true]) {
      const outcome = await teardown(lane, force);
      expect(outcome.kind).toBe('refused');
      expect(await isRunning(pid)).toBe(true);
    }
    expect(existsSync(join(rig.t.dir, 'README.md'))).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });

  it('a state record naming a folder git does not know: nobody working there is signalled, nothing is written or removed', async () => {
    rig = await makeRig();
    const lane = await rig.lane('elsewhere');
    const foreign = await foreignFolder();
    const pid = await bystander(join(foreign, 'sub'));
    const files = await contentsOf(foreign);
    const record: LaneRecord = { ...lane, worktree: foreign };
    await rig.store.update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === lane.name ? record : l)) }));
    const before = await captureOracle(rig.t.dir);

    for (const force of [false, true]) {
      const outcome = await teardown(record, force);
      expect(outcome.kind).toBe('refused');
      if (outcome.kind === 'refused') expect(outcome.reason).toMatch(/not provably its worktree .*no \.git file/);
    }
    expect(await isRunning(pid)).toBe(true);
    expect(await contentsOf(foreign)).toEqual(files);
    await assertNothingLost(before, rig.t.dir);
  });

  it('a record naming another repository: refused, its .git left alone', async () => {
    rig = await makeRig();
    const lane = await rig.lane('other-repo');
    const other = await foreignFolder();
    await gitIn(other, ['init', '-q']);
    const record: LaneRecord = { ...lane, worktree: other };
    for (const force of [false, true]) {
      const outcome = await teardown(record, force);
      expect(outcome.kind).toBe('refused');
      if (outcome.kind === 'refused') expect(outcome.reason).toContain('a repository of its own');
    }
    expect(existsSync(join(other, 'precious.txt'))).toBe(true);
  });

  it('a worktree renamed by hand is re-linked alone: another worktree with a broken .git file is not touched', async () => {
    rig = await makeRig();
    const lane = await rig.lane('renamed');
    const decoy = await rig.lane('decoy');
    // The decoy's .git file names a place that does not exist: a global `git worktree repair`
    // would rewrite it.
    const decoyGit = join(decoy.worktree, '.git');
    await writeFile(decoyGit, 'gitdir: /nonexistent/worktrees/decoy\n');
    const moved = `${lane.worktree}-moved`;
    await rename(lane.worktree, moved);

    const outcome = await teardown(lane);
    expect(outcome.kind).toBe('removed');
    expect(existsSync(moved)).toBe(false);
    expect(await readFile(decoyGit, 'utf8')).toBe('gitdir: /nonexistent/worktrees/decoy\n');
  });

  it('a record pointed at another lane’s worktree is refused, that lane untouched', async () => {
    rig = await makeRig();
    const lane = await rig.lane('pointer');
    const victim = await rig.lane('victim');
    const pid = await bystander(victim.worktree);
    const before = await captureOracle(rig.t.dir);
    // Both records name one folder: neither is torn down.
    const shared: LaneRecord = { ...lane, worktree: victim.worktree };
    await rig.store.update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === lane.name ? shared : l)) }));
    await expect(teardown(shared, true)).rejects.toThrow(/both name the folder/);
    // The victim's record gone too (edited away): the worktree's own stamp says whose it is.
    await rig.store.update((state) => ({ ...state, lanes: state.lanes.filter((l) => l.name !== victim.name) }));
    for (const force of [false, true]) {
      const outcome = await teardown(shared, force);
      expect(outcome.kind).toBe('refused');
      if (outcome.kind === 'refused') expect(outcome.reason).toMatch(/was made for lane victim \(created /);
    }
    expect(await isRunning(pid)).toBe(true);
    expect(existsSync(victim.worktree)).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });

  it('a record whose path goes through a symlink and back (`l/..`) is refused: what is proven is what is acted on', async () => {
    rig = await makeRig();
    const lane = await rig.lane('dotted');
    const victim = await rig.lane('target');
    await mkdir(join(victim.worktree, 'sub'));
    await writeFiles(victim.worktree, { 'sub/work.txt': 'work\n' });
    await symlink(join(victim.worktree, 'sub'), join(lane.worktree, 'l'));
    const record: LaneRecord = { ...lane, worktree: `${lane.worktree}/l/..` };
    const before = await captureOracle(rig.t.dir);
    for (const force of [false, true]) {
      const outcome = await teardown(record, force);
      expect(outcome.kind).toBe('refused');
      if (outcome.kind === 'refused') expect(outcome.reason).toContain('is not a normalised absolute path');
    }
    expect(existsSync(join(victim.worktree, 'sub', 'work.txt'))).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });

  it('a worktree whose .git file was pointed at another lane’s admin folder is refused', async () => {
    rig = await makeRig();
    const lane = await rig.lane('forged');
    const other = await rig.lane('victim');
    const victimGit = await readFile(join(other.worktree, '.git'), 'utf8');
    await writeFile(join(lane.worktree, '.git'), victimGit);
    await writeFiles(other.worktree, { 'victim.txt': 'work\n' });
    const before = await captureOracle(rig.t.dir);
    const outcome = await teardown(lane, true);
    expect(outcome.kind).toBe('refused');
    if (outcome.kind === 'refused') expect(outcome.reason).toContain('belongs to another worktree');
    expect(existsSync(join(other.worktree, 'victim.txt'))).toBe(true);
    await assertNothingLost(before, rig.t.dir);
  });
});

describe('processes a running UI names are ended one by one (issue 7 items 2 and 8)', () => {
  it('a named process is never taken for the leader of its group or session: the others of its session live on', async () => {
    rig = await makeRig();
    const lane = await rig.lane('named');
    const outside = await mkdtemp(join(tmpdir(), 'lanes-session-'));
    extraDirs.push(outside);
    // A session of someone else's: a shell leading it and a sleep in its group.
    const leader = spawn('sh', ['-c', `sleep 300 & echo $! > '${join(outside, 'child')}'; wait`], { cwd: outside, detached: true, stdio: 'ignore' });
    spawned.push(leader);
    const childPid = Number(await waitFor(async () => (await readFile(join(outside, 'child'), 'utf8').catch(() => '')).trim(), 5_000, 'the child'));
    const startTime = (await readProcessStat(leader.pid!))!.startTime;

    const outcome = await teardownLane({ repo: rig.repo, lane, base: 'main', stateStore: rig.store, graceMs: 300, namedProcesses: [{ pid: leader.pid!, startTime }] });
    expect(outcome.kind).toBe('removed');
    await waitFor(async () => !(await isRunning(leader.pid!)), 5_000, 'the named process to end');
    expect(await isRunning(childPid)).toBe(true);
    process.kill(childPid, 'SIGKILL');
  });
});

describe('a half-made worktree (issue 7 item 7)', () => {
  it('a worktree whose HEAD names no commit is judged against its branch and torn down, its files archived', async () => {
    rig = await makeRig();
    const lane = await rig.lane('half');
    await writeFiles(lane.worktree, { 'work.txt': 'work in a half-made worktree\n' });
    await writeFile(join(rig.repo.commonDir, 'worktrees', 'half', 'HEAD'), `${'0'.repeat(40)}\n`);
    const refused = await teardown(lane);
    expect(refused.kind).toBe('refused');
    expect(refused.notices).toEqual([expect.stringContaining('had no readable HEAD')]);
    if (refused.kind === 'refused') expect(refused.reason).toContain('work.txt');
    const outcome = await teardown(lane, true);
    expect(outcome.kind).toBe('removed');
    if (outcome.kind === 'removed') {
      expect(await gitIn(rig.t.dir, ['show', `${outcome.archive!.commit}:work.txt`])).toBe('work in a half-made worktree\n');
    }
  });
});

describe('a commit on a detached lane HEAD during rm --force is never lost (issue 7 item 5)', () => {
  it('commits made from outside the lane’s processes until the worktree is gone are all reachable afterwards', async () => {
    rig = await makeRig();
    const lane = await rig.lane('racing');
    await commitIn(lane.worktree, { 'w.txt': 'start\n' }, 'start');
    await gitIn(lane.worktree, ['checkout', '-q', '--detach']);
    const outside = await mkdtemp(join(tmpdir(), 'lanes-committer-'));
    extraDirs.push(outside);
    const shas = join(outside, 'shas');
    await mkdir(outside, { recursive: true });
    // A committer that is not in the lane's process tree, works from elsewhere and has no marker.
    const script = [
      'i=0',
      `while [ -d "$WT" ]; do`,
      '  i=$((i+1))',
      '  echo "$i" > "$WT/loop.txt" 2>/dev/null || break',
      '  git -C "$WT" add loop.txt 2>/dev/null || continue',
      '  if git -C "$WT" -c user.name=t -c user.email=t@t commit -q --no-verify -m "loop $i" 2>/dev/null; then',
      '    git -C "$WT" rev-parse HEAD >> "$SHAS" 2>/dev/null',
      '  fi',
      'done',
    ].join('\n');
    const env: NodeJS.ProcessEnv = { ...process.env, WT: lane.worktree, SHAS: shas };
    delete env.LANES_WORKTREE;
    const committer = spawn('sh', ['-c', script], { cwd: outside, env, detached: true, stdio: 'ignore' });
    spawned.push(committer);
    await waitFor(async () => (await readFile(shas, 'utf8').catch(() => '')).split('\n').filter(Boolean).length >= 3, 20_000, 'the committer to commit');

    const outcome = await teardown(lane, true);
    expect(outcome.kind === 'refused' ? outcome.reason : outcome.kind).toBe('removed');
    await waitFor(() => committer.exitCode !== null || committer.signalCode !== null, 20_000, 'the committer to stop');
    const committed = (await readFile(shas, 'utf8')).split('\n').filter(Boolean);
    expect(committed.length).toBeGreaterThanOrEqual(3);
    const lost: string[] = [];
    for (const sha of committed) {
      const holders = (await gitIn(rig.t.dir, ['for-each-ref', '--contains', sha, '--format=%(refname)'])).trim();
      if (holders === '') lost.push(sha);
    }
    expect(lost).toEqual([]);
  });
});
