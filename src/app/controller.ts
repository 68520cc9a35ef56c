import { access } from 'node:fs/promises';
import { isAlive } from '../git/file-lock.js';
import type { Config } from '../config/schema.js';
import { keepKnownFacts, type LaneRecord } from '../core/lane.js';
import type { LaneDiff } from '../core/patch.js';
import { deriveStatus, isAgentOutput, nextStatusChange } from '../core/status.js';
import { compilePatterns, refineStatus, screenTail, type StatusPatterns } from '../core/status-patterns.js';
import type { StateStore } from '../git/state.js';
import type { Repo } from '../git/repo.js';
import type { TerminalEvent, TerminalHost } from '../term/types.js';
import type { Compositor } from '../ui/compositor.js';
import { HEADLESS_SIZE, isPromptInArgs, laneSpawnRequest } from './launch.js';
import type { TrustOffer } from './trust-flow.js';
import { FrameScheduler } from './frame-scheduler.js';
import { Painter } from './painter.js';
import { LaneRuntime } from './lane-runtime.js';
import { adoptLane, clearLeftovers, reportNotRunning } from './lane-start.js';
import { resumeAll } from './pause.js';
import { paneSizeFor, selectLayout } from './selectors.js';
import { newLaneView, notify, patchLane, patchLanes, type AppStore, type LaneView } from './store.js';

/**
 * Agents that animate their window title (a spinner) change it many times a second; the pane
 * title shows the latest one once a second, so the chrome (a full Ink render) is not redrawn for each.
 */
const TITLE_FLUSH_MS = 1000;
/** How often a quiet lane's screen is checked against its preset's status patterns. */
const PATTERN_RECHECK_MS = 1000;

export interface ControllerDeps {
  config: Config;
  stateStore: StateStore;
  host: TerminalHost;
  store: AppStore;
  compositor: Compositor;
  /** Write to the real terminal (the bell). */
  ring: () => void;
  env: NodeJS.ProcessEnv;
  /** The lanes of the state file changed (overlap watching follows them). */
  onLanesChanged?: (records: LaneRecord[]) => void;
  /** A merge moved the base: every other lane's behind, overlaps and conflicts are recomputed. */
  onMerged?: () => void;
  /** The repository (merging needs it); absent in tests of the screen alone. */
  repo?: Repo;
  /** Create a lane (worktree, branch, state record) — the same path as `lanes new`. */
  newLane: (request: NewLaneRequest) => Promise<{ lane: LaneRecord; warnings: string[] }>;
  /** Read a lane's diff for the `d` view (default: `laneDiff` from git). */
  readDiff?: (lane: LaneRecord) => Promise<LaneDiff>;
  now?: () => number;
  /** The repository file's untrusted commands and how to trust them (the start-up dialog). */
  trustOffer?: TrustOffer;
}

export interface NewLaneRequest {
  name: string;
  agent?: string;
  cmd?: string;
  prompt?: string;
  base?: string;
  scope?: string[];
}

/**
 * Wires the lanes of the state file to their agents' terminals, the store and the screen. The
 * only place where lanes' records, terminals and the UI state meet.
 */
export class Controller {
  readonly lanes = new Map<string, LaneRuntime>();
  readonly frames: FrameScheduler;
  private readonly painter: Painter;
  /** The clock of status and timing decisions (injected in tests). */
  readonly now: () => number;
  private subscription: { dispose(): void } | undefined;
  private unsubscribeStore: (() => void) | undefined;

  constructor(readonly deps: ControllerDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.frames = new FrameScheduler(() => this.paint(), deps.config.maxFps);
    this.painter = new Painter({ store: deps.store, host: deps.host, compositor: deps.compositor, now: this.now, requestFrame: () => this.frames.request() });
    this.subscription = deps.host.onEvent((event) => this.onTerminalEvent(event));
    // Layout-relevant changes (size, zoom, focus, lane list) resize terminals and repaint.
    let last = deps.store.getState();
    this.unsubscribeStore = deps.store.subscribe((state) => {
      if (state.size !== last.size || state.isZoomed !== last.isZoomed || state.focus !== last.focus || state.lanes.length !== last.lanes.length || state.overlay !== last.overlay) {
        last = state;
        this.applyLayout();
      } else last = state;
    });
  }

