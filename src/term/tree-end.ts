import { endGroup, KILL_CONFIRM_MS, KILL_GRACE_MS, type EndGroupOptions } from './process-group.js';
import { identifyTree, type ProcessIdentity } from './process-tree.js';

/**
 * How often the tree is scanned again while it ends: members fork while they are ended, and a
 * scan (every process's stat, and the environment of the others) costs a few milliseconds.
 */
const RESCAN_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const send = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone meanwhile (ESRCH), or not ours (EPERM).
  }
};

/** SIGTERM, then SIGCONT so that a stopped process handles it at once. */
const terminate = (entries: readonly ProcessIdentity[]): void => {
  for (const { pid } of entries) {
    send(pid, 'SIGTERM');
    send(pid, 'SIGCONT');
  }
};

const key = (entry: ProcessIdentity): string => `${entry.pid}:${entry.startTime}`;

export interface EndTreeOptions extends EndGroupOptions {
  /** The environment entry every process of the lane inherits (see identifyTree). */
  marker?: string;
  /** Processes seen in the tree before (still ended when their parent is gone). */
  known?: readonly ProcessIdentity[];
}

/**
 * End an agent's whole process tree, not only its process group: the tree is written down (pid
 * and start time) before the first signal, while every descendant still hangs below the agent —
 * a descendant in a session of its own (a dev server, a watcher started with setsid) escapes the
 * group's signals and, once the agent is gone, the parent chain too. The agent's group gets
 * SIGHUP and SIGTERM (endGroup), every member SIGTERM and SIGCONT; the tree is scanned again until
 * it is empty or the grace period ends, then whatever is left and still the same process gets
 * SIGKILL. Resolves once nothing of the tree runs (or shortly after the SIGKILLs).
 */
export const endTree = async (root: ProcessIdentity, options: EndTreeOptions): Promise<void> => {
  const startedAt = performance.now();
  const members = new Map<string, ProcessIdentity>();
  const note = (entries: readonly ProcessIdentity[]): ProcessIdentity[] => {
    const fresh = entries.filter((entry) => !members.has(key(entry)));
    for (const entry of fresh) members.set(key(entry), entry);
    return fresh;
  };
  note(await identifyTree(root, options.marker, options.known));
  await endGroup(root.pid, {
    waitForExit: options.waitForExit,
    afterSignals: async () => {
      await options.afterSignals?.();
      terminate([...members.values()].filter((entry) => entry.pid !== root.pid));
    },
  });
  const graceEnd = startedAt + KILL_GRACE_MS;
  let alive = await identifyTree(root, options.marker, [...members.values()]);
  while (alive.length > 0 && performance.now() < graceEnd) {
    terminate(note(alive));
    await sleep(RESCAN_MS);
    alive = await identifyTree(root, options.marker, [...members.values()]);
  }
  const killEnd = performance.now() + KILL_CONFIRM_MS;
  while (alive.length > 0) {
    note(alive);
    for (const { pid } of alive) send(pid, 'SIGKILL');
    if (performance.now() > killEnd) return;
    await sleep(RESCAN_MS / 2);
    alive = await identifyTree(root, options.marker, [...members.values()]);
  }
};
