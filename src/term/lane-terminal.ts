import xtermHeadless from '@xterm/headless';
import { spawn, type IDisposable, type IPty } from 'node-pty';
import type { ScreenFrame } from '../core/screen.js';
import { ExitWaiters } from './exit-waiters.js';
import { FlowControl, type FlowControlOptions, type FlowStats } from './flow-control.js';
import { endGroup, signalGroup } from './process-group.js';
import { endTree } from './tree-end.js';
import { holdSlave, releaseSlave } from './slave-hold.js';
import { ScreenSnapshot } from './snapshot.js';
import { findSpawnProblem, parseHelperFailure } from './spawn-check.js';
import type { SpawnRequest, TerminalEvent, TerminalModes } from './types.js';
import { MIN_COLS, MIN_ROWS, clampSize, cleanTitle } from './terminal-limits.js';
import { readModes } from './terminal-modes.js';
import { identifyTree, processStartTime, type ProcessIdentity, type StoppedProcess } from './process-tree.js';
import { TreePause } from './tree-pause.js';
import { useCurrentWidths } from './unicode-width.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

type State = 'new' | 'running' | 'exited' | 'failed' | 'disposed';

/** Flow-control limits, and who hears of what a pause stops. */
export interface LaneTerminalOptions extends FlowControlOptions {
  /**
   * The processes a pause is about to stop (awaited before it does), and none once they run
   * again; `agentPid` leads their process group (see PauseLedger).
   */
  onStopped?: (stopped: readonly StoppedProcess[], agentPid: number | undefined) => Promise<void>;
  /** Every chunk goes through the emulator's write queue (tests of flow control). */
  isQueuedParse?: boolean;
}

/** Counters of the output path, for tests and the bench. */
export interface LaneTerminalStats extends FlowStats {
  /** `output` events emitted: at most one per turn of the event loop (and per chunk read). */
  outputEvents: number;
}

/**
 * One agent's terminal: the agent process on a PTY, the headless emulator that keeps its screen,
 * and the snapshot that turns the screen into styled lines. Everything is released by dispose().
 */
export class LaneTerminal {
  readonly id: string;
  private readonly request: SpawnRequest;
  private readonly emit: (event: TerminalEvent) => void;
  private readonly terminal: HeadlessTerminal;
  private readonly snapshot: ScreenSnapshot;
  private readonly subscriptions: IDisposable[] = [];
  private pty: IPty | undefined;
  private slaveFd: number | undefined;
  private state: State = 'new';
  private isOutputScheduled = false;
  private isFirstOutput = true;
  private helperFailure: string | undefined;
  private readonly flow: FlowControl;
  private outputEvents = 0;
  private readonly exits = new ExitWaiters(() => this.isRunning);
  private killing: Promise<void> | undefined;
  private readonly treePause: TreePause;
  /** The agent as pid and start time, read right after the spawn (see processTree). */
  private root: Promise<ProcessIdentity | undefined> = Promise.resolve(undefined);
  /** Processes found in the agent's tree so far (see processTree). */
  private seen: ProcessIdentity[] = [];
  /** Parses a chunk before returning (see receive), when this xterm offers it. */
  private readonly parseNow: ((chunk: Buffer) => void) | undefined;
  /** The size the PTY has; the emulator's runs ahead of it while the agent is paused. */
  private ptySize = { cols: 0, rows: 0 };

