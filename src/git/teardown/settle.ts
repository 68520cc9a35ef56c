import { LanesError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { isAlive } from '../file-lock.js';
import type { Journal, JournalEntry } from '../journal.js';
import { releaseHead } from './head-lock.js';

interface Bound {
  lane?: { createdAt?: unknown };
  headLock?: unknown;
}

/** The HEAD.lock an entry's teardown held when its process died, dropped (only when it is its own). */
export const releaseEntryLock = async (entry: JournalEntry): Promise<void> => {
  const adminDir = (entry.data as Bound | undefined)?.headLock;
  if (typeof adminDir === 'string') await releaseHead(adminDir, entry.id);
};

/**
 * Before `lanes rm` of `lane` begins: an interrupted teardown of the same name is settled — when it
 * was written for this very lane (same creation time) the new teardown supersedes it, when for an
 * earlier lane of that name it is dropped (it must never act on this one). A teardown of the lane
 * that a live process is running makes this one refuse. Returns one line per settled entry.
 */
export const settleOlderTeardowns = async (journal: Journal, lane: LaneRecord): Promise<string[]> => {
  const notices: string[] = [];
  for (const entry of await journal.entries()) {
    if (entry.op !== 'teardown' || entry.lane !== lane.name) continue;
    if (entry.pid === process.pid || isAlive(entry.pid)) {
      throw new LanesError(`lane ${lane.name} is being torn down already (pid ${entry.pid}); wait for it to finish`);
    }
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
};
