import { access } from 'node:fs/promises';
import type { LaneRecord } from '../core/lane.js';
import { killLaneProcesses, processesInside } from '../git/teardown/index.js';
import { markedProcesses, readProcessStat, type ProcessStat } from '../term/process-tree.js';

/** Pids named in a notice; more are counted, the footer has one line. */
const MAX_LISTED = 5;

/**
 * Processes that work in a lane whose agent the host does not hold — an earlier session's dev
 * server or watcher left behind by a host that was killed, or a program the user runs there —
 * found by their working directory inside the worktree or the lane's environment marker
 * (LANES_WORKTREE). Never this process's own children.
 */
export const laneLeftovers = async (lane: LaneRecord): Promise<ProcessStat[]> => {
  const exists = await access(lane.worktree).then(
    () => true,
    () => false,
  );
  const inside = exists ? await processesInside(lane.worktree) : [];
  const marked = await markedProcesses(`LANES_WORKTREE=${lane.worktree}`);
  const stats = await Promise.all([...new Set([...inside, ...marked])].sort((a, b) => a - b).map(readProcessStat));
  return stats.filter((stat): stat is ProcessStat => stat !== undefined && stat.ppid !== process.pid && stat.pid !== process.pid);
};

/** `2 processes from an earlier session still run in lane a (pids 41, 42): node, sleep` */
export const leftoverLine = (lane: string, found: readonly ProcessStat[]): string => {
  const one = found.length === 1;
  const pids = found.slice(0, MAX_LISTED).map((stat) => stat.pid);
  const more = found.length > MAX_LISTED ? ` and ${found.length - MAX_LISTED} more` : '';
  const names = [...new Set(found.map((stat) => stat.comm))].join(', ');
  return `${found.length} process${one ? '' : 'es'} from an earlier session still run${one ? 's' : ''} in lane ${lane} (pid${one ? '' : 's'} ${pids.join(', ')}${more}): ${names}`;
};

/** One line per lane that has leftovers (see laneLeftovers). They are reported, never ended. */
export const leftoverLines = async (lanes: readonly LaneRecord[]): Promise<string[]> => {
  const lines = await Promise.all(
    lanes.map(async (lane) => {
      const found = await laneLeftovers(lane);
      return found.length === 0 ? undefined : leftoverLine(lane.name, found);
    }),
  );
  return lines.filter((line): line is string => line !== undefined);
};

/**
 * End exactly these processes (each only while it is the same process: pid and start time),
 * SIGTERM then SIGKILL after the grace period. Returns the pids still alive after.
 */
export const endLeftovers = async (found: readonly ProcessStat[]): Promise<number[]> =>
  (await killLaneProcesses({ rootPids: [], singles: found.map((stat) => ({ pid: stat.pid, startTime: stat.startTime })) })).remaining;
