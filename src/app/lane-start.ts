import type { TerminalInfo } from '../term/types.js';
import { keyLabel } from '../core/keymap.js';
import { STARTING_GRACE_MS } from '../core/status.js';
import type { Controller } from './controller.js';
import type { LaneRuntime } from './lane-runtime.js';
import { endLeftovers, laneLeftovers, leftoverLine } from './leftovers.js';
import { notify } from './store.js';

/** A second R within this long ends the leftovers it listed (see clearLeftovers). */
const LEFTOVER_CONFIRM_MS = 15_000;

/**
 * A lane whose agent the host already holds (attached again, or started by `lanes new`): shown
 * as it is, never started a second time.
 */
export const adoptLane = (controller: Controller, runtime: LaneRuntime, held: TerminalInfo): void => {
  runtime.size = { cols: held.cols, rows: held.rows };
  runtime.activity = {
    ...runtime.activity,
    // Running for a while already: not `starting`.
    startedAt: controller.now() - STARTING_GRACE_MS,
    exit: held.exit,
    failure: held.failure,
    isPaused: held.isPaused,
  };
  if (held.promptDelivered && runtime.record.prompt !== undefined && !runtime.record.promptDelivered) void controller.markRecord(runtime.name, { promptDelivered: true });
  controller.updateStatus(runtime);
  // Its size follows this UI's pane from now on (the latest active client sets it).
  controller.applyLayout();
};

/**
 * Lanes whose agent ran once and is not in the host: the host ended (stopped, killed, a reboot).
 * Shown as exited and started again only when asked (R, with the preset's resume arguments).
 */
export const reportNotRunning = (controller: Controller, lanes: LaneRuntime[]): void => {
  if (lanes.length === 0) return;
  for (const runtime of lanes) {
    runtime.activity.exit = { code: -1, signal: 0 };
    controller.updateStatus(runtime);
  }
  const names = lanes.map((runtime) => runtime.name).join(', ');
  const key = keyLabel(controller.store.getState().keymap, 'restart');
  notify(controller.store, `not running since the lanes host ended: ${names}; ${key} restarts one (resuming its session where the agent can)`, 'warning');
};


/**
 * Before an agent starts again in a lane the host does not hold (its host ended): processes an
 * earlier session left working there are listed, and ended only when the user asks again (R a
 * second time) — never two agents in one worktree, never an unrelated process ended silently.
 * True when nothing is left in the way.
 */
export const clearLeftovers = async (controller: Controller, runtime: LaneRuntime): Promise<boolean> => {
  const found = await laneLeftovers(runtime.record).catch(() => []);
  const key = keyLabel(controller.store.getState().keymap, 'restart');
  if (found.length === 0) {
    runtime.leftoverOffer = undefined;
    return true;
  }
  const ids = found.map((stat) => `${stat.pid}:${stat.startTime}`).sort().join(',');
  const offer = runtime.leftoverOffer;
  if (offer === undefined || offer.ids !== ids || controller.now() - offer.at > LEFTOVER_CONFIRM_MS) {
    runtime.leftoverOffer = { ids, at: controller.now() };
    notify(controller.store, `${leftoverLine(runtime.name, found)}; ${key} again ends ${found.length === 1 ? 'it' : 'them'} and restarts the agent`, 'warning');
    return false;
  }
  runtime.leftoverOffer = undefined;
  const remaining = await endLeftovers(found);
  if (remaining.length > 0) {
    notify(controller.store, `lane ${runtime.name}: could not end pid${remaining.length === 1 ? '' : 's'} ${remaining.join(', ')}; the agent was not restarted`, 'error');
    return false;
  }
  return true;
};

