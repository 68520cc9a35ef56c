import type { ScreenFrame } from '../core/screen.js';
import { LanesError } from '../core/errors.js';
import { LaneTerminal } from '../term/lane-terminal.js';
import { PauseLedger } from '../term/pause-ledger.js';
import { processStartTime, type ProcessIdentity, type StoppedProcess } from '../term/process-tree.js';
import type { Disposable, SpawnRequest, TerminalEvent, TerminalHost, TerminalInfo, TerminalModes } from '../term/types.js';

/** After the agent's first output, this much quiet means it is ready for a typed first prompt. */
const PROMPT_QUIET_MS = 800;
/** A typed prompt is sent after this long even if the agent never goes quiet. */
const PROMPT_MAX_WAIT_MS = 10_000;
/** How often a pending prompt checks whether the agent went quiet. */
const PROMPT_CHECK_MS = 200;

/** What the host knows of a terminal beyond the terminal itself. */
interface Meta {
  request: SpawnRequest;
  startedAt: number;
  promptDelivered: boolean;
  lastOutputAt: number | undefined;
  promptTimer: NodeJS.Timeout | undefined;
  exit: { code: number; signal: number } | undefined;
  failure: string | undefined;
  startTime: number | undefined;
  cols: number;
  rows: number;
}

/**
 * The agents' terminals in this process: PTYs, emulators, scrollback, pause, signals, the first
 * prompt. The lanes host serves one of these over its socket (host/server.ts); tests and the
 * bench use it directly.
 */
export class LocalHost implements TerminalHost {
  private readonly terminals_ = new Map<string, LaneTerminal>();
  private readonly meta = new Map<string, Meta>();
  private readonly listeners = new Set<(event: TerminalEvent) => void>();
  private isDisposed = false;

  /** `ledger`: where the processes paused agents have stopped are written down (see PauseLedger). */
  constructor(private readonly ledger?: PauseLedger) {}

  async spawn(request: SpawnRequest): Promise<boolean> {
    if (this.isDisposed) throw new LanesError('the terminal host was shut down');
    const existing = this.terminals_.get(request.id);
    // Never two agents in one lane: a second start of a running one is answered, not done.
    if (existing !== undefined && (existing.isRunning || existing.isStarting)) return false;
    existing?.dispose();
    this.clearPrompt(request.id);
    const { ledger } = this;
    const terminal = new LaneTerminal(request, (event) => this.fanOut(event), ledger ? { onStopped: (stopped, agentPid) => recordStopped(ledger, request.id, stopped, agentPid) } : {});
    this.terminals_.set(request.id, terminal);
    const meta: Meta = {
      request,
      startedAt: Date.now(),
      promptDelivered: request.typePrompt === undefined,
      lastOutputAt: undefined,
      promptTimer: undefined,
      exit: undefined,
      failure: undefined,
      startTime: undefined,
      cols: request.cols,
      rows: request.rows,
    };
    this.meta.set(request.id, meta);
    await terminal.start();
    const { pid } = terminal;
    meta.startTime = pid === undefined ? undefined : await processStartTime(pid);
    if (request.typePrompt !== undefined && terminal.isRunning) this.typeWhenReady(request.id, request.typePrompt);
    return true;
  }

  write(id: string, data: string): boolean {
    return this.terminals_.get(id)?.write(data) ?? false;
  }

  resize(id: string, cols: number, rows: number): void {
    const meta = this.meta.get(id);
    if (meta) {
      meta.cols = cols;
      meta.rows = rows;
    }
    this.terminals_.get(id)?.resize(cols, rows);
  }

  async pause(id: string): Promise<void> {
    await this.terminals_.get(id)?.pause();
  }

  async resume(id: string): Promise<void> {
    await this.terminals_.get(id)?.resume();
  }

  isPaused(id: string): boolean {
    return this.terminals_.get(id)?.isPaused ?? false;
  }

  signal(id: string, signal: NodeJS.Signals): void {
    this.terminals_.get(id)?.signal(signal);
  }

  async kill(id: string): Promise<void> {
    this.clearPrompt(id);
    await this.terminals_.get(id)?.kill();
  }

  release(id: string): void {
    const terminal = this.terminals_.get(id);
    if (terminal === undefined) return;
    if (terminal.isRunning) throw new LanesError(`the agent in lane ${id} is still running`);
    this.clearPrompt(id);
    terminal.dispose();
    this.terminals_.delete(id);
    this.meta.delete(id);
  }

  frame(id: string, scrollOffset = 0): ScreenFrame | undefined {
    return this.terminals_.get(id)?.frame(scrollOffset);
  }

  /** Every offset can be read here at once: nothing to say ahead. */
  view(_id: string, _scrollOffset: number): void {}

  show(_ids: readonly string[], _focus: string | undefined): void {}

  modes(id: string): TerminalModes | undefined {
    return this.terminals_.get(id)?.modes();
  }

