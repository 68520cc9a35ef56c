import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readlink, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { hasEnvironment, readProcessStat } from '../../term/process-tree.js';

const run = promisify(execFile);

/**
 * How long processes get to end after SIGTERM before SIGKILL: agents save their sessions and stop
 * their tool subprocesses on SIGTERM; the process-safety notes (§4) measured 3–5 s as enough.
 */
const DEFAULT_GRACE_MS = 3_000;
/** After SIGKILL the kernel ends a process at once; this bounds the wait for it to be reaped. */
const KILL_CONFIRM_MS = 2_000;
/** Rescan interval: processes fork while they are being ended, and new ones get signalled too. */
const POLL_MS = 50;

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  startTime: number;
  state: string;
  /** Working directory, when readable (own processes on Linux). */
  cwd: string | undefined;
  /** The process's environment holds the lane's marker (only looked at when one is given). */
  hasMarker: boolean;
}

const hasProc = (): boolean => existsSync('/proc/self/stat');

const isGone = (state: string): boolean => state === 'Z' || state === 'X' || state === 'x';

/**
 * Every process with its parent, group, session, start time and (Linux) working directory; with a
 * `marker` (`NAME=value`), whether its environment holds it.
 */
const scan = async (marker?: string, marked = new Map<string, boolean>()): Promise<ProcessInfo[]> => {
  if (!hasProc()) {
    const { stdout } = await run('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], { maxBuffer: 16 * 1024 * 1024 });
    return stdout.split('\n').flatMap((line) => {
      const [pid, ppid, pgrp, state] = line.trim().split(/\s+/);
      const numbers = [pid, ppid, pgrp].map(Number);
      if (numbers.some((n) => !Number.isSafeInteger(n))) return [];
      const [p, pp, pg] = numbers as [number, number, number];
      return [{ pid: p, ppid: pp, pgrp: pg, session: -1, startTime: 0, state: (state ?? '').charAt(0), cwd: undefined, hasMarker: false }];
    });
  }
  const names = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name));
  const infos = await Promise.all(
    names.map(async (name) => {
      const stat = await readProcessStat(Number(name));
      if (!stat) return undefined;
      const cwd = await readlink(`/proc/${name}/cwd`).catch(() => undefined);
      // Each process's environment is read once per kill (by pid and start time), not at every rescan.
      const key = `${stat.pid}:${stat.startTime}`;
      let hasMarker = marker !== undefined && marked.get(key);
      if (marker !== undefined && hasMarker === undefined) {
        hasMarker = await hasEnvironment(stat.pid, marker);
        marked.set(key, hasMarker);
      }
      return { pid: stat.pid, ppid: stat.ppid, pgrp: stat.pgrp, session: stat.session, startTime: stat.startTime, state: stat.state, cwd, hasMarker: hasMarker === true };
    }),
  );
  return infos.filter((info): info is ProcessInfo => info !== undefined);
};

/** `/proc/<pid>/cwd` of a deleted folder reads `<path> (deleted)`. */
const isInside = (cwd: string, roots: readonly string[]): boolean => {
  const path = cwd.endsWith(' (deleted)') ? cwd.slice(0, -' (deleted)'.length) : cwd;
  return roots.some((root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep));
};

/** The worktree path as given and through symlinks (the folder may be gone). */
const rootsOf = async (worktree: string): Promise<string[]> => {
  const given = resolve(worktree);
  const real = await realpath(given).catch(() => given);
  return [...new Set([given, real])];
};

/** lanes itself and the processes it runs under (a shell started in the worktree): never targets. */
const protectedPids = (table: readonly ProcessInfo[]): Set<number> => {
  const byPid = new Map(table.map((info) => [info.pid, info]));
  const protect = new Set<number>();
  for (let pid: number | undefined = process.pid; pid !== undefined && pid > 1 && !protect.has(pid); pid = byPid.get(pid)?.ppid) protect.add(pid);
  return protect;
};

/** Processes whose working directory is `dir` or inside it (Linux; elsewhere none are found). */
export const processesInside = async (dir: string): Promise<number[]> => {
  const roots = await rootsOf(dir);
  const table = await scan();
  const own = protectedPids(table);
  return table.filter((info) => !own.has(info.pid) && !isGone(info.state) && info.cwd !== undefined && isInside(info.cwd, roots)).map((info) => info.pid);
};

/**
 * The agents' trees (descendants, group and session members), the processes carrying the lane's
 * marker, and everything with its cwd inside the proven worktree (`roots`; none when not proven).
 */
