import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { LanesError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { withFileLock } from '../file-lock.js';
import { stateDir } from '../paths.js';
import { readRegularFile } from '../regular-file.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';

/** Lanes' own merge lock (SPEC §6.1): one merge at a time per repository, across processes. */
export const mergeLockPath = (repo: Repo): string => join(stateDir(repo), 'merge.lock');

/**
 * A merge holds its lock for as long as its verify command runs (minutes), so the lock is kept
 * fresh by touching it every HEARTBEAT_MS, and only a lock not touched for STALE_MS (or whose
 * process is gone) is taken over.
 */
const HEARTBEAT_MS = 10_000;
const STALE_MS = 60_000;

/** The copy of a lane's index that a WIP commit stages in: `<index>.lanes-wip-<pid>`. */
export const WIP_INDEX_SUFFIX = '.lanes-wip-';

/** Thrown when another process holds the merge lock. */
export class MergeBusyError extends LanesError {}

const lockHolderPid = async (path: string): Promise<number | undefined> => {
  try {
    const read = await readRegularFile(path);
    if (read.kind !== 'file') return undefined;
    const owner: unknown = JSON.parse(read.text);
    const pid = (owner as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Run `action` holding the merge lock. When another merge holds it, fail at once with
 * {@link MergeBusyError} ("another merge is in progress (pid N)") instead of waiting.
 */
export const withMergeLock = async <T>(repo: Repo, action: () => Promise<T>): Promise<T> => {
  const path = mergeLockPath(repo);
  let isEntered = false;
  try {
    return await withFileLock(
      path,
      async () => {
        isEntered = true;
        const heartbeat = setInterval(() => {
          const now = new Date();
          utimes(path, now, now).catch(() => undefined);
        }, HEARTBEAT_MS);
        heartbeat.unref();
        try {
          return await action();
        } finally {
          clearInterval(heartbeat);
        }
      },
      { timeoutMs: 0, staleMs: STALE_MS, label: 'the merge lock' },
    );
  } catch (error) {
    if (isEntered || !(error instanceof LanesError)) throw error;
    const pid = await lockHolderPid(path);
    throw new MergeBusyError(`another merge is in progress${pid === undefined ? '' : ` (pid ${pid})`}`, { cause: error });
  }
};

const updateLane = (store: StateStore, name: string, change: (lane: LaneRecord) => LaneRecord): Promise<unknown> =>
  store.update((state) => ({ ...state, lanes: state.lanes.map((lane) => (lane.name === name ? change(lane) : lane)) }));

/**
 * Record a successful merge on the lane (merged tip, time, result), clear its conflict, and take
 * it out of the merge queue (it is no longer waiting to be merged).
 */
export const recordMerged = (store: StateStore, name: string, merged: { tip: string; at: string; result: string }): Promise<unknown> =>
  updateLane(store, name, (lane) => {
    const { conflict: _cleared, readyAt: _queued, ...rest } = lane;
    return { ...rest, ready: false, merged };
  });

/** Record the files a merge attempt conflicted on. */
export const recordConflict = (store: StateStore, name: string, files: string[]): Promise<unknown> =>
  updateLane(store, name, (lane) => ({ ...lane, conflict: files }));

/**
 * Test hook for the fault-injection tests (git-and-process-safety §8 F1): with
 * `LANES_TEST_CRASH_AT=<step>` in the environment, the merging process kills itself with SIGKILL
 * right after journaling that step, as a crash or `kill -9` would. Not for users; unset it is a no-op.
 */
export const crashPointForTests = (step: string): void => {
  if (process.env.LANES_TEST_CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
};
