import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** How long a HEAD.lock git holds (a commit being written) is waited for before giving up. */
const WAIT_MS = 2_000;
const POLL_MS = 20;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

const lockPath = (adminDir: string): string => join(adminDir, 'HEAD.lock');

/** What lanes writes into the lock it holds, so a recovery knows its own lock from git's. */
const contentOf = (token: string): string => `lanes teardown ${token}\n`;

/**
 * Hold `<admin>/HEAD.lock` of a worktree — git's own lock on its HEAD — so nothing can commit on
 * the worktree's HEAD (detached or not) between the last look at it and its removal. Waits a moment
 * for a lock git holds; false when it could not be taken. `git worktree remove` still works (it
 * deletes the whole admin folder, the lock with it).
 */
export const lockHead = async (adminDir: string, token: string): Promise<boolean> => {
  const end = performance.now() + WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lockPath(adminDir), 'wx', 0o644);
      try {
        await handle.writeFile(contentOf(token));
      } finally {
        await handle.close();
      }
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || performance.now() > end) return false;
      await sleep(POLL_MS);
    }
  }
};

/** Drop the lock taken by {@link lockHead} with this token (and never one git or someone else holds). */
export const releaseHead = async (adminDir: string, token: string): Promise<void> => {
  const text = await readFile(lockPath(adminDir), 'utf8').catch(() => undefined);
  if (text === contentOf(token)) await unlink(lockPath(adminDir)).catch(() => undefined);
};
