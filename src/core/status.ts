import type { LaneStatus } from './lane.js';

/**
 * What lanes has observed of one lane's agent; times are milliseconds from the caller's clock.
 * Plain data: the status rules below are pure functions of it and `now`.
 */
export interface LaneActivity {
  /** When the agent was started; undefined when no agent runs for the lane. */
  startedAt: number | undefined;
  /** Last time the agent printed something that was not the echo of typed input. */
  lastOutputAt: number | undefined;
  /** Last time lanes itself made the agent print: a keystroke (echo) or a resize (redraw). */
  lastInputAt: number | undefined;
  /** Last file change seen in the worktree. */
  lastFileAt: number | undefined;
  /** Last bell the agent rang. */
  bellAt: number | undefined;
  exit: { code: number; signal: number } | undefined;
  failure: string | undefined;
  isPaused: boolean;
  isMissing: boolean;
}

export const emptyActivity = (): LaneActivity => ({
  startedAt: undefined,
  lastOutputAt: undefined,
  lastInputAt: undefined,
  lastFileAt: undefined,
  bellAt: undefined,
  exit: undefined,
  failure: undefined,
  isPaused: false,
  isMissing: false,
});

/**
 * Output or file activity within this window counts as busy. Agents stream tokens and redraw
 * spinners several times a second while they work; two seconds bridges the pauses between
 * tool calls without making a finished agent look busy for long.
 */
export const BUSY_WINDOW_MS = 2000;

/** An agent that has printed nothing yet is `starting` for at most this long, then `waiting`. */
export const STARTING_GRACE_MS = 3000;

/**
 * Output arriving this soon after a keystroke is taken as the terminal echoing it (or the agent's
 * prompt redrawing), not as the agent working.
 */
export const ECHO_WINDOW_MS = 150;

/** Status of a lane from what was observed (SPEC §1, §10). */
export const deriveStatus = (a: LaneActivity, now: number): LaneStatus => {
  if (a.isMissing) return { kind: 'missing' };
  if (a.failure !== undefined) return { kind: 'failed', reason: a.failure };
  if (a.exit) return { kind: 'exited', code: a.exit.code, ...(a.exit.signal ? { signal: a.exit.signal } : {}) };
  if (a.startedAt === undefined) return { kind: 'stopped' };
  if (a.isPaused) return { kind: 'paused' };
  const lastActivity = Math.max(a.lastOutputAt ?? -Infinity, a.lastFileAt ?? -Infinity);
  if (lastActivity === -Infinity) {
    return now - a.startedAt < STARTING_GRACE_MS ? { kind: 'starting' } : { kind: 'waiting' };
  }
  // A bell after the agent's last output means it asks for attention, until it prints again: file
  // changes seen after the bell are the writes that came before it (watchers report them late).
  if (a.bellAt !== undefined && a.bellAt >= (a.lastOutputAt ?? -Infinity)) return { kind: 'waiting' };
  return now - lastActivity < BUSY_WINDOW_MS ? { kind: 'busy' } : { kind: 'waiting' };
};

/** Whether output at `at` counts as activity, given the last keystroke time. */
export const isAgentOutput = (at: number, lastInputAt: number | undefined): boolean =>
  lastInputAt === undefined || at - lastInputAt > ECHO_WINDOW_MS;

/** When the derived status could next change without new events (for scheduling a re-check). */
export const nextStatusChange = (a: LaneActivity, now: number): number | undefined => {
  if (a.isMissing || a.failure !== undefined || a.exit || a.startedAt === undefined || a.isPaused) return undefined;
  const lastActivity = Math.max(a.lastOutputAt ?? -Infinity, a.lastFileAt ?? -Infinity);
  if (lastActivity === -Infinity) {
    const at = a.startedAt + STARTING_GRACE_MS;
    return at > now ? at : undefined;
  }
  const at = lastActivity + BUSY_WINDOW_MS;
  return at > now ? at : undefined;
};