  onEvent(listener: (event: TerminalEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async processTree(id: string): Promise<ProcessIdentity[]> {
    return (await this.terminals_.get(id)?.processTree()) ?? [];
  }

  running(): string[] {
    return [...this.terminals_.values()].filter((terminal) => terminal.isRunning).map((terminal) => terminal.id);
  }

  terminals(): TerminalInfo[] {
    return [...this.terminals_.keys()].flatMap((id) => {
      const info = this.info(id);
      return info ? [info] : [];
    });
  }

  /** What is known of one terminal. */
  info(id: string): TerminalInfo | undefined {
    const terminal = this.terminals_.get(id);
    const meta = this.meta.get(id);
    if (!terminal || !meta) return undefined;
    const state = terminal.isStarting ? 'starting' : terminal.isRunning ? 'running' : meta.failure !== undefined ? 'failed' : 'exited';
    const pid = terminal.pid;
    return {
      id,
      state,
      ...(pid === undefined ? {} : { pid }),
      ...(pid === undefined || meta.startTime === undefined ? {} : { startTime: meta.startTime }),
      isPaused: terminal.isPaused,
      ...(meta.exit ? { exit: meta.exit } : {}),
      ...(meta.failure === undefined ? {} : { failure: meta.failure }),
      command: [meta.request.command, ...meta.request.args].join(' '),
      cwd: meta.request.cwd,
      startedAt: meta.startedAt,
      promptDelivered: meta.promptDelivered,
      bracketedPaste: terminal.isRunning ? terminal.modes().bracketedPaste : false,
      cols: meta.cols,
      rows: meta.rows,
    };
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    for (const id of this.meta.keys()) this.clearPrompt(id);
    const terminals = [...this.terminals_.values()];
    await Promise.all(terminals.map((terminal) => terminal.kill()));
    for (const terminal of terminals) terminal.dispose();
    this.terminals_.clear();
    this.meta.clear();
    this.listeners.clear();
  }

  /** In one process, letting go of the terminals ends them. */
  detach(): Promise<void> {
    return this.dispose();
  }

  pid(id: string): number | undefined {
    return this.terminals_.get(id)?.pid;
  }

  /** The terminal of `id`, for tests and the bench (flow statistics). */
  terminal(id: string): LaneTerminal | undefined {
    return this.terminals_.get(id);
  }

  /** Type the first prompt once the agent printed and went quiet (or after a while anyway). */
  private typeWhenReady(id: string, prompt: string): void {
    const startedAt = Date.now();
    const check = (): void => {
      const meta = this.meta.get(id);
      const terminal = this.terminals_.get(id);
      if (!meta || !terminal || meta.promptDelivered || !terminal.isRunning) return;
      meta.promptTimer = undefined;
      const now = Date.now();
      const isQuiet = meta.lastOutputAt !== undefined && now - meta.lastOutputAt >= PROMPT_QUIET_MS;
      // A paused agent gets its prompt once it runs again.
      if ((isQuiet || now - startedAt >= PROMPT_MAX_WAIT_MS) && !terminal.isPaused && terminal.write(`${prompt}\r`)) {
        meta.promptDelivered = true;
        this.fanOut({ type: 'prompt', id });
        return;
      }
      meta.promptTimer = setTimeout(check, PROMPT_CHECK_MS);
    };
    const meta = this.meta.get(id);
    if (meta) meta.promptTimer = setTimeout(check, PROMPT_CHECK_MS);
  }

  private clearPrompt(id: string): void {
    const meta = this.meta.get(id);
    if (meta?.promptTimer) clearTimeout(meta.promptTimer);
    if (meta) meta.promptTimer = undefined;
  }

  private fanOut(event: TerminalEvent): void {
    const meta = this.meta.get(event.id);
    if (meta) {
      if (event.type === 'output') meta.lastOutputAt = Date.now();
      else if (event.type === 'exit') {
        meta.exit = { code: event.code, signal: event.signal };
        this.clearPrompt(event.id);
      } else if (event.type === 'failed') {
        meta.failure = event.reason;
        this.clearPrompt(event.id);
      }
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A failing listener must not stop the others nor the PTY pipeline that called us:
        // rethrow outside this call stack so it still surfaces as an uncaught error.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * Write down what a pause is about to stop. A pause whose processes cannot be written down is
 * refused (a host killed during it would leave them stopped); clearing the record after a resume
 * cannot fail the resume.
 */
const recordStopped = async (ledger: PauseLedger, id: string, stopped: readonly StoppedProcess[], agentPid: number | undefined): Promise<void> => {
  if (stopped.length === 0) return ledger.set(id, []).catch(() => undefined);
  await ledger.set(id, stopped, agentPid).catch((error: unknown) => {
    throw new LanesError(`cannot write down the processes to pause in ${ledger.path}: ${error instanceof Error ? error.message : String(error)}`);
  });
};
