import { loadContext } from '../app/context.js';
import { readLaneOverlaps } from '../app/lane-overlaps.js';
import { overlapState } from '../ui/overlap-state.js';
import type { GlobalOptions } from './main.js';

/** `lanes overlaps [--json]`: files touched by more than one lane, and by the base since a fork. */
export const runOverlaps = async (global: GlobalOptions, options: { json?: boolean }, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  const { state } = await context.stateStore.load();
  const { overlaps } = await readLaneOverlaps(context.repo.mainWorktree, state.lanes);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(overlaps.map(({ path, lanes, conflict, base }) => ({ path, lanes, conflict, base })), null, 2)}\n`);
    return 0;
  }
  if (overlaps.length === 0) {
    process.stdout.write('no overlaps: no file is touched by two lanes\n');
    return 0;
  }
  const width = Math.max(4, ...overlaps.map((o) => [...o.path].length));
  const lanesWidth = Math.max(5, ...overlaps.map((o) => o.lanes.join(', ').length));
  process.stdout.write(`${'PATH'.padEnd(width)}  ${'LANES'.padEnd(lanesWidth)}  STATE\n`);
  for (const overlap of overlaps) {
    process.stdout.write(`${overlap.path.padEnd(width)}  ${overlap.lanes.join(', ').padEnd(lanesWidth)}  ${overlapState(overlap)}\n`);
  }
  return 0;
};
