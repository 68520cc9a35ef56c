import { createHash } from 'node:crypto';
import { link, lstat, mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LanesError } from '../core/errors.js';
import { writeFileAtomic } from '../git/atomic-file.js';
import { readRegularFile } from '../git/regular-file.js';
import { isRunning, processStartTime } from '../term/process-tree.js';

/**
 * Where a repository's lanes host lives:
 * - its socket in the user's private runtime folder (`$XDG_RUNTIME_DIR/lanes` when that is the
 *   user's, else `/tmp/lanes-<uid>`), named after the repository's git folder, never after a
 *   version (a newer lanes must find an older host to say what runs);
 * - its record (`host.json`), lock (`host.lock`) and log (`host.log`) in `<git-common-dir>/lanes/`,
 *   so every lanes of the repository agrees on them whatever its environment.
 */
export interface HostPaths {
  /** The private runtime folder (mode 0700, this user's). */
  runtimeDir: string;
  socket: string;
  record: string;
  lock: string;
  log: string;
}

/** What `host.json` says: which process is the host, and where it listens. */
export interface HostRecord {
  pid: number;
  /** Clock ticks since boot (/proc/<pid>/stat field 22): the pid alone may be reused. */
  startTime: number;
  version: string;
  protocol: number;
  socket: string;
  startedAt: string;
}

/** A Unix socket path longer than this does not fit `sockaddr_un` on every system (104 on macOS). */
const MAX_SOCKET_PATH = 100;

/** The repository's key in the socket's name: its git common folder, resolved, hashed. */
export const repoKey = async (commonDir: string): Promise<string> =>
  createHash('sha256')
    .update(await realpath(commonDir).catch(() => commonDir))
    .digest('hex')
    .slice(0, 16);

const isOwnedFolder = async (dir: string): Promise<boolean> => {
  const info = await lstat(dir).catch(() => undefined);
  return info !== undefined && info.isDirectory() && info.uid === process.getuid?.();
};

/** The runtime folder lanes uses: `$XDG_RUNTIME_DIR/lanes` when that variable names a folder of this user. */
export const runtimeDirFor = async (env: NodeJS.ProcessEnv): Promise<string> => {
  const uid = process.getuid?.() ?? 0;
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime) && (await isOwnedFolder(runtime))) return join(runtime, 'lanes');
  // Not os.tmpdir(): a long TMPDIR would not leave room for the socket's name.
  return join('/tmp', `lanes-${uid}`);
};

/**
 * Make (mode 0700) or check the private runtime folder. Refused with one line when it is not a real
 * folder owned by this user that nobody else can enter: another user could read the agents'
 * screens or type into them through a socket there.
 */
export const ensureRuntimeDir = async (dir: string): Promise<void> => {
  await mkdir(dir, { mode: 0o700 }).catch(() => undefined);
  const info = await lstat(dir).catch(() => undefined);
  if (info === undefined) throw new LanesError(`cannot create the private folder ${dir} for the lanes host`, { hint: 'check that its parent exists and is writable' });
  const uid = process.getuid?.();
  if (!info.isDirectory()) throw new LanesError(`${dir} is not a folder (lanes keeps its host socket there)`, { hint: 'remove it, then run lanes again' });
  if (info.uid !== uid) throw new LanesError(`${dir} belongs to another user (uid ${info.uid}), so lanes will not put its host socket there`, { hint: 'remove it or set XDG_RUNTIME_DIR to a folder of yours' });
  if ((info.mode & 0o077) !== 0) {
    throw new LanesError(`${dir} can be entered by other users (mode ${(info.mode & 0o777).toString(8)}), so lanes will not put its host socket there`, { hint: `run chmod 700 ${dir}` });
  }
};

/** The paths of the host of the repository whose git common folder is `commonDir`. */
export const hostPaths = async (commonDir: string, env: NodeJS.ProcessEnv = process.env): Promise<HostPaths> => {
  const key = await repoKey(commonDir);
  let runtimeDir = await runtimeDirFor(env);
  if (join(runtimeDir, `host-${key}.sock`).length > MAX_SOCKET_PATH) runtimeDir = join('/tmp', `lanes-${process.getuid?.() ?? 0}`);
  const stateDir = join(commonDir, 'lanes');
  return { runtimeDir, socket: join(runtimeDir, `host-${key}.sock`), record: join(stateDir, 'host.json'), lock: join(stateDir, 'host.lock'), log: join(stateDir, 'host.log') };
};

const isRecord = (value: unknown): value is HostRecord => {
  const r = value as HostRecord;
  return typeof value === 'object' && value !== null && Number.isSafeInteger(r.pid) && r.pid > 1 && Number.isSafeInteger(r.startTime) && typeof r.socket === 'string' && typeof r.version === 'string';
};