  get store(): AppStore {
    return this.deps.store;
  }

  get host(): TerminalHost {
    return this.deps.host;
  }

  /** The focused lane, if any. */
  focused(): LaneRuntime | undefined {
    const { lanes, focus } = this.deps.store.getState();
    const view = lanes[focus];
    return view ? this.lanes.get(view.name) : undefined;
  }

  /** Bring the lanes in line with the state file: new lanes appear and start, removed ones end. */
  async sync(): Promise<void> {
    const { state } = await this.deps.stateStore.load();
    const seen = new Set<string>();
    // Lanes arriving together are laid out once: a layout per lane would resize the lanes already
    // there at every step (each resize reflows an agent's whole history and makes it redraw).
    this.isLayoutHeld = true;
    try {
      for (const record of state.lanes) {
        seen.add(record.name);
        const runtime = this.lanes.get(record.name);
        if (runtime) runtime.record = keepKnownFacts(runtime.record, record);
        else this.addLane(record);
        patchLane(this.deps.store, record.name, { isReady: record.ready });
      }
    } finally {
      this.isLayoutHeld = false;
    }
    if (this.isLayoutPending) this.applyLayout();
    for (const name of [...this.lanes.keys()]) {
      if (!seen.has(name)) await this.removeLane(name);
    }
    await this.checkMissing();
    this.deps.onLanesChanged?.(state.lanes);
    const notStarted: LaneRuntime[] = [];
    for (const runtime of this.lanes.values()) {
      if (runtime.activity.startedAt === undefined && !runtime.activity.isMissing && !runtime.activity.exit && runtime.activity.failure === undefined) {
        const { setupPid } = runtime.record;
        // Its worktree is still being set up by `lanes new` (or the n dialog): start it when done.
        if (setupPid !== undefined && isAlive(setupPid)) continue;
        if (setupPid !== undefined) notify(this.deps.store, `lane ${runtime.name}: its setup did not finish (the process creating it ended)`, 'warning');
        const held = this.deps.host.terminals().find((info) => info.id === runtime.name);
        if (held) adoptLane(this, runtime, held);
        else if (runtime.record.hasStarted === true) notStarted.push(runtime);
        else this.spawn(runtime);
      }
    }
    reportNotRunning(this, notStarted);
  }

  private addLane(record: LaneRecord): void {
    const runtime = new LaneRuntime(record);
    this.lanes.set(record.name, runtime);
    const view: LaneView = newLaneView({
      name: record.name,
      branch: record.branch,
      agent: record.agent.kind === 'preset' ? record.agent.preset : record.agent.cmd,
    });
    this.deps.store.setState((s) => ({ lanes: [...s.lanes, view] }));
  }

  private async removeLane(name: string): Promise<void> {
    const runtime = this.lanes.get(name);
    if (!runtime) return;
    runtime.dispose();
    this.lanes.delete(name);
    await this.deps.host.kill(name).catch(() => undefined);
    this.deps.host.release(name);
    this.deps.store.setState((s) => {
      const lanes = s.lanes.filter((l) => l.name !== name);
      return { lanes, focus: Math.min(s.focus, Math.max(0, lanes.length - 1)) };
    });
  }

  /** Mark lanes whose worktree folder is gone as missing (and back when it returns). */
  async checkMissing(): Promise<void> {
    await Promise.all(
      [...this.lanes.values()].map(async (runtime) => {
        const exists = await access(runtime.record.worktree).then(
          () => true,
          () => false,
        );
        if (runtime.activity.isMissing === !exists) return;
        runtime.activity.isMissing = !exists;
        this.updateStatus(runtime);
      }),
    );
  }

