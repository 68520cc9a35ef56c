import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { processStartTime, readProcessStat, type StoppedProcess } from './process-tree.js';

/** The environment variable through which the launcher tells the UI where its ledger is. */
export const PAUSE_LEDGER_ENV = 'LANES_PAUSE_LEDGER';

const LEDGER_NAME = /^lanes-paused-(\d+)-[0-9a-f]{8}\.json$/;

/**
 * The folder for ledgers: `$XDG_RUNTIME_DIR/lanes`, else `<tmp>/lanes-<uid>`. It is made only
 * when a ledger is first written (see PauseLedger), so a lanes that never pauses leaves nothing.
 */
export const ledgerDirPath = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime && isAbsolute(runtime) ? join(runtime, 'lanes') : join(tmpdir(), `lanes-${uid}`);
};

/**
 * True when `dir` is a real folder (not a symlink) owned by this user that nobody else can enter:
 * only then are ledgers in it written or trusted (another user could plant or read files).
 */
export const isPrivateDir = async (dir: string): Promise<boolean> => {
  try {
    const info = await lstat(dir);
    return info.isDirectory() && info.uid === process.getuid?.() && (info.mode & 0o077) === 0;
  } catch {
    return false;
  }
};

/** Make the ledger folder (mode 0700) if missing; true when it is private (see isPrivateDir). */
export const ensurePrivateDir = async (dir: string): Promise<boolean> => {
  await mkdir(dir, { mode: 0o700 }).catch(() => undefined);
  return isPrivateDir(dir);
};

/** A fresh ledger path for one launcher, in `dir` (the file is made only when something is paused). */
export const newLedgerPath = (dir: string): string => join(dir, `lanes-paused-${process.pid}-${randomBytes(4).toString('hex')}.json`);

let claimedPath: string | undefined;

/**
 * Take the ledger path the launcher gave (once, at the UI's start) out of the environment, so
 * that nothing the UI starts (setup commands, verify, agents) inherits it.
 */
export const claimLedgerPath = (env: NodeJS.ProcessEnv = process.env): void => {
  const path = env[PAUSE_LEDGER_ENV];
  delete env[PAUSE_LEDGER_ENV];
  if (path) claimedPath = path;
};

/** The file: which UI process stopped what. */
interface LedgerFile {
  ui: number;
  stopped: StoppedProcess[];
}

/**
 * The processes the UI has stopped (SPEC §9), kept in a small file that the launcher reads if the
 * UI dies without resuming them (SIGKILL, a native crash, out of memory). The agents themselves
 * get SIGHUP and SIGCONT from the kernel when their terminal goes; descendants in their own
 * session do not, and would stay stopped forever. Processes are written down before they are
 * stopped. Writes are queued, each one atomic (a new file, then rename), so the file always holds
 * one whole, recent list.
 */
export class PauseLedger {
  private readonly lanes = new Map<string, StoppedProcess[]>();
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The ledger the launcher gave this UI (see claimLedgerPath), if any. */
  static claimed(): PauseLedger | undefined {
    return claimedPath === undefined ? undefined : new PauseLedger(claimedPath);
  }

  /**
   * What one lane has stopped (or is about to), replacing what it had; empty once it runs again.
   * Resolves when the file says so; rejects when it could not be written.
   */
  set(lane: string, stopped: readonly StoppedProcess[]): Promise<void> {
    if (stopped.length === 0) this.lanes.delete(lane);
    else this.lanes.set(lane, [...stopped]);
    const list = [...this.lanes.values()].flat();
    const write = this.queue.then(() => this.write(list));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(list: StoppedProcess[]): Promise<void> {
    if (list.length === 0) {
      await unlink(this.path).catch(() => undefined);
      return;
    }
    if (!(await ensurePrivateDir(dirname(this.path)))) throw new Error(`${dirname(this.path)} is not a folder only this user can enter`);
    const temporary = `${this.path}.tmp`;
    const ledger: LedgerFile = { ui: process.pid, stopped: list };
    await unlink(temporary).catch(() => undefined);
    // A new file only (no following a link someone put there), readable by this user alone.
    await writeFile(temporary, `${JSON.stringify(ledger)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, this.path);
  }
}

const isStoppedProcess = (value: unknown): value is StoppedProcess =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as StoppedProcess).pid) && (value as StoppedProcess).pid > 0 && Number.isSafeInteger((value as StoppedProcess).startTime);

const readOne = async (path: string): Promise<Partial<LedgerFile> | undefined> => {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Partial<LedgerFile>;
  } catch {
    return undefined;
  }
};

/** A ledger and the temporary file of its last write (a UI killed between write and rename). */
const readLedger = async (path: string): Promise<{ ui: number | undefined; stopped: StoppedProcess[] }> => {
  const files = (await Promise.all([readOne(path), readOne(`${path}.tmp`)])).filter((file) => file !== undefined);
  const uiOf = (file: Partial<LedgerFile>): number | undefined => (typeof file.ui === 'number' && Number.isSafeInteger(file.ui) && file.ui > 0 ? file.ui : undefined);
  const ui = files.map(uiOf).find((pid) => pid !== undefined);
  const stopped = files.flatMap((file) => (Array.isArray(file.stopped) ? (file.stopped as unknown[]).filter(isStoppedProcess) : []));
  return { ui, stopped };
};

/**
 * Resume every process the ledger at `path` lists that is still the same process (same pid and
 * start time: a reused pid is left alone), then delete the ledger. Returns how many of them were
 * stopped.
 * A missing or unreadable ledger, or one in a folder that is not private, resumes nothing.
 */
export const thawLedger = async (path: string): Promise<number> => {
  if (!(await isPrivateDir(dirname(path)))) return 0;
  const { stopped } = await readLedger(path);
  const seen = new Set<number>();
  let resumed = 0;
  for (const entry of stopped) {
    if (seen.has(entry.pid)) continue;
    seen.add(entry.pid);
    const stat = await readProcessStat(entry.pid);
    const startTime = stat?.startTime ?? (await processStartTime(entry.pid));
    if (startTime !== entry.startTime) continue;
    try {
      process.kill(entry.pid, 'SIGCONT');
      // Counted when it really was stopped (a clean exit may leave a ledger the UI had no time
      // to clear, of processes already running again).
      if (stat === undefined || stat.state === 'T' || stat.state === 't') resumed += 1;
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  await Promise.all([unlink(path).catch(() => undefined), unlink(`${path}.tmp`).catch(() => undefined)]);
  return resumed;
};

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Thaw the ledgers in `dir` left by launchers that are gone together with their UI (killed at
 * once, so nobody resumed what the UI had stopped). Runs when a launcher starts. Returns how many
 * processes were resumed.
 */
export const thawOrphanedLedgers = async (dir: string): Promise<number> => {
  if (!(await isPrivateDir(dir))) return 0;
  const names = await readdir(dir).catch(() => [] as string[]);
  const ledgers = new Set(names.map((name) => name.replace(/\.tmp$/, '')).filter((name) => LEDGER_NAME.test(name)));
  let resumed = 0;
  for (const name of ledgers) {
    const launcher = Number(LEDGER_NAME.exec(name)?.[1]);
    if (isRunning(launcher)) continue;
    // A UI can outlive its launcher (only the launcher was killed): its pauses are its own.
    const { ui } = await readLedger(join(dir, name));
    if (ui !== undefined && isRunning(ui)) continue;
    resumed += await thawLedger(join(dir, name));
  }
  return resumed;
};
