import { access } from 'node:fs/promises';
import { isAlive } from '../git/file-lock.js';
import type { Config } from '../config/schema.js';
import { keepKnownFacts, type LaneRecord } from '../core/lane.js';
import type { LaneDiff } from '../core/patch.js';
import type { StateStore } from '../git/state.js';
import type { Repo } from '../git/repo.js';
import type { TerminalEvent, TerminalHost } from '../term/types.js';
import type { Compositor } from '../ui/compositor.js';
import { HEADLESS_SIZE, isPromptInArgs, laneSpawnRequest } from './launch.js';
import type { TrustOffer } from './trust-flow.js';
import { FrameScheduler } from './frame-scheduler.js';
import { Painter } from './painter.js';
import { LaneRuntime } from './lane-runtime.js';
import { applyTerminalEvent, type LaneEventContext } from './lane-events.js';
import { LaneStatus } from './lane-status.js';
import { WorktreePresence } from './worktree-presence.js';
import { adoptLane, clearLeftovers, reportNotRunning } from './lane-start.js';
import { resumeAll } from './pause.js';
import { hidesPanes, paneSizeFor, selectLayout } from './selectors.js';
import { newLaneView, notify, patchLane, type AppStore, type LaneView } from './store.js';

export interface ControllerDeps {
  config: Config;
  stateStore: StateStore;
  host: TerminalHost;
  store: AppStore;
  compositor: Compositor;
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
  private readonly status: LaneStatus;
  private readonly eventContext: LaneEventContext;
  /** Lanes whose worktree folder vanished become `missing` (and back) when the folder around them changes. */
  private readonly presence = new WorktreePresence(() => void this.checkMissing());
  /** True while the paint brings statuses up to date: the chrome they change is drawn by that very paint. */
  private isRefreshing = false;
  private isShutDown = false;
  /** The clock of status and timing decisions (injected in tests). */
  readonly now: () => number;
  private subscription: { dispose(): void } | undefined;
  private unsubscribeStore: (() => void) | undefined;

  constructor(readonly deps: ControllerDeps) {
    this.now = deps.now ?? (() => performance.now());
    this.frames = new FrameScheduler(() => this.paint(), deps.config.maxFps);
    this.status = new LaneStatus({ host: deps.host, store: deps.store, config: () => this.deps.config, ring: () => this.ring(), now: this.now });
    this.painter = new Painter({
      store: deps.store,
      host: deps.host,
      compositor: deps.compositor,
      now: this.now,
      requestFrame: () => this.frames.request(),
      titleOf: (name) => this.lanes.get(name)?.title,
    });
    this.eventContext = { store: deps.store, frames: this.frames, status: this.status, now: this.now, markRecord: (name, patch) => this.markRecord(name, patch) };
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
    // Watched in the background (sync is on the way to the first screen); a folder that went
    // while the watch was being set up is caught by the check after it.
    void this.presence.follow([...this.lanes.values()].map((runtime) => runtime.record.worktree)).then(() => {
      if (!this.isShutDown) void this.checkMissing();
    });
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
    this.status.forget(runtime);
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
    this.status.clearPatterns();
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
    // The folder may have come back unnoticed (a watch can only follow what it can see).
    await this.checkMissing();
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
    if (runtime) applyTerminalEvent(this.eventContext, runtime, event);
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

  /** Recompute a lane's status now (and arm its re-check for when it can next change). */
  updateStatus(runtime: LaneRuntime): void {
    this.status.update(runtime);
  }

  /** Ring the real terminal's bell: it goes out with the next paint, in its one write. */
  ring(): void {
    this.deps.compositor.ring();
    this.frames.request();
  }

  /**
   * Ask for a paint: the chrome changed. Not while the paint itself brings statuses up to date
   * (what they change is drawn by that paint).
   */
  requestPaint(): void {
    if (!this.isRefreshing) this.frames.request();
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
    this.deps.compositor.setPaneAreaHidden(hidesPanes(state.overlay));
    this.frames.request();
  }

  /**
   * Draw what changed on the real terminal, statuses of lanes with new output first. Ink renders the
   * chrome a status change asks for in a microtask; the picture is then drawn right after it, in the
   * same turn and the same write, instead of a frame later.
   */
  paint(): void {
    const { lanes } = this.deps.store.getState();
    this.isRefreshing = true;
    try {
      this.status.refreshTouched();
    } catch (error) {
      this.isRefreshing = false;
      throw error;
    }
    if (this.deps.store.getState().lanes === lanes) {
      this.isRefreshing = false;
      this.painter.paint();
      return;
    }
    queueMicrotask(() => {
      this.isRefreshing = false;
      if (!this.isShutDown) this.painter.paint();
    });
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
    this.isShutDown = true;
    this.frames.dispose();
    this.status.dispose();
    this.presence.close();
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
