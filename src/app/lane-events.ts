import type { LaneRecord } from '../core/lane.js';
import { isAgentOutput } from '../core/status.js';
import type { TerminalEvent } from '../term/types.js';
import type { FrameScheduler } from './frame-scheduler.js';
import type { LaneRuntime } from './lane-runtime.js';
import type { LaneStatus } from './lane-status.js';
import { notify, type AppStore } from './store.js';

/** What a terminal event may change: the lane's runtime, the store, the frame clock, the status. */
export interface LaneEventContext {
  store: AppStore;
  frames: Pick<FrameScheduler, 'request' | 'flushSoon'>;
  status: Pick<LaneStatus, 'touch' | 'update'>;
  now: () => number;
  markRecord: (name: string, patch: Partial<Pick<LaneRecord, 'promptDelivered'>>) => Promise<void>;
}

/**
 * Turn one terminal event into what was observed of its lane. Output and title changes, which come
 * many times a second, only mark the lane for the next paint (its status is refreshed there, once);
 * the rare events (bell, exit, pause, failure, a lost host) change the status at once.
 */
export const applyTerminalEvent = (ctx: LaneEventContext, runtime: LaneRuntime, event: TerminalEvent): void => {
  const { store, frames } = ctx;
  const now = ctx.now();
  const isFocusedTyping = (): boolean => {
    const state = store.getState();
    return state.mode === 'type' && state.lanes[state.focus]?.name === event.id;
  };
  switch (event.type) {
    case 'output': {
      const isEcho = !isAgentOutput(now, runtime.activity.lastInputAt);
      if (!isEcho) runtime.activity.lastOutputAt = now;
      // Its status (and the screen patterns) are looked at once, by the paint this asks for.
      ctx.status.touch(runtime);
      // The echo of what the user just typed is painted at once, ahead of the frame clock: typing
      // must feel like a bare terminal even while another lane floods the screen.
      if (isEcho && isFocusedTyping()) frames.flushSoon();
      else frames.request();
      return;
    }
    case 'title':
      // Drawn by the next paint over the pane's border (app/title-overlays.ts), never through Ink.
      runtime.title = event.title || undefined;
      // An agent that changes its title (a spinner, the task it works on) is working.
      if (isAgentOutput(now, runtime.activity.lastInputAt)) runtime.activity.lastOutputAt = now;
      ctx.status.touch(runtime);
      frames.request();
      return;
    case 'bell':
      runtime.activity.bellAt = now;
      break;
    case 'exit':
      runtime.activity.exit = { code: event.code, signal: event.signal };
      // Typing into an agent that is gone does nothing: go back to navigate mode.
      if (isFocusedTyping()) store.setState({ mode: 'navigate' });
      if (!store.getState().isQuitting) {
        notify(store, `lane ${event.id}: agent exited (${event.signal ? `signal ${event.signal}` : event.code}); R restarts it`, event.code === 0 ? 'info' : 'warning');
      }
      frames.request();
      break;
    case 'paused':
      runtime.activity.isPaused = event.paused;
      break;
    case 'failed':
      runtime.activity.failure = event.reason;
      notify(store, `lane ${event.id}: ${event.reason}`, 'error');
      break;
    case 'prompt':
      void ctx.markRecord(event.id, { promptDelivered: true });
      break;
    case 'lost':
      // The host ended under us: its agents ended with it (the UI says so once, see run-ui).
      runtime.activity.exit = { code: -1, signal: 0 };
      runtime.activity.isPaused = false;
      if (isFocusedTyping()) store.setState({ mode: 'navigate' });
      frames.request();
      break;
  }
  ctx.status.update(runtime);
};
