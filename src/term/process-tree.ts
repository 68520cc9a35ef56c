import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Rounds of "scan the tree, stop what is new". A process can fork between a scan and its SIGSTOP,
 * so the walk repeats until a scan finds nothing new; each round waits until what it stopped is
 * really stopped, so a tree that keeps forking ends within a few rounds. Ten bounds a fork bomb.
 */
const MAX_FREEZE_ROUNDS = 10;
/**
 * How long a round waits for its processes to reach the stopped state. SIGSTOP takes effect when
 * the process is next scheduled (microseconds); one in uninterruptible sleep (disk, NFS) stops
 * when the call returns, and waiting longer than this would only hold up the user.
 */
const STOP_CONFIRM_MS = 250;
/** Poll interval while waiting for the stopped state. */
const STOP_POLL_MS = 5;

/** One line of `/proc/<pid>/stat`, the fields lanes needs. */
export interface ProcessStat {
  pid: number;
  /** The command name (field 2, without its parentheses). */
  comm: string;
  /** Field 3: R running, S sleeping, D disk, T stopped, t traced, Z zombie, X dead… */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Field 22: start time in clock ticks after boot. With the pid, it names one process. */
  startTime: number;
}

/** One process, named by its pid and start time together, so a reused pid is never mistaken for it. */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/** A process lanes stopped, with its start time so a reused pid is never signalled later. */
export type StoppedProcess = ProcessIdentity;

/**
 * Parse a `/proc/<pid>/stat` line. The command name sits in parentheses and may itself contain
 * spaces and parentheses, so the fields after it start after the LAST `)`.
 */
export const parseStat = (text: string): ProcessStat | undefined => {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // rest[0] is field 3 (state), rest[n] is field n + 3.
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  const stat = { pid, comm: text.slice(open + 1, close), state: rest[0] ?? '', ppid: field(4), pgrp: field(5), session: field(6), startTime: field(22) };
  const isValid = [stat.pid, stat.ppid, stat.pgrp, stat.session, stat.startTime].every((n) => Number.isSafeInteger(n) && n >= 0);
  return isValid && stat.state !== '' ? stat : undefined;
};

let hasProcCache: boolean | undefined;
const hasProc = (): boolean => (hasProcCache ??= existsSync('/proc/self/stat'));

/** The stat of one process, or undefined when it is gone (Linux only). */
export const readProcessStat = async (pid: number): Promise<ProcessStat | undefined> => {
  try {
    return parseStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
};

interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Session id; unknown where `ps` was used. */
  session: number | undefined;
  /** Start time and state; unknown where `ps` was used. */
  startTime?: number;
  state?: string;
}

/** Every process of the system with its parent: `/proc` on Linux, `ps` elsewhere. */
const listProcesses = async (): Promise<ProcessEntry[]> => {
  if (hasProc()) {
    const names = await readdir('/proc').catch(() => [] as string[]);
    const stats = await Promise.all(names.filter((name) => /^\d+$/.test(name)).map((name) => readProcessStat(Number(name))));
    return stats.flatMap((stat) => (stat === undefined ? [] : [{ pid: stat.pid, ppid: stat.ppid, session: stat.session, startTime: stat.startTime, state: stat.state }]));
  }
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid='], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').flatMap((line) => {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    return pid !== undefined && ppid !== undefined && Number.isSafeInteger(pid) && Number.isSafeInteger(ppid) ? [{ pid, ppid, session: undefined }] : [];
  });
};

/** Every process below `rootPid` in the parent tree, nearest first. */
const descendantsIn = (table: readonly ProcessEntry[], rootPid: number): number[] => {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of table) {
    if (pid === ppid) continue;
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const found: number[] = [];
  const seen = new Set([rootPid]);
  const queue = [rootPid];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      found.push(child);
      queue.push(child);
    }
  }
  return found;
};

/**
 * The processes that belong to the agent `rootPid`: its descendants (also those that started
 * their own session with setsid), the members of its session whose parent already exited, and —
 * given `marker` — every process whose environment holds it (a daemon that forked twice and left
 * both the tree and the session still inherited the lane's environment).
 */