  constructor(request: SpawnRequest, emit: (event: TerminalEvent) => void, options: LaneTerminalOptions = {}) {
    this.id = request.id;
    this.treePause = new TreePause(
      (isPaused) => this.pauseChanged(isPaused),
      async (stopped) => options.onStopped?.(stopped, this.pid),
    );
    this.flow = new FlowControl({ pause: () => this.pty?.pause(), resume: () => this.pty?.resume() }, options);
    this.request = request;
    this.emit = emit;
    this.terminal = new Terminal({
      cols: clampSize(request.cols, MIN_COLS),
      rows: clampSize(request.rows, MIN_ROWS),
      scrollback: Math.max(0, Math.floor(request.scrollback) || 0),
      // The buffer API (used by the snapshot) is "proposed" in xterm 6.
      allowProposedApi: true,
    });
    useCurrentWidths(this.terminal);
    this.snapshot = new ScreenSnapshot(this.terminal);
    this.parseNow = options.isQueuedParse === true ? undefined : synchronousParser(this.terminal);
    this.subscriptions.push(
      // Replies to the agent's queries (cursor position, device attributes): TUIs wait for them.
      // Also while paused: the agent asked before it was stopped and reads them when it runs again.
      this.terminal.onData((reply) => this.isRunning && this.pty?.write(reply)),
      this.terminal.onBell(() => this.emit({ type: 'bell', id: this.id })),
      this.terminal.onTitleChange((title) => this.emit({ type: 'title', id: this.id, title: cleanTitle(title) })),
    );
  }

  /** Start the agent. Never rejects: a start failure becomes a `failed` event. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`terminal ${this.id} was already started`);
    const problem = await findSpawnProblem(this.request);
    if (this.state !== 'new') return; // disposed while checking
    if (problem !== undefined) return this.fail(problem);
    try {
      this.pty = spawn(this.request.command, this.request.args, {
        name: 'xterm-256color',
        cols: this.terminal.cols,
        rows: this.terminal.rows,
        cwd: this.request.cwd,
        env: { ...this.request.env, TERM: 'xterm-256color', COLORTERM: 'truecolor' },
        // Buffers, not strings: no UTF-8 decoding in Node (xterm decodes bytes itself, also across
        // chunk boundaries), and the byte counts of flow control are exact.
        encoding: null,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return this.fail(`cannot start ${this.request.command}: ${message.split('\n')[0] ?? ''}`);
    }
    this.state = 'running';
    this.ptySize = { cols: this.terminal.cols, rows: this.terminal.rows };
    this.slaveFd = holdSlave(this.pty);
    const { pid } = this.pty;
    this.root = processStartTime(pid).then((startTime) => (startTime === undefined ? undefined : { pid, startTime }));
    this.subscriptions.push(
      this.pty.onData((data) => this.receive(data as unknown as Buffer)),
      this.pty.onExit(({ exitCode, signal }) => this.handleExit(exitCode, signal ?? 0)),
    );
  }

  get isRunning(): boolean {
    return this.state === 'running';
  }

  /** True from construction until start() has spawned the agent or failed. */
  get isStarting(): boolean {
    return this.state === 'new';
  }

  /** The agent's process id (and process group id), while it runs. */
  get pid(): number | undefined {
    return this.isRunning ? this.pty?.pid : undefined;
  }

  /** True from the moment a pause is asked for until the agent's tree runs again. */
  get isPaused(): boolean {
    return this.treePause.isPaused;
  }

  /** Freeze the agent's whole process tree (SPEC §9); resolves once all of it is stopped. */
  pause(): Promise<void> {
    const pid = this.pid;
    // An agent being ended is not paused: kill() resumes its tree.
    return pid === undefined || this.killing !== undefined ? Promise.resolve() : this.treePause.pause(pid, laneMarker(this.request.env));
  }

  /** Let the agent's tree run again; a resize made meanwhile reaches the agent right after. */
  resume(): Promise<void> {
    return this.treePause.resume();
  }

  /**
   * Input (keys, paste) goes to the PTY at once, never behind a frame. Refused (false) while the
   * agent is paused: the PTY would queue it and hand it over on resume, long after it was meant.
   */
  write(data: string): boolean {
    if (!this.isRunning || this.isPaused || this.pty === undefined) return false;
    this.pty.write(data);
    return true;
  }

  /** The screen takes the new size at once; a paused agent gets it when it resumes. */
  resize(cols: number, rows: number): void {
    const safeCols = clampSize(cols, MIN_COLS);
    const safeRows = clampSize(rows, MIN_ROWS);
    if (safeCols !== this.terminal.cols || safeRows !== this.terminal.rows) this.terminal.resize(safeCols, safeRows);
    this.applyPtySize();
  }