  /**
   * Start (or restart) a lane's agent at its pane's size. False when its agent is a preset of the
   * untrusted repository file: it is held back (reported once, or again when asked explicitly)
   * and starts at the next sync after the file is trusted.
   */
  spawn(runtime: LaneRuntime, options: { resume?: boolean; isExplicit?: boolean } = {}): boolean {
    const { record } = runtime;
    const size = this.sizeFor(record.name);
    const request = laneSpawnRequest(record, { config: this.deps.config, env: this.deps.env, size: size.cols > 0 ? size : HEADLESS_SIZE, resume: options.resume ?? record.hasStarted === true });
    const { untrusted } = this.deps.config;
    if (request === undefined) {
      if (untrusted && (!runtime.isHeldBack || options.isExplicit)) notify(this.deps.store, `lane ${record.name}: ${untrusted.line}`, 'warning');
      runtime.isHeldBack = true;
      return false;
    }
    runtime.isHeldBack = false;
    runtime.size = { cols: request.cols, rows: request.rows };
    runtime.activity = { ...runtime.activity, startedAt: this.now(), lastOutputAt: undefined, bellAt: undefined, exit: undefined, failure: undefined, isPaused: false };
    this.deps.host
      .spawn(request)
      .then(() => {
        if (!record.hasStarted) void this.markRecord(record.name, { hasStarted: true });
        // A prompt passed as an argument went with the start; a typed one is reported by the host.
        if (isPromptInArgs(record, request)) void this.markRecord(record.name, { promptDelivered: true });
      })
      .catch((error: unknown) => {
        runtime.activity.failure = error instanceof Error ? error.message : String(error);
        this.updateStatus(runtime);
      });
    this.updateStatus(runtime);
    return true;
  }

  /** Run with another configuration from now on (the repository file was trusted meanwhile). */
  setConfig(config: Config): void {
    this.deps.config = config;
    this.compiledPatterns.clear();
  }

