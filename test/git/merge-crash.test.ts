import { spawn } from 'node:child_process';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/git/journal.js';
import { mergeLane, mergeLockPath, recoverMerges } from '../../src/git/merge/index.js';
import type { LaneRecord } from '../../src/core/lane.js';
import { openMergeRig, type MergeRig } from '../helpers/merge-rig.js';
import { startMergeProcess } from '../helpers/merge-process.js';
import { assertNothingLost, captureOracle, type Oracle } from '../helpers/nothing-lost.js';
import { waitFor } from '../helpers/wait-for.js';
import { gitIn } from '../helpers/temp-repo.js';

let rig: MergeRig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** A repository with one lane (one new file, one edit) and the oracle taken before merging it. */
const prepare = async (): Promise<{ r: MergeRig; lane: LaneRecord; baseTip: string; oracle: Oracle }> => {
  rig = await openMergeRig({ files: { 'README.md': '# test\n', 'a.txt': 'a1\na2\na3\n', 'keep.txt': 'keep\n' } });
  const lane = await rig.lane('crash', { 'new.txt': 'added by the lane\n', 'a.txt': 'a1\nlane edit\na3\n' });
  return { r: rig, lane, baseTip: await rig.tip('main'), oracle: await captureOracle(rig.t.dir) };
};

/** After recovery: no journal entry, no merge lock, no verify worktree, and the oracle holds. */
const expectSettled = async (r: MergeRig, oracle: Oracle, options: { mainMayChange?: boolean } = {}): Promise<void> => {
  expect(await new Journal(r.repo).entries()).toEqual([]);
  expect(await exists(mergeLockPath(r.repo))).toBe(false);
  expect(await r.t.git('worktree', 'list')).not.toContain('lanes-verify-');
  await assertNothingLost(oracle, r.t.dir, options);
};

const isGone = async (pid: number): Promise<boolean> => {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
};

