import { join } from 'node:path';
import { LanesError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { withFileLock } from '../file-lock.js';
import { isOwnerAlive, type Journal, type JournalEntry } from '../journal.js';
import { stateDir } from '../paths.js';
import type { Repo } from '../repo.js';
import { releaseHead } from './head-lock.js';

interface Bound {
  lane?: { createdAt?: unknown };
  headLock?: unknown;
}

/** Teardowns this process is running now (journal entry ids): the others of its own pid failed. */
const running = new Set<string>();

/** Mark `id` running (right after the entry was begun) and done (when the call returns or throws). */
export const markRunning = (id: string): void => {
  running.add(id);
};
export const markDone = (id: string): void => {
  running.delete(id);
};

/** The HEAD.lock an entry's teardown held when it stopped, dropped (only when it is its own). */
export const releaseEntryLock = async (entry: JournalEntry): Promise<void> => {
  const adminDir = (entry.data as Bound | undefined)?.headLock;
  if (typeof adminDir === 'string') await releaseHead(adminDir, entry.id);
};

/** The lock recoveries hold: settling an entry never runs beside a recovery of it. */
export const recoveryLockPath = (repo: Repo): string => join(stateDir(repo), 'recover.lock');
export const RECOVERY_LOCK = { label: 'recovery', timeoutMs: 10 * 60_000, staleMs: 10 * 60_000 };

/**
 * Before `lanes rm` of `lane` begins: an older teardown of the same name that no process is running
 * any more (its process died, or this process's own attempt failed) is settled — when it was
 * written for this very lane (same creation time) the new teardown supersedes it, when for an
 * earlier lane of that name it is dropped (it must never act on this one). A teardown of the lane
 * that a live process is running makes this one refuse. Runs under the recovery lock. Returns one
 * line per settled entry.
 */
export const settleOlderTeardowns = async (repo: Repo, journal: Journal, lane: LaneRecord): Promise<string[]> =>
  withFileLock(
    recoveryLockPath(repo),
    async () => {
      const notices: string[] = [];
      for (const entry of await journal.entries()) {
        if (entry.op !== 'teardown' || entry.lane !== lane.name) continue;
        const isLive = entry.pid === process.pid ? running.has(entry.id) : await isOwnerAlive(entry);
        if (isLive) throw new LanesError(`lane ${lane.name} is being torn down already (pid ${entry.pid}); wait for it to finish`);
        const createdAt = (entry.data as Bound | undefined)?.lane?.createdAt;
        await releaseEntryLock(entry);
        await journal.finish(entry);
        notices.push(
          createdAt === lane.createdAt
            ? `an interrupted teardown of lane ${lane.name} (at step ${entry.step}) is finished by this one`
            : `dropped an interrupted teardown of an earlier lane ${lane.name}${typeof createdAt === 'string' ? ` (created ${createdAt})` : ''}: it never acts on this lane`,
        );
      }
      return notices;
    },
    RECOVERY_LOCK,
  );
