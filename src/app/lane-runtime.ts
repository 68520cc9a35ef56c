import type { LaneRecord } from '../core/lane.js';
import { emptyActivity, type LaneActivity } from '../core/status.js';

/**
 * Everything lanes holds at run time for one lane, in one object with one dispose(): the record
 * from the state file, what was observed of its agent, and its timers. The terminal itself lives
 * in the host, addressed by the lane name.
 */
export class LaneRuntime {
  activity: LaneActivity = emptyActivity();
  /** Current terminal size of the agent. */
  size: { cols: number; rows: number } | undefined;
  /** The title the agent set for its terminal, if any (drawn in its pane's border). */
  title: string | undefined;
  /** The pending re-check of its status (see LaneStatus) and when it fires, on this lane's clock. */
  statusCheck: { timer: NodeJS.Timeout; at: number } | undefined;
  /** The previous derived status kind, to notice busy → waiting. */
  lastStatusKind: string | undefined;
  /** Leftover processes listed by a first R (pid:startTime list) and when: a second R ends them. */
  leftoverOffer: { ids: string; at: number } | undefined;
  /** Its agent is a preset of the untrusted repository file: not started until that file is trusted. */
  isHeldBack = false;
  private timers = new Set<NodeJS.Timeout>();

  constructor(public record: LaneRecord) {}

  get name(): string {
    return this.record.name;
  }

  /** A timer owned by this lane, cleared on dispose. */
  after(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  clearTimer(timer: NodeJS.Timeout | undefined): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.statusCheck = undefined;
  }
}
