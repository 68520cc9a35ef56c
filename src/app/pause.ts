import { keyLabel } from '../core/keymap.js';
import type { TerminalHost } from '../term/types.js';
import type { Controller } from './controller.js';
import { notify } from './store.js';

/**
 * Pause the lane's agent — its whole process tree, descendants in their own session included —
 * or resume it when it is paused (SPEC §9). The pane keeps its screen and history.
 */
export const togglePause = async (controller: Controller, name: string): Promise<void> => {
  const { host, store } = controller;
  const runtime = controller.lanes.get(name);
  if (!runtime) return;
  if (!host.running().includes(name)) {
    notify(store, `lane ${name}: no agent runs, nothing to pause`, 'warning');
    return;
  }
  const isPausing = !host.isPaused(name);
  try {
    await (isPausing ? host.pause(name) : host.resume(name));
  } catch (error) {
    notify(store, `lane ${name}: could not ${isPausing ? 'pause' : 'resume'} it: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
  runtime.activity.isPaused = host.isPaused(name);
  controller.updateStatus(runtime);
  if (runtime.activity.isPaused === isPausing) {
    const key = keyLabel(store.getState().keymap, 'pause');
    notify(store, isPausing ? `lane ${name} paused: its processes are stopped; ${key} resumes it` : `lane ${name} resumed`);
  }
};

/** Tell the user that keys for a paused lane were not sent (they are never queued). */
export const refusePausedInput = (controller: Controller, name: string): void => {
  const { keymap } = controller.store.getState();
  notify(controller.store, `lane ${name} is paused: ${keyLabel(keymap, 'pause')} resumes it (${keyLabel(keymap, 'leave-type')} first)`, 'warning');
};

/** Resume every paused agent, so that ending them leaves no process stopped. */
export const resumeAll = async (host: TerminalHost): Promise<void> => {
  await Promise.all(host.running().filter((id) => host.isPaused(id)).map((id) => host.resume(id).catch(() => undefined)));
};