const treeIn = async (table: readonly ProcessEntry[], rootPid: number, marker?: string): Promise<number[]> => {
  const tree = descendantsIn(table, rootPid);
  const inTree = new Set(tree);
  for (const { pid, session } of table) if (session === rootPid && pid !== rootPid && !inTree.has(pid)) tree.push(pid);
  if (marker !== undefined && hasProc()) {
    const others = table.filter(({ pid }) => pid !== rootPid && pid !== process.pid && !inTree.has(pid) && !tree.includes(pid));
    const found = await Promise.all(others.map(async ({ pid }) => ((await hasEnvironment(pid, marker)) ? pid : undefined)));
    for (const pid of found) if (pid !== undefined) tree.push(pid);
  }
  return tree;
};

/** True when `/proc/<pid>/environ` holds the exact `NAME=value` entry (readable for our own processes). */
export const hasEnvironment = async (pid: number, entry: string): Promise<boolean> => {
  try {
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1');
    return environ.split('\0').includes(entry);
  } catch {
    return false;
  }
};

/** Every descendant of `rootPid`: children, grandchildren, including those that called setsid. */
export const descendants = async (rootPid: number): Promise<number[]> => descendantsIn(await listProcesses(), rootPid);

/**
 * When the process started (Linux: clock ticks after boot; elsewhere: epoch milliseconds, to the
 * second), or undefined when there is no such process. Compare only values of this function.
 */
export const processStartTime = async (pid: number): Promise<number | undefined> => {
  if (hasProc()) return (await readProcessStat(pid))?.startTime;
  try {
    const { stdout } = await run('ps', ['-o', 'lstart=', '-p', String(pid)]);
    const time = Date.parse(stdout.trim());
    return Number.isNaN(time) ? undefined : time;
  } catch {
    return undefined;
  }
};

/**
 * True while `pid` names a running process — not a zombie its parent has not reaped, which holds
 * nothing — and, when `startTime` is given, the one that started then (not a reused pid).
 */
export const isRunning = async (pid: number, startTime?: unknown): Promise<boolean> => {
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  if (hasProc()) {
    const stat = await readProcessStat(pid);
    return stat !== undefined && !isDead(stat.state) && (startTime === undefined || stat.startTime === startTime);
  }
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return startTime === undefined || (await processStartTime(pid)) === startTime;
};

/** Send a signal; false when the process is gone or not ours (ESRCH, EPERM). */
const send = (pid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH' || code === 'EPERM') return false;
    throw error;
  }
};

/** True when `process` still names the same process (same pid and start time). */
const isSameProcess = async (entry: StoppedProcess): Promise<boolean> => (await processStartTime(entry.pid)) === entry.startTime;

const isHalted = (state: string | undefined): boolean => state === undefined || state === 'T' || state === 't' || state === 'Z' || state === 'X';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait (bounded) until every pid is stopped or gone. Without /proc, a short fixed wait. */
const waitUntilStopped = async (pids: readonly number[]): Promise<void> => {
  if (!hasProc()) return sleep(STOP_CONFIRM_MS / 5);
  const deadline = performance.now() + STOP_CONFIRM_MS;
  for (;;) {
    const states = await Promise.all(pids.map(async (pid) => (await readProcessStat(pid))?.state));
    if (states.every(isHalted) || performance.now() > deadline) return;
    await sleep(STOP_POLL_MS);
  }
};

/**
 * Stop `rootPid`'s whole process tree with SIGSTOP: every descendant (setsid'd ones included,
 * which group signals miss), scanning again until no new one appears, and its process group.
 * Resolves with what was stopped, once it is stopped.
 *
 * `beforeStop` is awaited with every process about to be stopped (and those already stopped)
 * before the SIGSTOPs go out, so a record of them exists first (see PauseLedger): a SIGCONT to a
 * process that was never stopped is harmless, a stopped process nobody knows of is not.
 */
export const freezeTree = async (
  rootPid: number,
  marker?: string,
  beforeStop: (entries: readonly StoppedProcess[]) => Promise<void> = async () => undefined,
): Promise<StoppedProcess[]> => {
  const stopped = new Map<number, StoppedProcess>();
  const identify = async (pids: readonly number[]): Promise<StoppedProcess[]> => {
    const entries = await Promise.all(pids.map(async (pid) => ({ pid, startTime: await processStartTime(pid) })));
    return entries.filter((entry): entry is StoppedProcess => entry.startTime !== undefined);
  };
  const stopAll = (entries: readonly StoppedProcess[]): void => {
    for (const entry of entries) if (send(entry.pid, 'SIGSTOP')) stopped.set(entry.pid, entry);
  };
  try {
    const first = await identify([rootPid, ...(await treeIn(await listProcesses(), rootPid, marker))]);
    await beforeStop(first);
    // The group as a whole, then each one: members forked since the scan stop too (the next
    // round lists them; the ledger resumes the agent's whole group if the UI dies before).
    send(-rootPid, 'SIGSTOP');
    stopAll(first);
    for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
      await waitUntilStopped([...stopped.keys()]);
      const fresh = await identify((await treeIn(await listProcesses(), rootPid, marker)).filter((pid) => !stopped.has(pid)));
      if (fresh.length === 0) break;
      await beforeStop([...stopped.values(), ...fresh]);
      stopAll(fresh);
    }
  } catch (error) {
    // Half a freeze is worse than none: let everything run again.
    send(-rootPid, 'SIGCONT');
    await thawTree([...stopped.values()], rootPid, marker).catch(() => undefined);
    throw error;
  }
  return [...stopped.values()];
};

