import type { ScreenFrame } from '../core/screen.js';
import type { TerminalInfo } from '../protocol/messages.js';
import type { ProcessIdentity } from './process-tree.js';

export type { TerminalInfo } from '../protocol/messages.js';

/** Everything needed to start one lane's agent in a terminal. Plain data (crosses a socket in §8). */
export interface SpawnRequest {
  /** Terminal id; the lane name. */
  id: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  /** Lines of history kept above the screen (config `scrollback`). */
  scrollback: number;
  /**
   * A first prompt typed (with Enter) once the agent is ready: after its first output and a short
   * quiet, or after a while in any case; never while it is paused. A `prompt` event follows.
   */
  typePrompt?: string;
}

/** Events a terminal host reports. Plain data. */
export type TerminalEvent =
  /** New output was parsed into the screen; the frame of `id` changed. */
  | { type: 'output'; id: string }
  /** The agent rang the bell. */
  | { type: 'bell'; id: string }
  /** The agent set its window title (control characters already removed). */
  | { type: 'title'; id: string; title: string }
  /** The agent's process exited. */
  | { type: 'exit'; id: string; code: number; signal: number }
  /** The agent could not be started (e.g. command not found). */
  | { type: 'failed'; id: string; reason: string }
  /** The agent's process tree was stopped (true) or runs again (false). */
  | { type: 'paused'; id: string; paused: boolean }
  /** The first prompt of the spawn request was typed. */
  | { type: 'prompt'; id: string }
  /** The terminal is out of reach: the host holding it ended. Its agent is gone with it. */
  | { type: 'lost'; id: string };

export interface Disposable {
  dispose(): void;
}

/**
 * The one small interface behind which lanes keeps its agents' terminals. `LocalHost` implements
 * it in the process that holds the PTYs (the lanes host); `RemoteHost` implements it in the UI over
 * the host's socket. Commands go out at once and never wait for an answer on the caller's event
 * loop; the reads (`frame`, `modes`, `isPaused`, `pid`, `running`, `terminals`) answer from what
 * the host last reported, which for `RemoteHost` is a mirror the host keeps up to date.
 */
export interface TerminalHost {
  /**
   * Start an agent. Resolves when the process runs (true), or with false when an agent already
   * runs in that lane: it is never started twice. A start failure arrives as a `failed` event.
   */
  spawn(request: SpawnRequest): Promise<boolean>;
  /**
   * Write input to the agent's terminal at once (keys, paste). False when it is known to be
   * refused: no such agent running, or it is paused (keys are never queued for a paused agent).
   */
  write(id: string, data: string): boolean;
  /**
   * Resize the terminal (clamped to at least 2×1, the emulator's smallest screen). During a pause
   * the screen takes the size at once and the agent gets it on resume.
   */
  resize(id: string, cols: number, rows: number): void;
  /**
   * Freeze the agent's whole process tree with SIGSTOP (SPEC §9), descendants in their own session
   * included. Resolves once it is stopped; input is refused from the call on. No-op when no agent
   * runs. A `paused` event follows.
   */
  pause(id: string): Promise<void>;
  /** Resume a paused tree with SIGCONT; resolves once it was sent. A `paused` event follows. */
  resume(id: string): Promise<void>;
  /** True from pause() until the tree runs again. */
  isPaused(id: string): boolean;
  /** Send a signal to the agent's process (group). */
  signal(id: string, signal: NodeJS.Signals): void;
  /**
   * End the agent: SIGHUP/SIGTERM, then SIGKILL after a grace period. Resolves once it exited. A
   * paused tree is resumed right after the signals: nothing is left stopped.
   */
  kill(id: string): Promise<void>;
  /** Forget a terminal whose agent has exited, releasing its screen. */
  release(id: string): void;
  /** The lane's current screen, scrolled back `scrollOffset` rows into history (0 = live). */
  frame(id: string, scrollOffset?: number): ScreenFrame | undefined;
  /**
   * Which history offset this client shows the lane at (0 = live). A host across a socket sends
   * frames of that view only, so `frame` answers with it whatever offset is asked.
   */
  view(id: string, scrollOffset: number): void;
  /**
   * The lanes this client shows and the one in focus. A host across a socket sends the focused
   * lane's frames at the full frame rate and the others' less often (hidden ones rarely).
   */
  show(ids: readonly string[], focus: string | undefined): void;
  /** Terminal modes the UI needs to forward input correctly. */
  modes(id: string): TerminalModes | undefined;
  /** Subscribe to events of all terminals. */
  onEvent(listener: (event: TerminalEvent) => void): Disposable;
  /** The agent's process id (its process group), when it runs; for teardown to end its tree. */
  pid(id: string): number | undefined;
  /**
   * The lane's processes, each as pid and start time: the agent, its descendants (setsid'd ones
   * included), its session and whatever carries the lane's environment, also after the agent
   * exited. Empty for an unknown lane. `lanes rm` asks for it (see host/tree-query.ts).
   */
  processTree(id: string): Promise<ProcessIdentity[]>;
  /** Ids of terminals whose agent is running. */
  running(): string[];
  /** What the host holds, running or exited. */
  terminals(): TerminalInfo[];
  /** End every agent (paused ones included, see kill) and release everything. */
  dispose(): Promise<void>;
  /** Let go of the terminals without ending them (the host keeps them); the in-process host ends them. */
  detach(): Promise<void>;
}

export interface TerminalModes {
  bracketedPaste: boolean;
  applicationCursorKeys: boolean;
  /** 'none' when the agent did not ask for mouse events. */
  mouseTracking: 'none' | 'x10' | 'vt200' | 'drag' | 'any';
  isAlternateScreen: boolean;
  /** The agent is inside a synchronized update (DEC 2026): hold painting until it ends. */
  isSynchronizedOutput: boolean;
}
