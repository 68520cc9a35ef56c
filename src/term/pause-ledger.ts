import { lstat, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { isRunning, processStartTime, readProcessStat, type StoppedProcess } from './process-tree.js';

/** The environment variable through which the launcher tells the UI the folder for its ledger. */
export const PAUSE_LEDGER_ENV = 'LANES_PAUSE_LEDGER';

/** `lanes-paused-<launcher pid>-<UI pid>.json`: both owners can be checked without reading it. */
const LEDGER_NAME = /^lanes-paused-(\d+)-(\d+)\.json$/;

/** The ledger file of the UI `uiPid` started by the launcher `launcherPid`, in `dir`. */
export const ledgerPath = (dir: string, launcherPid: number, uiPid: number): string => join(dir, `lanes-paused-${launcherPid}-${uiPid}.json`);

const isOwnedFolder = async (dir: string): Promise<boolean> => {
  try {
    const info = await lstat(dir);
    return info.isDirectory() && info.uid === process.getuid?.();
  } catch {
    return false;
  }
};

/**
 * Where ledgers may be: `$XDG_RUNTIME_DIR/lanes` (when that folder exists and is this user's: a
 * stale or borrowed variable is skipped) and `<tmp>/lanes-<uid>`, in that order. The first is
 * where a launcher puts its UI's ledger; a starting launcher looks into both. Empty when the system
 * has no user ids.
 */
export const ledgerDirs = async (env: NodeJS.ProcessEnv = process.env): Promise<string[]> => {
  const uid = process.getuid?.();
  if (uid === undefined) return [];
  const runtime = env.XDG_RUNTIME_DIR;
  const dirs = runtime && isAbsolute(runtime) && (await isOwnedFolder(runtime)) ? [join(runtime, 'lanes')] : [];
  return [...dirs, join(tmpdir(), `lanes-${uid}`)];
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

let claimedPath: string | undefined;

/**
 * Take the ledger folder the launcher gave (once, at the UI's start) out of the environment, so
 * that nothing the UI starts (setup commands, verify, agents) inherits it. The UI's ledger is
 * named after the launcher (its parent) and itself.
 */
export const claimLedgerPath = (env: NodeJS.ProcessEnv = process.env, launcherPid = process.ppid, uiPid = process.pid): void => {
  const dir = env[PAUSE_LEDGER_ENV];
  delete env[PAUSE_LEDGER_ENV];
  if (dir && isAbsolute(dir)) claimedPath = ledgerPath(dir, launcherPid, uiPid);
};

/** The file: which UI process stopped what, and the agents among them (process group leaders). */
interface LedgerFile {
  ui: number;
  stopped: StoppedProcess[];
  roots: StoppedProcess[];
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
  private readonly lanes = new Map<string, { stopped: StoppedProcess[]; roots: StoppedProcess[] }>();
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The ledger the launcher gave this UI (see claimLedgerPath), if any. */
  static claimed(): PauseLedger | undefined {
    return claimedPath === undefined ? undefined : new PauseLedger(claimedPath);
  }

  /**
   * What one lane has stopped (or is about to), replacing what it had; empty once it runs again.
   * `rootPid` is its agent, whose process group is resumed too. Resolves when the file says so;
   * rejects when it could not be written.
   */
  set(lane: string, stopped: readonly StoppedProcess[], rootPid?: number): Promise<void> {
    if (stopped.length === 0) this.lanes.delete(lane);
    else this.lanes.set(lane, { stopped: [...stopped], roots: stopped.filter((entry) => entry.pid === rootPid) });
    const entries = [...this.lanes.values()];
    const ledger: LedgerFile = { ui: process.pid, stopped: entries.flatMap((e) => e.stopped), roots: entries.flatMap((e) => e.roots) };
    const write = this.queue.then(() => this.write(ledger));
    this.queue = write.catch(() => undefined);
    return write;
  }

  private async write(ledger: LedgerFile): Promise<void> {
    const temporary = `${this.path}.tmp`;
    if (ledger.stopped.length === 0) {
      await Promise.all([unlink(this.path).catch(() => undefined), unlink(temporary).catch(() => undefined)]);
      return;
    }
    if (!(await ensurePrivateDir(dirname(this.path)))) throw new Error(`${dirname(this.path)} is not a folder only this user can enter`);
    await unlink(temporary).catch(() => undefined);
    // A new file only (no following a link someone put there), readable by this user alone.
    await writeFile(temporary, `${JSON.stringify(ledger)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, this.path);
  }
}

const isStoppedProcess = (value: unknown): value is StoppedProcess =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as StoppedProcess).pid) && (value as StoppedProcess).pid > 0 && Number.isSafeInteger((value as StoppedProcess).startTime);

const entriesOf = (value: unknown): StoppedProcess[] => (Array.isArray(value) ? (value as unknown[]).filter(isStoppedProcess) : []);

const readOne = async (path: string): Promise<Partial<LedgerFile> | undefined> => {
  try {
    const data = JSON.parse(await readFile(path, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null ? (data as Partial<LedgerFile>) : undefined;
  } catch {
    return undefined;
  }
};

/** A ledger and the temporary file of its last write (a UI killed between write and rename). */
const readLedger = async (path: string): Promise<{ stopped: StoppedProcess[]; roots: StoppedProcess[] }> => {
  const files = (await Promise.all([readOne(path), readOne(`${path}.tmp`)])).filter((file) => file !== undefined);
  return { stopped: files.flatMap((file) => entriesOf(file.stopped)), roots: files.flatMap((file) => entriesOf(file.roots)) };
};

/** Whether `entry` still names the same process, and whether that process is stopped now. */
const inspect = async (entry: StoppedProcess): Promise<{ isSame: boolean; isStopped: boolean }> => {
  const stat = await readProcessStat(entry.pid);
  const startTime = stat?.startTime ?? (await processStartTime(entry.pid));
  return { isSame: startTime === entry.startTime, isStopped: stat === undefined || stat.state === 'T' || stat.state === 't' };
};

const sendCont = (pid: number): boolean => {
  try {
    process.kill(pid, 'SIGCONT');
    return true;
  } catch {
    // Gone meanwhile, or not ours.
    return false;
  }
};

/**
 * Resume every process the ledger at `path` lists that is still the same process (same pid and
 * start time: a reused pid is left alone), and the process groups of its agents, then delete the
 * ledger. Returns how many listed processes were stopped. A missing or unreadable ledger, or one
 * in a folder that is not private, resumes nothing.
 */
export const thawLedger = async (path: string): Promise<number> => {
  if (!(await isPrivateDir(dirname(path)))) return 0;
  const { stopped, roots } = await readLedger(path);
  const seen = new Set<number>();
  let resumed = 0;
  for (const entry of stopped) {
    if (seen.has(entry.pid)) continue;
    seen.add(entry.pid);
    const { isSame, isStopped } = await inspect(entry);
    // Counted only when really stopped: a clean exit may leave a ledger the UI had no time to
    // clear, of processes already running again.
    if (isSame && sendCont(entry.pid) && isStopped) resumed += 1;
  }
  // An agent's group: members it forked between the tree scan and the group stop were stopped
  // without being listed.
  for (const root of roots) if ((await inspect(root)).isSame) sendCont(-root.pid);
  await Promise.all([unlink(path).catch(() => undefined), unlink(`${path}.tmp`).catch(() => undefined)]);
  return resumed;
};

/**
 * Thaw the ledgers in `dirs` whose launcher and UI are both gone (killed at once, so nobody
 * resumed what the UI had stopped). Runs when a launcher starts; a pid that names a running
 * process (another lanes, or a reused pid) keeps its ledger. Returns how many were resumed.
 */
export const thawOrphanedLedgers = async (dirs: readonly string[]): Promise<number> => {
  let resumed = 0;
  for (const dir of dirs) {
    if (!(await isPrivateDir(dir))) continue;
    const names = await readdir(dir).catch(() => [] as string[]);
    const ledgers = new Set(names.map((name) => name.replace(/\.tmp$/, '')).filter((name) => LEDGER_NAME.test(name)));
    for (const name of ledgers) {
      const [, launcher, ui] = LEDGER_NAME.exec(name) ?? [];
      // This launcher's own pid, reused from a dead one, is not that launcher.
      const isLauncherAlive = Number(launcher) !== process.pid && (await isRunning(Number(launcher)));
      if (isLauncherAlive || (await isRunning(Number(ui)))) continue;
      resumed += await thawLedger(join(dir, name));
    }
  }
  return resumed;
};
