import { randomBytes } from 'node:crypto';
import { lstat, open, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LanesError } from '../core/errors.js';
import { readRegularFile } from './regular-file.js';

export interface FileLockOptions {
  /**
   * Give up when the lock has not changed hands for this long (and in any case after three times
   * as long). Default 10 s: a state update holds the lock for milliseconds, but 20 `lanes new`
   * started at once beside the UI on a loaded two-core machine queue for seconds, and a queue that
   * moves is worth waiting for. 0: fail at once when it is held.
   */
  timeoutMs?: number;
  /**
   * A lock older than this is taken over even if its owner looks alive. Default 30 s: far longer
   * than any read-modify-write of the state, short enough that a wedged process does not block
   * the next `lanes` command for long.
   */
  staleMs?: number;
  /** What the lock protects, for the timeout message. Default: 'the lanes state'. */
  label?: string;
  /** Called once if the lock is busy and the caller has to wait. */
  onWait?: () => void;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** However often the lock changes hands, a waiter gives up after this many times `timeoutMs`. */
const MAX_WAIT_FACTOR = 3;
const DEFAULT_STALE_MS = 30_000;
/** First retry delay; doubles up to MAX_DELAY_MS. Short: the holder is usually done within a few ms. */
const FIRST_DELAY_MS = 5;
/**
 * Cap on the retry delay: a waiting process notices a released lock within ~0.2 s, and twenty
 * waiters poll a few times a second each, not hundreds.
 */
const MAX_DELAY_MS = 200;

interface LockOwner {
  pid?: number;
  host?: string;
  token?: string;
}

interface Holder {
  owner: LockOwner;
  raw: string;
  ageMs: number;
}

/** True while a process with this pid exists (EPERM: it exists but is not ours). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readHolder = async (lockPath: string): Promise<Holder | undefined> => {
  try {
    const [read, info] = await Promise.all([readRegularFile(lockPath), lstat(lockPath)]);
    if (read.kind === 'absent') return undefined;
    if (read.kind === 'other') {
      // Never a lock lanes made (those are files): not waited on, not removed.
      throw new LanesError(`the lock ${lockPath} is ${read.what}, not a lock file lanes made`, { hint: 'remove it if no lanes process is running' });
    }
    let owner: LockOwner = {};
    try {
      const parsed: unknown = JSON.parse(read.text);
      if (parsed && typeof parsed === 'object') owner = parsed as LockOwner;
    } catch {
      // Empty or partial: the owner is between creating and writing the file; judge by age only.
    }
    return { owner, raw: read.text, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

const isStale = (holder: Holder, staleMs: number): boolean => {
  if (holder.ageMs > staleMs) return true;
  const { pid, host } = holder.owner;
  // A pid only means something on the machine that wrote it.
  return typeof pid === 'number' && host === hostname() && !isAlive(pid);
};

/** Remove a stale lock, unless it changed hands since it was judged stale. */
const removeStale = async (lockPath: string, judged: Holder): Promise<void> => {
  const again = await readHolder(lockPath);
  if (again && again.raw === judged.raw) await unlink(lockPath).catch(() => undefined);
};

const tryCreate = async (lockPath: string, token: string): Promise<boolean> => {
  let handle;
  try {
    handle = await open(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), token, createdAt: new Date().toISOString() }));
  } finally {
    await handle.close();
  }
  return true;
};

const acquire = async (lockPath: string, options: FileLockOptions): Promise<string> => {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const token = randomBytes(8).toString('hex');
  const start = Date.now();
  const hardDeadline = start + MAX_WAIT_FACTOR * timeoutMs;
  let deadline = start + timeoutMs;
  let lastHolder: string | undefined;
  let delay = FIRST_DELAY_MS;
  let waited = false;
  for (;;) {
    if (await tryCreate(lockPath, token)) return token;
    const holder = await readHolder(lockPath);
    if (!holder) continue;
    if (isStale(holder, staleMs)) {
      await removeStale(lockPath, holder);
      continue;
    }
    // A new holder means the queue moves: wait for it as long as for the first one (bounded).
    if (lastHolder !== undefined && holder.raw !== lastHolder) deadline = Math.min(Date.now() + timeoutMs, hardDeadline);
    lastHolder = holder.raw;
    if (Date.now() >= deadline) {
      const who = typeof holder.owner.pid === 'number' ? ` by process ${holder.owner.pid}` : '';
      throw new LanesError(`${options.label ?? 'the lanes state'} is locked${who} (${lockPath})`, {
        hint: 'try again; if no lanes process is running, delete that file',
      });
    }
    if (!waited) options.onWait?.();
    waited = true;
    // Jitter keeps waiting processes from retrying in lockstep.
    await sleep(Math.min(delay + Math.floor(Math.random() * delay), Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
};

const release = async (lockPath: string, token: string): Promise<void> => {
  const holder = await readHolder(lockPath).catch(() => undefined);
  // Only remove our own lock: if it was taken over as stale, it belongs to someone else now.
  if (holder?.owner.token === token) await unlink(lockPath).catch(() => undefined);
};

/**
 * Run `action` while holding an exclusive lock file (`open(..., 'wx')`), shared by every process on
 * the repository. Retries with short backoff; takes over a lock whose owner died or that is older
 * than `staleMs`. The stale check and the removal are two steps, so two processes that judge the
 * same lock stale at the same instant can both proceed; the content re-check before removal makes
 * that window tiny.
 */
export const withFileLock = async <T>(lockPath: string, action: () => Promise<T>, options: FileLockOptions = {}): Promise<T> => {
  const token = await acquire(lockPath, options);
  try {
    return await action();
  } finally {
    await release(lockPath, token);
  }
};