/** The host record, when it names a process that still runs (same pid and start time). */
export const readLiveRecord = async (paths: HostPaths): Promise<HostRecord | undefined> => {
  const read = await readRegularFile(paths.record).catch(() => undefined);
  if (read?.kind !== 'file') return undefined;
  let record: unknown;
  try {
    record = JSON.parse(read.text);
  } catch {
    return undefined;
  }
  if (!isRecord(record)) return undefined;
  return (await isRunning(record.pid, record.startTime)) ? record : undefined;
};

/** The host record as it is, alive or not (for `lanes host status` after a crash). */
export const readRecord = async (paths: HostPaths): Promise<HostRecord | undefined> => {
  const read = await readRegularFile(paths.record).catch(() => undefined);
  if (read?.kind !== 'file') return undefined;
  try {
    const record = JSON.parse(read.text) as unknown;
    return isRecord(record) ? record : undefined;
  } catch {
    return undefined;
  }
};

export const writeRecord = (paths: HostPaths, record: HostRecord): Promise<void> => writeFileAtomic(paths.record, `${JSON.stringify(record, null, 2)}\n`);

/** Remove the record, only when it is still this process's (a newer host may have written its own). */
export const removeOwnRecord = async (paths: HostPaths, pid = process.pid): Promise<void> => {
  const record = await readRecord(paths);
  if (record?.pid === pid) await unlink(paths.record).catch(() => undefined);
};

/** Tries for the lock (a stale one is broken in between) before a host gives up. */
const LOCK_ATTEMPTS = 100;
/** How long a process waits while another breaks a stale lock. */
const BREAKER_WAIT_MS = 20;
/** A breaker older than this was left by a process that died holding it. */
const STALE_BREAKER_MS = 10_000;

/**
 * Take the single-instance lock of the repository's host: a file holding this process's pid and
 * start time, written whole beside it and then hard-linked into place (link fails when the lock
 * exists, so a lock is never seen empty or half written). A lock whose holder is gone (ended, a
 * zombie, or a pid that now names another process) is taken over. Returns false when a live host
 * holds it.
 */
export const acquireHostLock = async (paths: HostPaths): Promise<boolean> => {
  const mine = `${JSON.stringify({ pid: process.pid, startTime: await processStartTime(process.pid) })}\n`;
  const draft = `${paths.lock}.new-${process.pid}`;
  await unlink(draft).catch(() => undefined);
  const handle = await open(draft, 'wx', 0o600);
  try {
    await handle.writeFile(mine);
  } finally {
    await handle.close();
  }
  try {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      try {
        await link(draft, paths.lock);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const text = await readFile(paths.lock, 'utf8').catch(() => '');
      let holder: { pid?: unknown; startTime?: unknown } = {};
      try {
        holder = JSON.parse(text) as typeof holder;
      } catch {
        // Not a lock lanes wrote whole: nobody holds it.
      }
      if (await isRunning(Number(holder.pid), holder.startTime ?? null)) return false;
      // A stale lock is removed by one process at a time, holding the breaker (made as the lock
      // is): while it is held nobody else can remove or replace the lock, so the lock read again
      // still being the stale one means it is removed, never a fresh one.
      const breaker = `${paths.lock}.break`;
      const isBreaker = await link(draft, breaker).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
          return false;
        },
      );
      if (!isBreaker) {
        // A breaker left by a process that died while it held it (a moment's window) goes after a while.
        const info = await stat(breaker).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > STALE_BREAKER_MS) await unlink(breaker).catch(() => undefined);
        await sleep(BREAKER_WAIT_MS);
        continue;
      }
      try {
        if ((await readFile(paths.lock, 'utf8').catch(() => undefined)) === text) await unlink(paths.lock).catch(() => undefined);
      } finally {
        await unlink(breaker).catch(() => undefined);
      }
    }
    return false;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
};

export const releaseHostLock = async (paths: HostPaths): Promise<void> => {
  const text = await readFile(paths.lock, 'utf8').catch(() => '');
  try {
    if ((JSON.parse(text) as { pid?: unknown }).pid === process.pid) await unlink(paths.lock);
  } catch {
    // Not ours, or already gone.
  }
};

/** Whether `path` is a socket (a stale one is removed by the host that holds the lock). */
export const isSocket = async (path: string): Promise<boolean> => (await lstat(path).catch(() => undefined))?.isSocket() === true;

/** The log's size limit; past it the log moves to `host.log.1` (one generation kept). */
export const MAX_LOG_BYTES = 1024 * 1024;

/** Keep the log under its limit: a log past it becomes `host.log.1`. */
export const rotateLog = async (path: string): Promise<void> => {
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  if (size > MAX_LOG_BYTES) await rename(path, `${path}.1`).catch(() => undefined);
};
