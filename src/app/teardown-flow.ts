import type { KeyEvent } from '../core/input.js';
import { archiveSpaceRefusal } from '../git/free-space.js';
import { describeLoss, teardownLane } from '../git/teardown/index.js';
import type { Controller } from './controller.js';
import { notify, type TeardownDialog } from './store.js';

const dialog = (controller: Controller): TeardownDialog | undefined => {
  const { overlay } = controller.store.getState();
  return overlay?.kind === 'teardown' ? overlay : undefined;
};

/** `x`: ask first. */
export const openTeardown = (controller: Controller, name: string): void => {
  controller.store.setState({ overlay: { kind: 'teardown', lane: name, phase: 'confirm', lines: [], reason: undefined } });
};

/** Keys of the teardown dialog: y/Enter goes ahead (the second time, after a refusal, by force). */
export const handleTeardownKey = (controller: Controller, key: KeyEvent): void => {
  const current = dialog(controller);
  if (!current || current.phase === 'running') return;
  if (key.name === 'escape' || key.name === 'n' || key.name === 'q') {
    controller.store.setState({ overlay: undefined });
    return;
  }
  if (current.phase === 'refused' && current.canForce !== true) return;
  if (key.name === 'y' || key.name === 'enter') void run(controller, current.phase === 'refused');
};

const run = async (controller: Controller, force: boolean): Promise<void> => {
  const current = dialog(controller);
  const { repo, stateStore } = controller.deps;
  const lane = current ? controller.lanes.get(current.lane)?.record : undefined;
  if (!current || !repo || !lane) return;
  controller.store.setState({ overlay: { ...current, phase: 'running' } });
  // Nothing is stopped to judge: the library decides (and archives) first, and ends the agent's
  // whole tree and anything else working in the worktree only once it goes ahead.
  const space = await archiveSpaceRefusal(repo, lane).catch(() => undefined);
  if (space) {
    // Nothing was started: not a refusal that "tear it down anyway" could override.
    controller.store.setState({ overlay: undefined });
    notify(controller.store, space, 'warning');
    return;
  }
  // The agent's whole tree as the host knows it (descendants that left the worktree too): each
  // ended on its own while it is the same process (pid and start time), never as a group leader.
  const namedProcesses = await controller.host.processTree(lane.name).catch(() => []);
  const outcome = await teardownLane({ repo, lane, base: lane.base, stateStore, force, namedProcesses }).catch((error: unknown) => ({
    kind: 'refused' as const,
    reason: error instanceof Error ? error.message : String(error),
    report: undefined,
    isForceable: false,
    notices: [] as string[],
  }));
  for (const notice of outcome.notices) notify(controller.store, notice);
  if (outcome.kind === 'refused') {
    controller.store.setState({
      overlay: {
        kind: 'teardown',
        lane: lane.name,
        phase: 'refused',
        reason: outcome.reason,
        lines: outcome.report ? describeLoss(outcome.report, lane) : [],
        canForce: outcome.isForceable,
      },
    });
    return;
  }
  controller.store.setState({ overlay: undefined });
  await controller.stopAgent(lane.name);
  await controller.sync();
  notify(controller.store, `lane ${lane.name} torn down${outcome.archive ? `; archived as ${outcome.archive.ref} (lanes restore ${lane.name})` : ''}`);
};
