import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readProcessStat, type ProcessIdentity } from '../../src/term/process-tree.js';
import { waitFor } from './wait-for.js';

export const TREE_AGENT = fileURLToPath(new URL('./agents/tree-agent.js', import.meta.url));
/** The processes tree-agent.js writes down. */
export const TREE_NAMES = ['agent', 'inside', 'outside', 'orphan'] as const;

/** Every process a test started, for SIGKILL in afterEach whatever happened. */
export const startedProcesses: ProcessIdentity[] = [];

/** The process named in `<dir>/<name>.pid` once it is written, as pid and start time. */
export const readIdentity = async (dir: string, name: string): Promise<ProcessIdentity> => {
  const path = join(dir, `${name}.pid`);
  const pid = Number(await waitFor(() => existsSync(path) && readFileSync(path, 'utf8').trim(), 15_000, `${name}.pid to be written`));
  const stat = await waitFor(() => readProcessStat(pid), 5_000, `process ${pid} to be readable`);
  const identity = { pid, startTime: stat.startTime };
  startedProcesses.push(identity);
  return identity;
};

/** The processes of tree-agent.js by name. */
export const readTree = async (dir: string): Promise<Record<(typeof TREE_NAMES)[number], ProcessIdentity>> => {
  const entries = await Promise.all(TREE_NAMES.map(async (name) => [name, await readIdentity(dir, name)] as const));
  return Object.fromEntries(entries) as Record<(typeof TREE_NAMES)[number], ProcessIdentity>;
};

/** True when that process (same pid and start time) no longer runs; a zombie counts as gone. */
export const isGone = async (entry: ProcessIdentity): Promise<boolean> => {
  const stat = await readProcessStat(entry.pid);
  return stat === undefined || stat.startTime !== entry.startTime || stat.state === 'Z' || stat.state === 'X';
};

/** Names of the processes in `tree` that still run. */
export const stillRunning = async (tree: Record<string, ProcessIdentity>): Promise<string[]> =>
  (await Promise.all(Object.entries(tree).map(async ([name, entry]) => ((await isGone(entry)) ? undefined : name)))).filter((name): name is string => name !== undefined);

/** SIGKILL what a test started and still runs (the same processes only). */
export const killStarted = async (): Promise<void> => {
  for (const entry of startedProcesses.splice(0)) {
    if (await isGone(entry)) continue;
    try {
      process.kill(entry.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
};
