import { access } from 'node:fs/promises';
import type { LaneRecord } from '../core/lane.js';
import { processesInside } from '../git/teardown/index.js';
import { markedProcesses, readProcessStat, type ProcessStat } from '../term/process-tree.js';

/** Pids named in a notice; more are counted, the footer has one line. */
const MAX_LISTED = 5;

/**
 * Processes that still work in a lane before this UI started any agent — an earlier session's
 * dev server or watcher (their agent is gone), or a program the user runs there — found by their
 * working directory inside the worktree or the lane's environment marker (LANES_WORKTREE). They
 * are reported, never ended: one line per lane, e.g. `2 processes from an earlier session still
 * run in lane a (pids 41, 42): node, sleep`.
 */
export const leftoverLines = async (lanes: readonly LaneRecord[]): Promise<string[]> => {
  const lines = await Promise.all(
    lanes.map(async (lane) => {
      const exists = await access(lane.worktree).then(
        () => true,
        () => false,
      );
      const inside = exists ? await processesInside(lane.worktree) : [];
      const marked = await markedProcesses(`LANES_WORKTREE=${lane.worktree}`);
      // Children of this UI (none should exist yet) are its own.
      const stats = await Promise.all([...new Set([...inside, ...marked])].sort((a, b) => a - b).map(readProcessStat));
      const found = stats.filter((stat): stat is ProcessStat => stat !== undefined && stat.ppid !== process.pid);
      if (found.length === 0) return undefined;
      const one = found.length === 1;
      const pids = found.slice(0, MAX_LISTED).map((stat) => stat.pid);
      const more = found.length > MAX_LISTED ? ` and ${found.length - MAX_LISTED} more` : '';
      const names = [...new Set(found.map((stat) => stat.comm))].join(', ');
      return `${found.length} process${one ? '' : 'es'} from an earlier session still run${one ? 's' : ''} in lane ${lane.name} (pid${one ? '' : 's'} ${pids.join(', ')}${more}): ${names}`;
    }),
  );
  return lines.filter((line): line is string => line !== undefined);
};
