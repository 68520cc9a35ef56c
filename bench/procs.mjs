/**
 * Process facts from /proc: CPU time, resident memory, the tree below a process, and killing it.
 * Linux only (the bench measures what the project runs on).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (100 on every Linux we run on). */
export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
const statFields = (pid) => {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
};

/** CPU seconds (user + system) a process used so far, its children excluded; 0 once it is gone. */
export const cpuSeconds = (pid) => {
  const fields = statFields(pid);
  // After the name: state(0) ppid(1) ... utime(11) stime(12).
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : 0;
};

/** When a process started (clock ticks since boot, field 22): with the pid, its identity; undefined once gone. */
export const startTime = (pid) => {
  const fields = statFields(pid);
  return fields ? Number(fields[19]) : undefined;
};

/** Sum of cpuSeconds over several processes. */
export const cpuSecondsOf = (pids) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/** Resident set size in MB, or undefined when the process is gone. */
export const rssMb = (pid) => {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
};

/** Parent of every live process. */
const parents = () => {
  const map = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields) map.set(Number(entry), Number(fields[1]));
  }
  return map;
};

/** Every live descendant of `pid` (children first, then theirs). */
export const descendants = (pid) => {
  const byParent = new Map();
  for (const [child, parent] of parents()) {
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent).push(child);
  }
  const out = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
};

/** Direct children of `pid`. */
export const childrenOf = (pid) => [...parents()].filter(([, parent]) => parent === pid).map(([child]) => child);

/** The command line of a process, arguments joined by spaces. */
export const commandLine = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
};

const signal = (target, sig) => {
  try {
    process.kill(target, sig);
  } catch {
    // Already gone, or not a group leader.
  }
};

/**
 * SIGKILL a process, everything below it, and the process groups they lead (agents run in their own
 * sessions, so their children are reached through the group even once reparented).
 */
export const killTree = (pid) => {
  if (!pid) return;
  const all = [pid, ...descendants(pid)];
  for (const p of all) signal(p, 'SIGSTOP');
  for (const p of all) {
    signal(-p, 'SIGKILL');
    signal(p, 'SIGKILL');
  }
};

/** The threads of a process (task ids), or [] once it is gone. */
const threadsOf = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
};

const readOr = (path, fallback) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
};

const fieldOf = (text, name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);

/**
 * Per thread of `pid`: its context switches (voluntary + nonvoluntary, from
 * /proc/<pid>/task/<tid>/status) and the nanoseconds it ran (the first field of its schedstat:
 * exact, where utime + stime count 10 ms ticks). A Map from thread id; empty once the process is gone.
 */
export const threadSnapshot = (pid) => {
  const out = new Map();
  for (const tid of threadsOf(pid)) {
    const status = readOr(`/proc/${pid}/task/${tid}/status`, undefined);
    if (status === undefined) continue;
    const ns = Number(readOr(`/proc/${pid}/task/${tid}/schedstat`, '0').split(' ')[0]) || 0;
    out.set(tid, { switches: fieldOf(status, 'voluntary_ctxt_switches') + fieldOf(status, 'nonvoluntary_ctxt_switches'), ns });
  }
  return out;
};

/**
 * What a process did between two thread snapshots: context switches summed over its threads and
 * of its main thread alone, and CPU seconds summed over its threads. A thread born in between
 * counts from zero; one that ended in between is lost (Node's threads live as long as the process).
 */
export const threadDelta = (pid, before, after) => {
  let switches = 0;
  let mainSwitches = 0;
  let ns = 0;
  for (const [tid, now] of after) {
    const then = before.get(tid) ?? { switches: 0, ns: 0 };
    switches += now.switches - then.switches;
    ns += now.ns - then.ns;
    if (tid === pid) mainSwitches = now.switches - then.switches;
  }
  return { switches, mainSwitches, cpuSeconds: ns / 1e9, threads: after.size };
};

/** Anonymous memory of a process in MB (/proc/<pid>/smaps_rollup), or undefined. */
export const anonMb = (pid) => {
  const kb = /^Anonymous:\s+(\d+) kB/m.exec(readOr(`/proc/${pid}/smaps_rollup`, ''));
  return kb ? Number(kb[1]) / 1024 : undefined;
};
