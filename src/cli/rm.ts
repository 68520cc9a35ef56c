import { loadContext } from '../app/context.js';
import { findLane } from '../app/merge-text.js';
import { LanesError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';
import { archiveSpaceRefusal } from '../git/free-space.js';
import { describeLoss, restoreLane, teardownLane } from '../git/teardown/index.js';
import type { GlobalOptions } from './main.js';

/**
 * `lanes rm NAME [--force]`: end the lane's processes, archive its full state, and remove the
 * worktree and branch only when no work would be lost (or with --force, archived first).
 */
export const runRm = async (global: GlobalOptions, name: string, options: { force?: boolean }, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  const lane = findLane((await context.stateStore.load()).state.lanes, name);
  const space = await archiveSpaceRefusal(context.repo, lane);
  if (space) throw new LanesError(space);
  const outcome = await teardownLane({ repo: context.repo, lane, base: lane.base, stateStore: context.stateStore, ...(options.force ? { force: true } : {}) });
  if (outcome.kind === 'refused') {
    const lines = describeLoss(outcome.report, lane);
    for (const line of lines) process.stderr.write(`  ${line}\n`);
    throw new LanesError(outcome.reason, { hint: `nothing was removed${outcome.archive ? ` (archived as ${outcome.archive.ref})` : ''}; --force tears it down anyway, archived first` });
  }
  process.stdout.write(`removed lane ${lane.name} (worktree ${lane.worktree}, branch ${lane.branch})\n`);
  if (outcome.archive) process.stdout.write(`archived as ${outcome.archive.ref}; bring it back with: lanes restore ${shellQuote(lane.name)}\n`);
  for (const kept of outcome.kept) process.stdout.write(`kept: ${kept}\n`);
  return 0;
};

/** `lanes restore NAME`: the lane back from its newest archive, files and all. */
export const runRestore = async (global: GlobalOptions, name: string, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  const lane = await restoreLane({ repo: context.repo, name, stateStore: context.stateStore, config: context.config });
  process.stdout.write(`restored lane ${lane.name}: branch ${lane.branch}, worktree ${lane.worktree}; run lanes to start its agent\n`);
  return 0;
};