/**
 * Resume what {@link freezeTree} stopped: every recorded process that is still the same process
 * (deepest first), the root's process group, and whatever is below the root now.
 */
export const thawTree = async (stopped: readonly StoppedProcess[], rootPid: number, marker?: string): Promise<void> => {
  const recorded = await Promise.all(stopped.map(async (entry) => ((await isSameProcess(entry)) ? entry.pid : undefined)));
  for (const pid of recorded.reverse()) if (pid !== undefined) send(pid, 'SIGCONT');
  const root = stopped.find((entry) => entry.pid === rootPid);
  // The group and the current tree only while the root is the agent we stopped: its pid could
  // name another process by now.
  if (root === undefined || !(await isSameProcess(root))) return;
  send(-rootPid, 'SIGCONT');
  send(rootPid, 'SIGCONT');
  for (const pid of await treeIn(await listProcesses(), rootPid, marker)) send(pid, 'SIGCONT');
};

const isDead = (state: string | undefined): boolean => state === 'Z' || state === 'X' || state === 'x';

/** lanes' own process and the processes it runs under (the launcher, a shell): never in a lane's tree. */
const ownLine = (table: readonly ProcessEntry[]): Set<number> => {
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const own = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1 && !own.has(pid); pid = byPid.get(pid)?.ppid) own.add(pid);
  return own;
};

/**
 * The live processes of an agent's tree, each with its start time: the agent `root` (while it is
 * still that process), its descendants (setsid'd ones included), the members of its session and
 * — given `marker` — every process whose environment holds it; and the live processes of `known`
 * (the same pid and start time) with their descendants, so that processes found once are still
 * found after their parent exited. A root pid that now names another process contributes no
 * descendants and no session. lanes itself and its ancestors are never included.
 */
export const identifyTree = async (root: ProcessIdentity, marker?: string, known: readonly ProcessIdentity[] = []): Promise<ProcessIdentity[]> => {
  const table = await listProcesses();
  const byPid = new Map(table.map((entry) => [entry.pid, entry]));
  const startOf = async (pid: number): Promise<number | undefined> => byPid.get(pid)?.startTime ?? (await processStartTime(pid));
  const rootNow = byPid.has(root.pid) ? await startOf(root.pid) : undefined;
  const isRootReused = rootNow !== undefined && rootNow !== root.startTime;
  const candidates = new Set<number>();
  if (!isRootReused) {
    if (rootNow !== undefined) candidates.add(root.pid);
    for (const pid of await treeIn(table, root.pid, marker)) candidates.add(pid);
  } else if (marker !== undefined) {
    for (const pid of await treeIn(table, -1, marker)) candidates.add(pid);
  }
  for (const entry of known) {
    if ((await startOf(entry.pid)) !== entry.startTime) continue;
    candidates.add(entry.pid);
    for (const pid of descendantsIn(table, entry.pid)) candidates.add(pid);
  }
  const own = ownLine(table);
  const found: ProcessIdentity[] = [];
  for (const pid of candidates) {
    if (own.has(pid) || isDead(byPid.get(pid)?.state)) continue;
    const startTime = await startOf(pid);
    if (startTime !== undefined) found.push({ pid, startTime });
  }
  return found;
};

/** Live processes (not lanes itself nor its ancestors) whose environment holds `marker` (Linux). */
export const markedProcesses = async (marker: string): Promise<number[]> => {
  const table = await listProcesses();
  const own = ownLine(table);
  const dead = new Set(table.filter((entry) => isDead(entry.state)).map((entry) => entry.pid));
  return (await treeIn(table, -1, marker)).filter((pid) => !own.has(pid) && !dead.has(pid));
};
