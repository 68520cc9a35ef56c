import type { Config } from '../config/schema.js';
import { deriveStatus, nextStatusChange } from '../core/status.js';
import { compilePatterns, refineStatus, screenTail, type StatusPatterns } from '../core/status-patterns.js';
import type { TerminalHost } from '../term/types.js';
import type { LaneRuntime } from './lane-runtime.js';
import { patchLane, type AppStore } from './store.js';

/** A re-check lands this long after the moment the status can change, so it falls after the boundary. */
const RECHECK_LATE_MS = 5;

export interface LaneStatusDeps {
  host: TerminalHost;
  store: AppStore;
  config: () => Config;
  /** Ring the bell (a lane went from busy to waiting, with `notify: bell`). */
  ring: () => void;
  now: () => number;
}

/**
 * Turns what was observed of each lane (activity, its screen) into its status in the store.
 *
 * Status is computed when something it depends on changed, never on a clock tick: an event, or
 * the moment the derived status can next change by itself (the end of the busy window, the
 * starting grace), for which one timer per lane is armed — only while such a change is pending.
 * Output and title changes only mark the lane (`touch`); the paint refreshes marked lanes once
 * (`refreshTouched`), so a stream of output costs one status check and one screen read per frame,
 * not one per chunk. The screen patterns need no timer of their own: the screen they read changes
 * only with output, and that marks the lane.
 */
export class LaneStatus {
  private readonly touched = new Set<LaneRuntime>();
  private readonly compiled = new Map<string, StatusPatterns | undefined>();

  constructor(private readonly deps: LaneStatusDeps) {}

  /** Something the lane's status depends on changed often (output, its title): refreshed at the next paint. */
  touch(runtime: LaneRuntime): void {
    this.touched.add(runtime);
  }

  /** Refresh the lanes touched since the last call (the paint calls it before drawing). */
  refreshTouched(): void {
    if (this.touched.size === 0) return;
    const lanes = [...this.touched];
    this.touched.clear();
    for (const runtime of lanes) this.update(runtime);
  }

  /** Recompute a lane's status now, and arm its re-check for when it can next change. */
  update(runtime: LaneRuntime): void {
    this.touched.delete(runtime);
    const now = this.deps.now();
    const { record } = runtime;
    const patterns = record.agent.kind === 'preset' ? this.patternsOf(record.agent.preset) : undefined;
    const derived = deriveStatus(runtime.activity, now);
    // Patterns refine busy and waiting only: the screen is read only then.
    const status = patterns && (derived.kind === 'busy' || derived.kind === 'waiting') ? refineStatus(derived, screenTail(this.deps.host.frame(runtime.name, 0)?.lines ?? []), patterns) : derived;
    if (runtime.lastStatusKind === 'busy' && status.kind === 'waiting' && this.deps.config().notify === 'bell') this.deps.ring();
    runtime.lastStatusKind = status.kind;
    patchLane(this.deps.store, runtime.name, { status });
    this.schedule(runtime, nextStatusChange(runtime.activity, now));
  }

  /** A lane is gone: nothing more to refresh (its re-check timer goes with its runtime's dispose). */
  forget(runtime: LaneRuntime): void {
    this.touched.delete(runtime);
  }

  /** Nothing more to refresh (lanes quits; the lanes' runtimes clear their timers). */
  dispose(): void {
    this.touched.clear();
  }

  /** Patterns are compiled again (the configuration changed: the repository file was trusted). */
  clearPatterns(): void {
    this.compiled.clear();
  }

  /**
   * One timer per lane (owned by its runtime), at the earliest moment its status can change. A
   * timer due earlier than needed is kept (when it fires, the status is computed and the timer armed
   * for the new moment), so a busy lane's output does not re-arm a timer per frame.
   */
  private schedule(runtime: LaneRuntime, next: number | undefined): void {
    const armed = runtime.statusCheck;
    if (next === undefined) {
      runtime.clearTimer(armed?.timer);
      runtime.statusCheck = undefined;
      return;
    }
    const at = next + RECHECK_LATE_MS;
    if (armed && armed.at <= at) return;
    runtime.clearTimer(armed?.timer);
    const timer = runtime.after(Math.max(0, at - this.deps.now()), () => {
      runtime.statusCheck = undefined;
      this.update(runtime);
    });
    runtime.statusCheck = { timer, at };
  }

  /** A preset's status patterns, compiled once. */
  private patternsOf(preset: string): StatusPatterns | undefined {
    if (!this.compiled.has(preset)) this.compiled.set(preset, compilePatterns(this.deps.config().agents[preset]?.status));
    return this.compiled.get(preset);
  }
}