  /** Record a fact about a lane in the state file (and in its runtime record; see keepKnownFacts). */
  async markRecord(name: string, patch: Partial<Pick<LaneRecord, 'promptDelivered' | 'hasStarted'>>): Promise<void> {
    const runtime = this.lanes.get(name);
    if (runtime) runtime.record = { ...runtime.record, ...patch };
    await this.deps.stateStore
      .update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === name ? { ...l, ...patch } : l)) }))
      .catch(() => undefined);
  }

  /** After merges: read the state again (merged and conflict marks) and recompute every lane. */
  async afterMerge(): Promise<void> {
    await this.sync().catch(() => undefined);
    this.deps.onMerged?.();
  }

  /** Mark or unmark a lane ready to merge (recorded in the state file, in the order marked). */
  async toggleReady(name: string): Promise<void> {
    const runtime = this.lanes.get(name);
    if (!runtime) return;
    const ready = !runtime.record.ready;
    const readyAt = ready ? new Date().toISOString() : undefined;
    await this.deps.stateStore
      .update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === name ? { ...l, ready, readyAt } : l)) }))
      .then(() => {
        runtime.record = { ...runtime.record, ready, ...(readyAt ? { readyAt } : {}) };
        patchLane(this.deps.store, name, { isReady: ready });
        notify(this.deps.store, ready ? `lane ${name} is ready to merge` : `lane ${name} is no longer marked ready`);
      })
      .catch((error: unknown) => notify(this.deps.store, `could not mark lane ${name}: ${error instanceof Error ? error.message : String(error)}`, 'error'));
  }

  /** End a lane's agent (resuming it first when paused) and forget its terminal. */
  async stopAgent(name: string): Promise<void> {
    await this.deps.host.kill(name).catch(() => undefined);
    this.deps.host.release(name);
  }

  /** Restart the lane's agent (ending the running one first). */
  async restart(name: string): Promise<void> {
    const runtime = this.lanes.get(name);
    if (!runtime) return;
    if (runtime.activity.isMissing) {
      notify(this.deps.store, `lane ${name}: its worktree is missing (${runtime.record.worktree})`, 'warning');
      return;
    }
    if (!this.deps.host.terminals().some((info) => info.id === name) && !(await clearLeftovers(this, runtime))) return;
    // A paused agent runs again first, so it can handle the signals that end it.
    if (this.deps.host.isPaused(name)) await this.deps.host.resume(name).catch(() => undefined);
    await this.deps.host.kill(name).catch(() => undefined);
    this.deps.host.release(name);
    if (this.spawn(runtime, { isExplicit: true })) notify(this.deps.store, `lane ${name}: agent restarted`);
  }

  private onTerminalEvent(event: TerminalEvent): void {
    const runtime = this.lanes.get(event.id);
    if (!runtime) return;
    const now = this.now();
    switch (event.type) {
      case 'output': {
        const isEcho = !isAgentOutput(now, runtime.activity.lastInputAt);
        if (!isEcho) runtime.activity.lastOutputAt = now;
        const state = this.deps.store.getState();
        // The echo of what the user just typed is painted at once, ahead of the frame clock: typing
        // must feel like a bare terminal even while another lane floods the screen.
        if (isEcho && state.mode === 'type' && state.lanes[state.focus]?.name === event.id) this.frames.flushSoon();
        else this.frames.request();
        break;
      }
      case 'bell':
        runtime.activity.bellAt = now;
        break;
      case 'title':
        this.pendingTitles.set(event.id, event.title || undefined);
        this.titleTimer ??= setTimeout(() => this.flushTitles(), TITLE_FLUSH_MS);
        // An agent that changes its title (a spinner, the task it works on) is working.
        if (isAgentOutput(now, runtime.activity.lastInputAt)) runtime.activity.lastOutputAt = now;
        break;
      case 'exit': {
        runtime.activity.exit = { code: event.code, signal: event.signal };
        // Typing into an agent that is gone does nothing: go back to navigate mode.
        const state = this.deps.store.getState();
        if (state.mode === 'type' && state.lanes[state.focus]?.name === event.id) this.deps.store.setState({ mode: 'navigate' });
        if (!this.deps.store.getState().isQuitting) {
          notify(this.deps.store, `lane ${event.id}: agent exited (${event.signal ? `signal ${event.signal}` : event.code}); R restarts it`, event.code === 0 ? 'info' : 'warning');
        }
        this.frames.request();
        break;
      }
      case 'paused':
        runtime.activity.isPaused = event.paused;
        break;
      case 'failed':
        runtime.activity.failure = event.reason;
        notify(this.deps.store, `lane ${event.id}: ${event.reason}`, 'error');
        break;
      case 'prompt':
        void this.markRecord(event.id, { promptDelivered: true });
        break;
      case 'lost': {
        // The host ended under us: its agents ended with it (the UI says so once, see run-ui).
        runtime.activity.exit = { code: -1, signal: 0 };
        runtime.activity.isPaused = false;
        const state = this.deps.store.getState();
        if (state.mode === 'type' && state.lanes[state.focus]?.name === event.id) this.deps.store.setState({ mode: 'navigate' });
        this.frames.request();
        break;
      }
    }
    this.updateStatus(runtime);
  }

  private pendingTitles = new Map<string, string | undefined>();
  private titleTimer: NodeJS.Timeout | undefined;

  private flushTitles(): void {
    this.titleTimer = undefined;
    patchLanes(this.deps.store, new Map([...this.pendingTitles].map(([name, title]) => [name, { title }])));
    this.pendingTitles.clear();
  }

  /** A file changed in the lane's worktree: the agent is working. */
  noteFileActivity(name: string): void {
    const runtime = this.lanes.get(name);
    if (!runtime) return;
    runtime.activity.lastFileAt = this.now();
    this.updateStatus(runtime);
  }

  /** Note that the user typed into a lane (its echo is not agent activity). */
  noteInput(name: string): void {
    const runtime = this.lanes.get(name);
    if (runtime) runtime.activity.lastInputAt = this.now();
  }

  private statusTimers = new Map<string, NodeJS.Timeout>();

  /** Recompute a lane's status and schedule the next re-check. */
  updateStatus(runtime: LaneRuntime): void {
    const now = this.now();
    const { record } = runtime;
    const patterns = record.agent.kind === 'preset' ? this.patternsOf(record.agent.preset) : undefined;
    const derived = deriveStatus(runtime.activity, now);
    const status = patterns ? refineStatus(derived, screenTail(this.deps.host.frame(runtime.name, 0)?.lines ?? []), patterns) : derived;
    if (runtime.lastStatusKind === 'busy' && status.kind === 'waiting' && this.deps.config.notify === 'bell') this.deps.ring();
    runtime.lastStatusKind = status.kind;
    patchLane(this.deps.store, runtime.name, { status });
    runtime.clearTimer(this.statusTimers.get(runtime.name));
    // With screen patterns, a quiet agent may still say it works: look again every second.
    const next = nextStatusChange(runtime.activity, now) ?? (patterns && (status.kind === 'busy' || status.kind === 'waiting') ? now + PATTERN_RECHECK_MS : undefined);
    if (next !== undefined) {
      // A few milliseconds late so the re-check lands after the boundary.
      this.statusTimers.set(runtime.name, runtime.after(next - now + 5, () => this.updateStatus(runtime)));
    }
  }

  private compiledPatterns = new Map<string, StatusPatterns | undefined>();

  /** A preset's status patterns, compiled once. */
  private patternsOf(preset: string): StatusPatterns | undefined {
    if (!this.compiledPatterns.has(preset)) this.compiledPatterns.set(preset, compilePatterns(this.deps.config.agents[preset]?.status));
    return this.compiledPatterns.get(preset);
  }

  /** The terminal size a lane gets: its pane's inside on its own page (or zoomed). */
  sizeFor(name: string): { cols: number; rows: number } {
    return paneSizeFor(this.deps.store.getState(), name);
  }

  /** While lanes are added together, layouts wait for the last one (see sync). */
  private isLayoutHeld = false;
  private isLayoutPending = false;

  /** Resize every lane's terminal to its pane and tell the compositor where panes are. */
  applyLayout(): void {
    this.isLayoutPending = this.isLayoutHeld;
    if (this.isLayoutHeld) return;
    const state = this.deps.store.getState();
    this.deps.compositor.setSize(state.size.cols, state.size.rows);
    for (const runtime of this.lanes.values()) {
      const size = this.sizeFor(runtime.name);
      if (runtime.size && runtime.size.cols === size.cols && runtime.size.rows === size.rows) continue;
      runtime.size = size;
      // The agent redraws after a resize: that output is ours, not the agent working.
      runtime.activity.lastInputAt = this.now();
      this.deps.host.resize(runtime.name, size.cols, size.rows);
    }
    const layout = selectLayout(state);
    this.deps.compositor.setPanes(
      layout.tooSmall ? [] : layout.panes.flatMap((p) => (state.lanes[p.lane] ? [{ name: (state.lanes[p.lane] as LaneView).name, rect: p.body }] : [])),
    );
    this.deps.compositor.setPaneAreaHidden(state.overlay !== undefined && state.overlay.kind !== 'confirm-quit');
    this.frames.request();
  }

  /** Draw what changed on the real terminal. */
  paint(): void {
    this.painter.paint();
  }

  /** Scroll a lane's view `delta` rows back into history (negative: towards live). */
  scroll(name: string, delta: number): void {
    const view = this.deps.store.getState().lanes.find((l) => l.name === name);
    if (!view) return;
    const history = this.deps.host.frame(name, view.scrollOffset)?.historyRows ?? 0;
    const offset = Math.max(0, Math.min(history, view.scrollOffset + delta));
    patchLane(this.deps.store, name, { scrollOffset: offset });
    this.frames.request();
  }

  /** Set by the UI launcher: what confirming the quit dialog does (detach, or end every agent). */
  onQuit: ((options?: { endAgents?: boolean }) => Promise<void>) | undefined;

  /**
   * Leave: detach from the host (agents go on), or with `endAgents` end every agent and the host.
   * Worktrees and branches stay either way.
   */
  async shutdown(options: { endAgents?: boolean } = {}): Promise<void> {
    this.deps.store.setState({ isQuitting: true });
    if (this.titleTimer) clearTimeout(this.titleTimer);
    this.frames.dispose();
    this.subscription?.dispose();
    this.unsubscribeStore?.();
    for (const runtime of this.lanes.values()) runtime.dispose();
    if (!options.endAgents) {
      await this.deps.host.detach();
      return;
    }
    // Ending never leaves a process stopped (the host's kill resumes too; this is the first line).
    await resumeAll(this.deps.host);
    await this.deps.host.dispose();
  }
}
