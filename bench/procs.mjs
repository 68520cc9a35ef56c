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
