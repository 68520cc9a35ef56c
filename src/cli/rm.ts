import { loadContext, reportRecovery } from '../app/context.js';
import { findLane } from '../app/merge-text.js';
import { LanesError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';
import { archiveSpaceRefusal } from '../git/free-space.js';
import { describeLoss, restoreLane, teardownLane } from '../git/teardown/index.js';
import { runningHost, startLaneAgent } from '../app/host-link.js';
import type { ProcessIdentity } from '../term/process-tree.js';
import type { GlobalOptions } from './main.js';

/**
 * `lanes rm NAME [--force]`: end the lane's processes, archive its full state, and remove the
 * worktree and branch only when no work would be lost (or with --force, archived first).
 */
export const runRm = async (global: GlobalOptions, name: string, options: { force?: boolean }, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  // An interrupted teardown of this very lane is finished (or stopped) here, by its own journal.
  const recovered = await reportRecovery(context);
  const lanes = (await context.stateStore.load()).state.lanes;
  if (!lanes.some((l) => l.name === name) && recovered.some((line) => line.startsWith(`finished the interrupted teardown of lane ${name} `) || line === `finished the interrupted teardown of lane ${name}`)) {
    process.stdout.write(`removed lane ${name}\n`);
    return 0;
  }
  const lane = findLane(lanes, name);
  const space = await archiveSpaceRefusal(context.repo, lane);
  if (space) throw new LanesError(space);
  // The host knows the agent's tree, descendants that left the worktree included: each is ended
  // alone and only while it is the same process (pid and start time).
  const host = await runningHost(context).catch(() => undefined);
  const namedProcesses = host ? await host.request<{ processes: ProcessIdentity[] }>({ t: 'tree', lane: lane.name }).then((r) => r.processes, () => []) : [];
  const outcome = await teardownLane({ repo: context.repo, lane, base: lane.base, stateStore: context.stateStore, namedProcesses, ...(options.force ? { force: true } : {}) }).catch(async (error: unknown) => {
    await host?.close();
    throw error;
  });
  if (host) {
    // Torn down: the host lets go of the lane's terminal (every UI drops its pane).
    if (outcome.kind !== 'refused') {
      await host.request({ t: 'kill', lane: lane.name }).catch(() => undefined);
      await host.request({ t: 'release', lane: lane.name }).catch(() => undefined);
    }
    await host.close();
  }
  for (const notice of outcome.notices) process.stderr.write(`lanes: ${notice}\n`);
  if (outcome.kind === 'refused') {
    if (outcome.isForceable) for (const line of describeLoss(outcome.report, lane)) process.stderr.write(`  ${line}\n`);
    const archived = outcome.archive ? ` (archived as ${outcome.archive.ref})` : '';
    throw new LanesError(outcome.reason, {
      hint: outcome.isForceable ? `nothing was removed${archived}; --force tears it down anyway, archived first` : `nothing was removed${archived}; --force does not change this`,
    });
  }
  process.stdout.write(`removed lane ${lane.name} (worktree ${lane.worktree}, branch ${lane.branch})\n`);
  if (outcome.archive) process.stdout.write(`archived as ${outcome.archive.ref}; bring it back with: lanes restore ${shellQuote(lane.name)}\n`);
  for (const kept of outcome.kept) process.stdout.write(`kept: ${kept}\n`);
  return 0;
};

/** `lanes restore NAME`: the lane back from its newest archive, files and all. */
export const runRestore = async (global: GlobalOptions, name: string, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  await reportRecovery(context);
  const lane = await restoreLane({ repo: context.repo, name, stateStore: context.stateStore, config: context.config });
  process.stdout.write(`restored lane ${lane.name}: branch ${lane.branch}, worktree ${lane.worktree}\n`);
  // Its agent runs again, resuming its session where the preset can.
  process.stdout.write(`${await startLaneAgent(context, lane, { resume: lane.hasStarted === true })}\n`);
  return 0;
};
