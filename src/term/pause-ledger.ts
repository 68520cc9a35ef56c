import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime, type StoppedProcess } from './process-tree.js';

/** The environment variable through which the launcher tells the UI where its ledger is. */
export const PAUSE_LEDGER_ENV = 'LANES_PAUSE_LEDGER';

/** A fresh ledger path for one UI process (the file is made only when something is paused). */
export const newLedgerPath = (dir: string = tmpdir()): string => join(dir, `lanes-paused-${process.pid}-${randomBytes(4).toString('hex')}.json`);

/**
 * The processes the UI has stopped (SPEC §9), kept in a small file that the launcher reads if the
 * UI dies without resuming them (SIGKILL, a native crash, out of memory). The agents themselves
 * get SIGHUP and SIGCONT from the kernel when their terminal goes; descendants in their own
 * session do not, and would stay stopped forever. Writes are queued, each one atomic (write, then
 * rename), so the file always holds one whole, recent list.
 */
export class PauseLedger {
  private readonly lanes = new Map<string, StoppedProcess[]>();
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** The ledger named by the environment, if the launcher gave one. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): PauseLedger | undefined {
    const path = env[PAUSE_LEDGER_ENV];
    return path ? new PauseLedger(path) : undefined;
  }

  /** What one lane has stopped now (empty once it runs again). Resolves when the file says so. */
  set(lane: string, stopped: readonly StoppedProcess[]): Promise<void> {
    if (stopped.length === 0) this.lanes.delete(lane);
    else this.lanes.set(lane, [...stopped]);
    const list = [...this.lanes.values()].flat();
    this.queue = this.queue.then(() => this.write(list)).catch(() => undefined);
    return this.queue;
  }

  private async write(list: StoppedProcess[]): Promise<void> {
    if (list.length === 0) {
      await unlink(this.path).catch(() => undefined);
      return;
    }
    const temporary = `${this.path}.tmp`;
    const ledger: LedgerFile = { ui: process.pid, stopped: list };
    await writeFile(temporary, `${JSON.stringify(ledger)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }
}

/** The file: which UI process stopped what. */
interface LedgerFile {
  ui: number;
  stopped: StoppedProcess[];
}

const readLedger = async (path: string): Promise<{ ui: number | undefined; stopped: StoppedProcess[] }> => {
  let data: Partial<LedgerFile> | undefined;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as Partial<LedgerFile>;
  } catch {
    data = undefined;
  }
  const ui = typeof data?.ui === 'number' && Number.isSafeInteger(data.ui) && data.ui > 0 ? data.ui : undefined;
  const stopped = Array.isArray(data?.stopped) ? (data.stopped as unknown[]).filter(isStoppedProcess) : [];
  return { ui, stopped };
};

const isStoppedProcess = (value: unknown): value is StoppedProcess =>
  typeof value === 'object' && value !== null && Number.isSafeInteger((value as StoppedProcess).pid) && (value as StoppedProcess).pid > 0 && Number.isSafeInteger((value as StoppedProcess).startTime);

/**
 * Resume every process the ledger at `path` lists that is still the same process (same pid and
 * start time: a reused pid is left alone), then delete the ledger. Returns how many were resumed.
 * A missing or unreadable ledger resumes nothing.
 */
export const thawLedger = async (path: string): Promise<number> => {
  const { stopped } = await readLedger(path);
  await Promise.all([unlink(path).catch(() => undefined), unlink(`${path}.tmp`).catch(() => undefined)]);
  let resumed = 0;
  for (const entry of stopped) {
    if ((await processStartTime(entry.pid)) !== entry.startTime) continue;
    try {
      process.kill(entry.pid, 'SIGCONT');
      resumed += 1;
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return resumed;
};

const LEDGER_NAME = /^lanes-paused-(\d+)-[0-9a-f]{8}\.json$/;

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
export const thawOrphanedLedgers = async (dir: string = tmpdir()): Promise<number> => {
  const names = await readdir(dir).catch(() => [] as string[]);
  let resumed = 0;
  for (const name of names) {
    const launcher = LEDGER_NAME.exec(name)?.[1];
    if (launcher === undefined || isRunning(Number(launcher))) continue;
    // A UI can outlive its launcher (only the launcher was killed): its pauses are its own.
    const { ui } = await readLedger(join(dir, name));
    if (ui !== undefined && isRunning(ui)) continue;
    resumed += await thawLedger(join(dir, name));
  }
  return resumed;
};