describe('F1: a merge process killed part way, then recoverMerges', () => {
  it('killed during verify: the base is untouched, the verify worktree and its process are gone', async () => {
    const { r, lane, baseTip, oracle } = await prepare();
    const marker = join(dirname(r.t.dir), 'verify-started');
    const merging = await startMergeProcess({ repoDir: r.t.dir, lane, verify: `echo $$ > '${marker}'; exec sleep 60` });
    // The file exists a moment before the shell has written its pid into it.
    const pidIn = async (): Promise<string> => ((await exists(marker)) ? (await readFile(marker, 'utf8')).trim() : '');
    await waitFor(async () => /^\d+$/.test(await pidIn()), 15_000, 'the verify command to start');
    const verifyPid = Number(await pidIn());
    expect(verifyPid).toBeGreaterThan(0);
    const [entry] = await new Journal(r.repo).entries();
    expect(entry?.step).toBe('verify');
    const verifyWorktree = String(entry?.data.verifyWorktree);
    expect(await exists(verifyWorktree)).toBe(true);

    merging.child.kill('SIGKILL');
    expect((await merging.done).signal).toBe('SIGKILL');
    expect(await exists(mergeLockPath(r.repo))).toBe(true);

    const lines = await recoverMerges(r.repo, r.store);

    expect(lines).toEqual(['merge of lane crash into main was interrupted before the base moved; nothing to undo (removed its verify worktree)']);
    expect(await r.tip('main')).toBe(baseTip);
    expect(await exists(dirname(verifyWorktree))).toBe(false);
    await waitFor(() => isGone(verifyPid), 5_000, 'the verify process to end');
    expect((await r.stored('crash'))?.merged).toBeUndefined();
    await expectSettled(r, oracle);
  });

  for (const step of ['commit-wip', 'build', 'verify', 'apply', 'record']) {
    it(`killed right after journaling '${step}': the base ends at its old tip or at the result, never between`, async () => {
      const { r, lane, baseTip, oracle } = await prepare();
      if (step === 'commit-wip') await writeFile(join(lane.worktree, 'wip.txt'), 'uncommitted\n');
      const merging = await startMergeProcess({ repoDir: r.t.dir, lane, verify: 'true', commitWip: true, crashAt: step });
      expect((await merging.done).signal).toBe('SIGKILL');
      const [entry] = await new Journal(r.repo).entries();
      expect(entry?.step).toBe(step);
      // As `git commit` killed with it would leave in the lane's worktree.
      const laneLock = (await gitIn(lane.worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index.lock'])).trim();
      if (step === 'commit-wip') await writeFile(laneLock, '');

      const lines = await recoverMerges(r.repo, r.store);

      expect(lines).toHaveLength(1);
      if (step === 'commit-wip') expect(lines[0]).toContain(`removed a stale index.lock in ${lane.worktree}`);
      expect(await exists(laneLock)).toBe(false);
      const tip = await r.tip('main');
      if (step === 'record') {
        expect(lines[0]).toContain('had completed; the lane is recorded as merged');
        expect(tip).not.toBe(baseTip);
        expect((await r.stored('crash'))?.merged?.result).toBe(tip);
      } else {
        expect(tip).toBe(baseTip);
        expect((await r.stored('crash'))?.merged).toBeUndefined();
      }
      expect(await r.t.git('status', '--porcelain')).toBe('');
      await expectSettled(r, oracle, { mainMayChange: step === 'record' });
      // Nothing is left in the way of the next merge (commit-wip needs its permission again).
      const again = await mergeLane({ repo: r.repo, lane, stateStore: r.store, commitWip: true });
      expect(again.kind).toBe(step === 'record' ? 'refused' : 'merged');
    });
  }

  /**
   * What git-and-process-safety §1.5 observed after `kill -9` during `merge --ff-only`: HEAD not
   * moved, a stale index.lock, some files of the result already written. Made by hand here after
   * a crash right after journaling 'apply' (a real mid-checkout kill depends on timing).
   */
  const crashDuringFastForward = async () => {
    const prepared = await prepare();
    const { r, lane } = prepared;
    const merging = await startMergeProcess({ repoDir: r.t.dir, lane, crashAt: 'apply' });
    expect((await merging.done).signal).toBe('SIGKILL');
    const [entry] = await new Journal(r.repo).entries();
    const result = String(entry?.data.result);
    await writeFile(join(r.t.dir, 'a.txt'), await gitIn(r.t.dir, ['show', `${result}:a.txt`]));
    await writeFile(join(r.t.dir, 'new.txt'), 'added by the l');
    await writeFile(join(r.t.dir, '.git', 'index.lock'), '');
    return { ...prepared, result };
  };

  it('a fast-forward cut short: the stale lock goes, the merge\'s files are restored, the base stays at its old tip', async () => {
    const { r, baseTip, oracle } = await crashDuringFastForward();

    const lines = await recoverMerges(r.repo, r.store);

    expect(lines).toEqual([`merge of lane crash into main was interrupted and rolled back: main stays at ${baseTip.slice(0, 7)}, 2 file(s) in ${r.t.dir} restored`]);
    expect(await r.tip('main')).toBe(baseTip);
    expect(await r.t.git('status', '--porcelain')).toBe('');
    expect(await readFile(join(r.t.dir, 'a.txt'), 'utf8')).toBe('a1\na2\na3\n');
    await expectSettled(r, oracle);
  });

  it('a fast-forward cut short with changes outside the merge: nothing is restored, and the line says why', async () => {
    const { r, baseTip } = await crashDuringFastForward();
    await writeFile(join(r.t.dir, 'keep.txt'), 'the user edited this meanwhile\n');

    const lines = await recoverMerges(r.repo, r.store);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`main stays at ${baseTip.slice(0, 7)}, but ${r.t.dir} has changes that are not the merge's: keep.txt; left as they are`);
    expect(await readFile(join(r.t.dir, 'keep.txt'), 'utf8')).toBe('the user edited this meanwhile\n');
    expect(await readFile(join(r.t.dir, 'new.txt'), 'utf8')).toBe('added by the l');
    expect(await exists(join(r.t.dir, '.git', 'index.lock'))).toBe(false);
    expect(await new Journal(r.repo).entries()).toEqual([]);
  });

  it('waits while a git process works in the base checkout, and recovers once it is gone', async () => {
    const { r, baseTip, oracle } = await crashDuringFastForward();
    // A live git process whose working directory is the base checkout (it waits on its stdin).
    const busy = spawn('git', ['cat-file', '--batch'], { cwd: r.t.dir, stdio: ['pipe', 'ignore', 'ignore'] });
    await waitFor(async () => (await readdir('/proc')).includes(String(busy.pid)), 5_000, 'git cat-file to start');

    expect(await recoverMerges(r.repo, r.store)).toEqual([]);
    expect(await exists(join(r.t.dir, '.git', 'index.lock'))).toBe(true);
    expect(await new Journal(r.repo).entries()).toHaveLength(1);

    const ended = new Promise((resolve) => busy.on('close', resolve));
    busy.stdin?.end();
    await ended;
    expect(await recoverMerges(r.repo, r.store)).toHaveLength(1);
    expect(await r.tip('main')).toBe(baseTip);
    await expectSettled(r, oracle);
  });

  it('killed after journaling apply with the base checked out nowhere: the base stays, nothing to restore', async () => {
    const { r, lane, baseTip } = await prepare();
    await r.t.git('switch', '-q', '-c', 'feature');
    const oracle = await captureOracle(r.t.dir);
    const merging = await startMergeProcess({ repoDir: r.t.dir, lane, crashAt: 'apply' });
    expect((await merging.done).signal).toBe('SIGKILL');

    const lines = await recoverMerges(r.repo, r.store);

    expect(lines).toEqual([`merge of lane crash into main was interrupted; main stays at ${baseTip.slice(0, 7)}`]);
    expect(await r.tip('main')).toBe(baseTip);
    await expectSettled(r, oracle);
  });

  it('a merge started after a crash recovers the interrupted one first and reports it', async () => {
    const { r, lane, oracle } = await prepare();
    const merging = await startMergeProcess({ repoDir: r.t.dir, lane, crashAt: 'apply' });
    expect((await merging.done).signal).toBe('SIGKILL');
    const notices: string[][] = [];

    const outcome = await mergeLane({ repo: r.repo, lane, stateStore: r.store, onNotice: (lines) => notices.push(lines) });

    expect(outcome.kind).toBe('merged');
    expect(notices).toEqual([[expect.stringContaining('was interrupted')]]);
    await expectSettled(r, oracle, { mainMayChange: true });
  });
});