  /** Give the PTY the screen's size, except while paused: then one SIGWINCH follows SIGCONT. */
  private applyPtySize(): void {
    const { cols, rows } = this.terminal;
    if (!this.isRunning || this.isPaused || (cols === this.ptySize.cols && rows === this.ptySize.rows)) return;
    this.ptySize = { cols, rows };
    try {
      this.pty?.resize(cols, rows);
    } catch {
      // The agent exited and node-pty closed the PTY before its exit event reached us.
    }
  }

  private pauseChanged(isPaused: boolean): void {
    if (this.state === 'disposed') return;
    if (!isPaused) this.applyPtySize();
    this.emit({ type: 'paused', id: this.id, paused: isPaused });
  }

  /** Send a signal to the agent's whole process group (the agent is its group's leader). */
  signal(signal: NodeJS.Signals): void {
    const pid = this.pid;
    if (pid !== undefined) signalGroup(pid, signal);
  }

  /**
   * End the agent: SIGHUP and SIGTERM to its process group, SIGKILL after the grace period.
   * Resolves once the exit was observed (or shortly after SIGKILL if it never is). A paused tree
   * is resumed right after the signals, so the agent handles them first thing and nothing is
   * left stopped.
   */
  kill(): Promise<void> {
    const pid = this.pid;
    if (pid === undefined) return this.endLeftovers();
    this.killing ??= this.endAll(pid);
    return this.killing;
  }

  /**
   * After the agent exited: what of its tree still runs — a dev server it started with setsid, a
   * process that carries the lane's marker — ends as the tree would have.
   */
  private async endLeftovers(): Promise<void> {
    const root = await this.root;
    if (root === undefined) return;
    const marker = laneMarker(this.request.env);
    await endTree(root, { waitForExit: () => Promise.resolve(true), known: this.seen, ...(marker === undefined ? {} : { marker }) });
  }

  /**
   * The agent's whole tree (see endTree): descendants in a session of their own and processes
   * carrying the lane's environment marker, not only its process group.
   */
  private async endAll(pid: number): Promise<void> {
    const options = { waitForExit: (ms: number) => this.exits.wait(ms), afterSignals: () => this.treePause.resume() };
    const root = await this.root;
    if (root === undefined || root.pid !== pid) return endGroup(pid, options);
    const marker = laneMarker(this.request.env);
    await endTree(root, { ...options, known: this.seen, ...(marker === undefined ? {} : { marker }) });
  }

  /**
   * The lane's processes now: the agent while it is the same process, its descendants (setsid'd
   * ones included), its session, every process holding the lane's environment marker, and those
   * found before that still run — each with its start time. Also after the agent exited.
   */
  async processTree(): Promise<ProcessIdentity[]> {
    const root = await this.root;
    if (root === undefined) return [];
    const found = await identifyTree(root, laneMarker(this.request.env), this.seen);
    this.seen = found.filter((entry) => entry.pid !== root.pid);
    return found;
  }

  frame(scrollOffset = 0): ScreenFrame {
    return this.snapshot.frame(scrollOffset);
  }

  modes(): TerminalModes {
    return readModes(this.terminal);
  }

  flowStats(): LaneTerminalStats {
    return { ...this.flow.stats, outputEvents: this.outputEvents };
  }

  /** Release the PTY, the emulator and every listener. A still running agent gets SIGHUP. */
  dispose(): void {
    if (this.state === 'disposed') return;
    const wasRunning = this.isRunning;
    this.state = 'disposed';
    for (const subscription of this.subscriptions) subscription.dispose();
    this.subscriptions.length = 0;
    if (wasRunning && this.pty !== undefined) {
      signalGroup(this.pty.pid, 'SIGHUP');
      if (this.treePause.isPaused) {
        // Nothing stays stopped: the group at once, the rest of the tree as soon as it is found.
        signalGroup(this.pty.pid, 'SIGCONT');
        void this.treePause.resume().catch(() => undefined);
      }
      // Closing the master hangs up the terminal for anything that ignored the SIGHUP. Only while
      // the agent runs: node-pty's destroy() signals the pid again, which after an exit could
      // belong to another process by now.
      (this.pty as IPty & { destroy?: () => void }).destroy?.();
    }
    this.pty = undefined;
    releaseSlave(this.slaveFd);
    this.slaveFd = undefined;
    this.exits.notify();
    this.snapshot.dispose();
    this.terminal.dispose();
  }

