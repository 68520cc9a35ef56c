import type { ScreenFrame } from '../core/screen.js';
import { LanesError } from '../core/errors.js';
import { LaneTerminal } from '../term/lane-terminal.js';
import { PauseLedger } from '../term/pause-ledger.js';
import type { ProcessIdentity, StoppedProcess } from '../term/process-tree.js';
import type { Disposable, SpawnRequest, TerminalEvent, TerminalHost, TerminalModes } from '../term/types.js';

/**
 * The in-process terminal host: the agents' PTYs and screens live in the UI process. Simple and
 * fast, but the agents end with the UI (the background host of SPEC §8 keeps them alive).
 */
export class LocalHost implements TerminalHost {
  private readonly terminals = new Map<string, LaneTerminal>();
  private readonly listeners = new Set<(event: TerminalEvent) => void>();
  private isDisposed = false;

  /** `ledger`: where the processes paused agents have stopped are written down (see PauseLedger). */
  constructor(private readonly ledger?: PauseLedger) {}

  async spawn(request: SpawnRequest): Promise<void> {
    if (this.isDisposed) throw new LanesError('the terminal host was shut down');
    const existing = this.terminals.get(request.id);
    if (existing !== undefined && (existing.isRunning || existing.isStarting)) throw new LanesError(`an agent is already running in lane ${request.id}`);
    existing?.dispose();
    const { ledger } = this;
    const terminal = new LaneTerminal(request, (event) => this.fanOut(event), ledger ? { onStopped: (stopped, agentPid) => recordStopped(ledger, request.id, stopped, agentPid) } : {});
    this.terminals.set(request.id, terminal);
    await terminal.start();
  }

  write(id: string, data: string): boolean {
    return this.terminals.get(id)?.write(data) ?? false;
  }

  resize(id: string, cols: number, rows: number): void {
    this.terminals.get(id)?.resize(cols, rows);
  }

  async pause(id: string): Promise<void> {
    await this.terminals.get(id)?.pause();
  }

  async resume(id: string): Promise<void> {
    await this.terminals.get(id)?.resume();
  }

  isPaused(id: string): boolean {
    return this.terminals.get(id)?.isPaused ?? false;
  }

  signal(id: string, signal: NodeJS.Signals): void {
    this.terminals.get(id)?.signal(signal);
  }

  async kill(id: string): Promise<void> {
    await this.terminals.get(id)?.kill();
  }

  release(id: string): void {
    const terminal = this.terminals.get(id);
    if (terminal === undefined) return;
    if (terminal.isRunning) throw new LanesError(`the agent in lane ${id} is still running`);
    terminal.dispose();
    this.terminals.delete(id);
  }

  frame(id: string, scrollOffset = 0): ScreenFrame | undefined {
    return this.terminals.get(id)?.frame(scrollOffset);
  }

  modes(id: string): TerminalModes | undefined {
    return this.terminals.get(id)?.modes();
  }

  onEvent(listener: (event: TerminalEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async processTree(id: string): Promise<ProcessIdentity[]> {
    return (await this.terminals.get(id)?.processTree()) ?? [];
  }

  running(): string[] {
    return [...this.terminals.values()].filter((terminal) => terminal.isRunning).map((terminal) => terminal.id);
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    const terminals = [...this.terminals.values()];
    await Promise.all(terminals.map((terminal) => terminal.kill()));
    for (const terminal of terminals) terminal.dispose();
    this.terminals.clear();
    this.listeners.clear();
  }

  /** The terminal of `id`, for tests and the bench (flow statistics). */
  pid(id: string): number | undefined {
    return this.terminals.get(id)?.pid;
  }

  terminal(id: string): LaneTerminal | undefined {
    return this.terminals.get(id);
  }

  private fanOut(event: TerminalEvent): void {
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
 * refused (a UI killed during it would leave them stopped); clearing the record after a resume
 * cannot fail the resume.
 */
const recordStopped = async (ledger: PauseLedger, id: string, stopped: readonly StoppedProcess[], agentPid: number | undefined): Promise<void> => {
  if (stopped.length === 0) return ledger.set(id, []).catch(() => undefined);
  await ledger.set(id, stopped, agentPid).catch((error: unknown) => {
    throw new LanesError(`cannot write down the processes to pause in ${ledger.path}: ${error instanceof Error ? error.message : String(error)}`);
  });
};

/** The host of the UI, with the launcher's pause ledger when it gave one. */
export const createLocalHost = (): TerminalHost => new LocalHost(PauseLedger.claimed());
