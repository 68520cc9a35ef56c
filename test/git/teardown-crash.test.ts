import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultWorktreePath } from '../../src/git/lane-create.js';
import { listArchives, processesInside, recoverTeardowns } from '../../src/git/teardown/index.js';
import { readProcessStat } from '../../src/term/process-tree.js';
import { ensureBuilt } from '../helpers/built.js';
import { killSpawnedGroups } from '../helpers/spawned.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, makeRig, refExists, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';

const LANES_OP = fileURLToPath(new URL('../helpers/agents/lanes-op.mjs', import.meta.url));

let rig: Rig | undefined;
const spawned: ChildProcess[] = [];
beforeAll(() => ensureBuilt(), 120_000);
afterEach(async () => {
  killSpawnedGroups(spawned);
  await rig?.t.cleanup();
  rig = undefined;
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Run a lanes operation from dist/ in a child process (its own process group). */
const runOp = (request: Record<string, unknown>, crashAt?: string): Run => {
  const env = { ...process.env, ...(crashAt ? { LANES_TEST_CRASH_AT: crashAt } : {}) };
  const child = spawn(process.execPath, [LANES_OP, JSON.stringify({ dir: rig!.t.dir, config: rig!.config, ...request })], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
};

const isRunning = async (pid: number): Promise<boolean> => {
  const state = (await readProcessStat(pid))?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
};

/** Every registered worktree that git could prune (folder gone): none may be left unexplained. */
const prunable = async (dir: string): Promise<string[]> =>
  (await gitIn(dir, ['worktree', 'list', '--porcelain'])).split('\n\n').filter((block) => block.includes('\nprunable'));

describe('F5: a teardown killed after each step, then recovered', () => {
  it.each(['archive', 'kill', 'remove-worktree', 'delete-branch', 'forget'])('crash at %s', async (step) => {
    rig = await makeRig();
    const { t, repo, store } = rig;
    const lane = await rig.lane('crashy');
    await commitIn(lane.worktree, { 'work.txt': 'committed work\n' }, 'unmerged work');
    await writeFiles(lane.worktree, { 'a.txt': 'dirty\n', 'new.txt': 'untracked\n', '.env': 'KEY=1\n' });
    const agent = spawn('sleep', ['120'], { cwd: lane.worktree, detached: true, stdio: 'ignore' });
    spawned.push(agent);
    const before = await captureOracle(t.dir);

    const run = runOp({ op: 'teardown', name: 'crashy', force: true, rootPids: [agent.pid] }, step);
    const exit = await run.done;
    expect(exit.signal, exit.stderr).toBe('SIGKILL');
    expect(await rig.journal()).toEqual([{ op: 'teardown', lane: 'crashy', step }]);
    const archives = (await listArchives(repo)).filter((a) => a.lane === 'crashy');
    // The archive exists before the first destructive step.
    expect(archives.length > 0).toBe(step !== 'archive');
    await assertNothingLost(before, t.dir);

    const messages = await recoverTeardowns(repo, store);
    expect(messages).toHaveLength(1);
    expect(await rig.journal()).toEqual([]);
    if (step === 'archive') {
      expect(messages[0]).toMatch(/interrupted before anything was removed; the lane is kept/);
      expect(existsSync(join(lane.worktree, 'new.txt'))).toBe(true);
      expect(await rig.record('crashy')).toEqual(lane);
      expect(await isRunning(agent.pid!)).toBe(true);
    } else {
      expect(messages[0]).toMatch(/^finished the interrupted teardown of lane crashy \(archive refs\/lanes\/archive\/crashy\//);
      expect(existsSync(lane.worktree)).toBe(false);
      expect(await refExists(t.dir, 'refs/heads/lanes/crashy')).toBe(false);
      expect(await rig.record('crashy')).toBeUndefined();
      expect(await isRunning(agent.pid!)).toBe(false);
    }
    expect(await prunable(t.dir)).toEqual([]);
    await assertNothingLost(before, t.dir, step === 'archive' ? {} : { pids: [agent.pid!], noProcessIn: [lane.worktree] });
  });

  it('finishes a worktree removal a crash cut short (files and the .git file already gone)', async () => {
    rig = await makeRig();
    const { t, repo, store } = rig;
    const lane = await rig.lane('half-removed');
    const before = await captureOracle(t.dir);
    expect((await runOp({ op: 'teardown', name: 'half-removed' }, 'remove-worktree').done).signal).toBe('SIGKILL');
    // What a `git worktree remove` killed half-way leaves: some files and the .git file deleted.
    // Judged afresh that would look like deleted work; compared with the archive it is not.
    await rm(join(lane.worktree, 'a.txt'));
    await rm(join(lane.worktree, 'README.md'));
    await rm(join(lane.worktree, '.git'));

    const [message] = await recoverTeardowns(repo, store);
    expect(message).toMatch(/^finished the interrupted teardown of lane half-removed/);
    expect(existsSync(lane.worktree)).toBe(false);
    expect(await gitIn(t.dir, ['worktree', 'list', '--porcelain'])).not.toContain('half-removed');
    expect(await rig.journal()).toEqual([]);
    await assertNothingLost(before, t.dir);
  });

  it('stops, removing nothing more, when the worktree gained work after the crash', async () => {
    rig = await makeRig();
    const { t, repo, store } = rig;
    const lane = await rig.lane('grew');
    expect((await runOp({ op: 'teardown', name: 'grew' }, 'remove-worktree').done).signal).toBe('SIGKILL');
    await writeFiles(lane.worktree, { 'later.txt': 'written after the crash\n' });
    const before = await captureOracle(t.dir);

    const [message] = await recoverTeardowns(repo, store);
    expect(message).toMatch(/^the interrupted teardown of lane grew stopped: .*uncommitted: later\.txt/);
    expect(existsSync(join(lane.worktree, 'later.txt'))).toBe(true);
    expect(await refExists(t.dir, 'refs/heads/lanes/grew')).toBe(true);
    expect(await rig.record('grew')).toEqual(lane);
    expect(await rig.journal()).toEqual([]);
    await assertNothingLost(before, t.dir);
  });

  it('never recovers an entry whose owner is alive', async () => {
    rig = await makeRig();
    const { t, repo, store } = rig;
    await rig.lane('twice');
    const before = await captureOracle(t.dir);
    expect((await runOp({ op: 'teardown', name: 'twice' }, 'remove-worktree').done).signal).toBe('SIGKILL');
    // A live process owning the entry (here: this one, by rewriting the pid) is never recovered.
    const { Journal } = await import('../../src/git/journal.js');
    const journal = new Journal(repo);
    const [entry] = await journal.entries();
    await journal.finish(entry!);
    const mine = await journal.begin('teardown', entry!.lane, entry!.step, entry!.data);
    expect(await recoverTeardowns(repo, store)).toEqual([]);
    await journal.finish(mine);
    await assertNothingLost(before, t.dir);
    expect(await refExists(t.dir, 'refs/heads/lanes/twice')).toBe(true);
  });
});

describe('F2: a lane creation killed half-way, then recovered', () => {
  it('crash after journaling the worktree add: the branch cut at the base is deleted again', async () => {
    rig = await makeRig();
    const { t, repo, store, config } = rig;
    const before = await captureOracle(t.dir);
    expect((await runOp({ op: 'create', name: 'half' }, 'create:worktree-add').done).signal).toBe('SIGKILL');
    expect(await refExists(t.dir, 'refs/heads/lanes/half')).toBe(true);
    expect(await rig.journal()).toEqual([{ op: 'create', lane: 'half', step: 'worktree-add' }]);

    expect(await recoverTeardowns(repo, store)).toEqual(['rolled back the interrupted creation of lane half']);
    expect(await refExists(t.dir, 'refs/heads/lanes/half')).toBe(false);
    expect(existsSync(defaultWorktreePath(repo, config, 'half'))).toBe(false);
    expect(await rig.journal()).toEqual([]);
    await assertNothingLost(before, t.dir);
  });

  it.each([
    ['as soon as git locked the new entry', false],
    ['while git checks the files out', true],
  ])('killed during git worktree add, %s (locked "initializing"): removed with -f -f, branch deleted, no lock left', async (_when, checkingOut) => {
    rig = await makeRig({ files: { '.gitattributes': 'slow.txt filter=slow\n', 'slow.txt': 'slow\n' } });
    const { t, repo, store, config } = rig;
    // A smudge filter that takes its time keeps `git worktree add` inside its checkout.
    await gitIn(t.dir, ['config', 'filter.slow.smudge', 'sleep 30; cat']);
    const before = await captureOracle(t.dir);
    const path = defaultWorktreePath(repo, config, 'slowlane');
    const run = runOp({ op: 'create', name: 'slowlane' });
    // Early, the entry's HEAD may not point at the branch yet; later git's smudge filter runs in
    // the new worktree.
    const locked = join(repo.commonDir, 'worktrees', 'slowlane', 'locked');
    // git creates the lock file and then writes its reason: waited for until the reason is there.
    const isLocked = (): boolean => {
      try {
        return readFileSync(locked, 'utf8').trim() === 'initializing';
      } catch {
        return false;
      }
    };
    await waitFor(async () => isLocked() && (!checkingOut || (await processesInside(path)).length > 0), 20_000, 'git worktree add to start');
    process.kill(-run.child.pid!, 'SIGKILL');
    await run.done;
    // git and its filter die with the group a moment later; a real restart comes after that.
    await waitFor(async () => (await processesInside(path)).length === 0, 5_000, 'the killed git processes to end');
    // Killed before git wrote the entry's gitdir, the entry is not listed, only its lock is there.
    // Killed while it wrote `commondir`, every listing fails (recovered below all the same).
    const isListed = (await gitIn(t.dir, ['worktree', 'list', '--porcelain']).catch(() => '')).includes('locked initializing');
    expect(isListed || readFileSync(locked, 'utf8').trim() === 'initializing').toBe(true);

    expect(await recoverTeardowns(repo, store)).toEqual(['rolled back the interrupted creation of lane slowlane']);
    expect(existsSync(path)).toBe(false);
    expect(await gitIn(t.dir, ['worktree', 'list', '--porcelain'])).not.toContain('slowlane');
    expect(existsSync(join(repo.commonDir, 'worktrees', 'slowlane'))).toBe(false);
    expect(await refExists(t.dir, 'refs/heads/lanes/slowlane')).toBe(false);
    expect(await rig.journal()).toEqual([]);
    await gitIn(t.dir, ['config', '--unset', 'filter.slow.smudge']);
    await assertNothingLost(before, t.dir);
  });

  it('killed while git wrote the entry\'s commondir (every worktree listing fails): recovered, nothing else touched', async () => {
    rig = await makeRig();
    const { t, repo, store, config } = rig;
    const before = await captureOracle(t.dir);
    expect((await runOp({ op: 'create', name: 'cut' }, 'create:worktree-add').done).signal).toBe('SIGKILL');
    // What git leaves when killed after `gitdir` and the worktree's `.git` file, while `commondir`
    // was still empty: `git worktree list` then fails for the whole repository.
    const path = defaultWorktreePath(repo, config, 'cut');
    const admin = join(repo.commonDir, 'worktrees', 'cut');
    await mkdir(admin, { recursive: true });
    await mkdir(path, { recursive: true });
    await writeFile(join(admin, 'locked'), 'initializing\n');
    await writeFile(join(admin, 'gitdir'), `${join(path, '.git')}\n`);
    await writeFile(join(path, '.git'), `gitdir: ${admin}\n`);
    await writeFile(join(admin, 'commondir'), '');
    await expect(gitIn(t.dir, ['worktree', 'list', '--porcelain'])).rejects.toThrow(/commondir/);

    expect(await recoverTeardowns(repo, store)).toEqual(['rolled back the interrupted creation of lane cut']);
    expect(existsSync(admin)).toBe(false);
    expect(existsSync(path)).toBe(false);
    expect(await gitIn(t.dir, ['worktree', 'list', '--porcelain'])).not.toContain('cut');
    expect(await refExists(t.dir, 'refs/heads/lanes/cut')).toBe(false);
    await assertNothingLost(before, t.dir);
  });

  it('killed before git wrote the entry\'s gitdir (listed nowhere, locked): the lock folder is removed too', async () => {
    rig = await makeRig();
    const { t, repo, store } = rig;
    const before = await captureOracle(t.dir);
    expect((await runOp({ op: 'create', name: 'early' }, 'create:worktree-add').done).signal).toBe('SIGKILL');
    // What git leaves when killed right after writing the lock: an admin folder with `locked` only;
    // earlier, an empty folder or an empty lock (git adds digits when the name is taken).
    const folders = (name: string): string => join(repo.commonDir, 'worktrees', name);
    await mkdir(folders('early'), { recursive: true });
    await writeFile(join(folders('early'), 'locked'), 'initializing\n');
    await mkdir(folders('early1'), { recursive: true });
    await mkdir(folders('early2'), { recursive: true });
    await writeFile(join(folders('early2'), 'locked'), '');
    // Killed while it wrote `gitdir`: there, but empty.
    await mkdir(folders('early5'), { recursive: true });
    await writeFile(join(folders('early5'), 'locked'), 'initializing\n');
    await writeFile(join(folders('early5'), 'gitdir'), '');
    // Left alone: a user's lock with a reason, another name, and an entry git wrote a gitdir for.
    await mkdir(folders('early3'), { recursive: true });
    await writeFile(join(folders('early3'), 'locked'), 'on a USB disk\n');
    await mkdir(folders('earlybird'), { recursive: true });
    await writeFile(join(folders('earlybird'), 'locked'), 'initializing\n');
    await mkdir(folders('early4'), { recursive: true });
    await writeFile(join(folders('early4'), 'locked'), 'initializing\n');
    await writeFile(join(folders('early4'), 'gitdir'), '/somewhere/.git\n');

    expect(await recoverTeardowns(repo, store)).toEqual(['rolled back the interrupted creation of lane early']);
    for (const name of ['early', 'early1', 'early2', 'early5']) expect(existsSync(folders(name)), name).toBe(false);
    for (const name of ['early3', 'earlybird', 'early4']) expect(existsSync(folders(name)), name).toBe(true);
    expect(await refExists(t.dir, 'refs/heads/lanes/early')).toBe(false);
    for (const name of ['early3', 'earlybird', 'early4']) await rm(folders(name), { recursive: true });
    await assertNothingLost(before, t.dir);
  });

  it('keeps (and records) a half-made lane whose branch gained a commit', async () => {
    rig = await makeRig();
    const { t, repo, store } = rig;
    expect((await runOp({ op: 'create', name: 'used' }, 'create:worktree-add').done).signal).toBe('SIGKILL');
    const tree = (await gitIn(t.dir, ['rev-parse', 'HEAD^{tree}'])).trim();
    const commit = (await gitIn(t.dir, ['commit-tree', tree, '-p', 'lanes/used', '-m', 'someone worked here'])).trim();
    await gitIn(t.dir, ['update-ref', 'refs/heads/lanes/used', commit]);
    const before = await captureOracle(t.dir);

    const [message] = await recoverTeardowns(repo, store);
    expect(message).toMatch(/branch lanes\/used kept \(it has commits\)/);
    expect((await gitIn(t.dir, ['rev-parse', 'lanes/used'])).trim()).toBe(commit);
    expect((await rig.record('used'))?.branch).toBe('lanes/used');
    await assertNothingLost(before, t.dir);
  });
});