  /**
   * PTY → emulator. A chunk is parsed at once when nothing written earlier still waits (the usual
   * case: agents print a little at a time, and a flood is read no faster than it is parsed); the
   * emulator's own queue would cost a timer and a callback per chunk. While something waits (or
   * without the synchronous parser) the chunk queues behind it, with flow control.
   */
  private receive(chunk: Buffer): void {
    if (this.state === 'disposed') return;
    if (this.isFirstOutput) {
      this.isFirstOutput = false;
      this.helperFailure = parseHelperFailure(chunk.toString('utf8', 0, 200), this.request);
    }
    const size = chunk.length;
    this.flow.received(size);
    if (this.parseNow !== undefined && this.flow.stats.pendingBytes === size) {
      this.parseNow(chunk);
      this.snapshot.invalidate();
      this.flow.parsed(size);
      // One chunk, one event: the host's frame clock coalesces them (see host/client-link.ts).
      this.outputEvents += 1;
      this.emit({ type: 'output', id: this.id });
      return;
    }
    this.terminal.write(chunk, () => {
      if (this.state === 'disposed') return;
      this.flow.parsed(size);
      this.scheduleOutput();
    });
  }

  /**
   * xterm's queue parses many chunks in one turn and calls back once per chunk, so a flood would
   * make thousands of `output` events per frame; one per macrotask is all a frame clock needs.
   */
  private scheduleOutput(): void {
    if (this.isOutputScheduled) return;
    this.isOutputScheduled = true;
    setImmediate(() => this.flushOutput());
  }

  private flushOutput(): void {
    if (!this.isOutputScheduled || this.state === 'disposed') return;
    this.isOutputScheduled = false;
    this.outputEvents += 1;
    this.emit({ type: 'output', id: this.id });
  }

  private handleExit(code: number, signal: number): void {
    if (this.state !== 'running') return;
    const failure = code === 1 ? this.helperFailure : undefined;
    this.state = failure === undefined ? 'exited' : 'failed';
    this.exits.notify();
    // Whatever of a paused tree outlived the agent runs again (and can end).
    if (this.treePause.isPaused) void this.treePause.resume().catch(() => undefined);
    // node-pty reports the exit after closing the master: everything was read by now.
    releaseSlave(this.slaveFd);
    this.slaveFd = undefined;
    // Report the exit after everything already read was parsed, so the last screen is complete.
    this.terminal.write('', () => {
      if (this.state === 'disposed') return;
      this.flushOutput();
      this.emit(failure === undefined ? { type: 'exit', id: this.id, code, signal } : { type: 'failed', id: this.id, reason: failure });
    });
  }

  private fail(reason: string): void {
    this.state = 'failed';
    this.terminal.write(`lanes: ${reason}\r\n`, () => {
      if (this.state === 'disposed') return;
      this.emit({ type: 'failed', id: this.id, reason });
    });
  }
}

/**
 * xterm's synchronous write (`writeSync` of its core: not public API, so looked up defensively;
 * undefined when a later xterm no longer has it, and every chunk then takes the queue). It is only
 * ever called with the queue empty, which is what keeps it in order with queued writes.
 */
const synchronousParser = (terminal: HeadlessTerminal): ((chunk: Buffer) => void) | undefined => {
  const core = (terminal as unknown as { _core?: { _writeBuffer?: { writeSync?: unknown } } })._core;
  const buffer = core?._writeBuffer;
  if (buffer === undefined || typeof buffer.writeSync !== 'function') return undefined;
  const writeSync = buffer.writeSync as (data: Uint8Array) => void;
  return (chunk) => writeSync.call(buffer, chunk);
};

/** The environment entry every process of a lane inherits (see app/agent-env.ts), if set. */
const laneMarker = (env: Record<string, string>): string | undefined =>
  env.LANES_WORKTREE === undefined ? undefined : `LANES_WORKTREE=${env.LANES_WORKTREE}`;