const targetsIn = (
  table: readonly ProcessInfo[],
  rootPids: readonly number[],
  roots: readonly string[],
  singles: ReadonlyArray<{ pid: number; startTime: number }> = [],
): ProcessInfo[] => {
  const children = new Map<number, number[]>();
  for (const info of table) children.set(info.ppid, [...(children.get(info.ppid) ?? []), info.pid]);
  const wanted = new Set<number>();
  const queue = rootPids.filter((pid) => table.some((info) => info.pid === pid));
  for (const pid of queue) wanted.add(pid);
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (wanted.has(child)) continue;
      wanted.add(child);
      queue.push(child);
    }
  }
  const own = protectedPids(table);
  return table.filter(
    (info) =>
      !own.has(info.pid) &&
      !isGone(info.state) &&
      (wanted.has(info.pid) ||
        singles.some((single) => single.pid === info.pid && single.startTime === info.startTime) ||
        rootPids.includes(info.pgrp) ||
        rootPids.includes(info.session) ||
        info.hasMarker ||
        (roots.length > 0 && info.cwd !== undefined && isInside(info.cwd, roots))),
  );
};

const send = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(pid, signal);
  } catch {
    // ESRCH: gone already; EPERM: not ours to end (reported as remaining if it stays).
  }
};

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export interface KillInput {
  /**
   * The lane's worktree, once proven (teardown/prove.ts): every process with its working directory
   * inside it is ended. Never a folder that is not proven: with `/` that would be every process.
   */
  provenWorktree?: string;
  /** The agents' pids (each leads its process group and session, as node-pty starts it). */
  rootPids: number[];
  /** `NAME=value` every process the lane started inherits (`LANES_WORKTREE=…`): those are ended too. */
  marker?: string;
  /**
   * Processes named by someone else (a running UI over its socket): each ended alone, only while it
   * is the same process (pid and start time) — never taken for the leader of a group or session.
   */
  singles?: ReadonlyArray<{ pid: number; startTime: number }>;
  /** Milliseconds between SIGTERM and SIGKILL (default 3 s). */
  graceMs?: number;
}

export interface KillResult {
  /** Processes still alive at the end (should be none). */
  remaining: number[];
  /** Every process that was signalled. */
  signalled: number[];
}

/**
 * End a lane's processes (SPEC §7, git-and-process-safety §4): SIGTERM to each agent's process
 * group and to every process of its tree (descendants that called setsid included), to every
 * process carrying the lane's marker, and to every process whose working directory is inside the
 * proven worktree, each followed by SIGCONT so a paused
 * (stopped) process handles it at once; after the grace period, SIGKILL to whatever is left. The
 * tree is scanned again while waiting, so children forked meanwhile are ended too. Every signal
 * after the first goes to a pid whose start time still matches: a reused pid is never signalled.
 */
export const killLaneProcesses = async (input: KillInput): Promise<KillResult> => {
  const graceMs = input.graceMs ?? DEFAULT_GRACE_MS;
  const roots = input.provenWorktree === undefined ? [] : await rootsOf(input.provenWorktree);
  const marked = new Map<string, boolean>();
  const scanLane = (): Promise<ProcessInfo[]> => scan(input.marker, marked);
  const known = new Map<number, number>();
  const liveKnown = (table: readonly ProcessInfo[]): number[] =>
    table.filter((info) => known.get(info.pid) === info.startTime && !isGone(info.state)).map((info) => info.pid);

  const signalNew = (table: readonly ProcessInfo[], signal: NodeJS.Signals): boolean => {
    let found = false;
    for (const info of targetsIn(table, input.rootPids, roots, input.singles)) {
      if (known.has(info.pid) && known.get(info.pid) === info.startTime) continue;
      known.set(info.pid, info.startTime);
      found = true;
      send(info.pid, signal);
      if (signal !== 'SIGKILL') send(info.pid, 'SIGCONT');
    }
    return found;
  };

  // Whole groups first: one signal reaches every member, even one forked a moment ago.
  const first = await scanLane();
  for (const pid of input.rootPids) {
    if (!first.some((info) => info.pgrp === pid && !isGone(info.state))) continue;
    send(-pid, 'SIGTERM');
    send(-pid, 'SIGCONT');
  }
  signalNew(first, 'SIGTERM');

  const graceEnd = performance.now() + graceMs;
  let table = first;
  while (performance.now() < graceEnd) {
    if (liveKnown(table).length === 0 && targetsIn(table, input.rootPids, roots, input.singles).length === 0) break;
    await sleep(POLL_MS);
    table = await scanLane();
    signalNew(table, 'SIGTERM');
  }

  const killEnd = performance.now() + KILL_CONFIRM_MS;
  for (;;) {
    for (const pid of liveKnown(table)) send(pid, 'SIGKILL');
    signalNew(table, 'SIGKILL');
    if (liveKnown(table).length === 0 || performance.now() > killEnd) break;
    await sleep(POLL_MS);
    table = await scanLane();
  }
  return { remaining: liveKnown(table), signalled: [...known.keys()] };
};
