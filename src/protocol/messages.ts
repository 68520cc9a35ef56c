import { z } from 'zod';

/**
 * The messages between the lanes host and its clients (the UI, the command line). Both sides import
 * this module; the host checks every message a client sends against the schemas below and closes
 * the connection of a client that sends anything else.
 *
 * Compatibility: `hello`, `welcome`, `status` and `stop` are the stable core. Their shape never
 * changes between versions, so a lanes of any version can learn what runs and stop it. Everything
 * else belongs to {@link PROTOCOL_VERSION}: a client whose version differs is told so in the
 * `welcome` and gets nothing but the stable core.
 */
export const PROTOCOL_VERSION = 2;

const lane = z.string().min(1).max(200);
const requestId = z.number().int().nonnegative();
const size = z.number().int().min(1).max(10_000);

/** What a client says first. `fps`: how many frames a second it paints at most (config maxFps). */
export const helloSchema = z.object({
  t: z.literal('hello'),
  protocol: z.number().int(),
  version: z.string().max(100),
  role: z.enum(['ui', 'cli']),
  fps: z.number().int().min(1).max(240).optional(),
});
export type Hello = z.infer<typeof helloSchema>;

/** Everything needed to start one lane's agent (see term/types.ts SpawnRequest). */
export const spawnRequestSchema = z.object({
  id: lane,
  command: z.string().min(1),
  args: z.array(z.string()),
  cwd: z.string().min(1),
  env: z.record(z.string(), z.string()),
  cols: size,
  rows: size,
  scrollback: z.number().int().min(0).max(1_000_000),
  /** Typed into the agent with Enter once it is ready (presets whose prompt mode is `type`). */
  typePrompt: z.string().optional(),
});

const signalName = z.string().regex(/^SIG[A-Z0-9]+$/);

/** Messages a client sends after the handshake. Those with an `id` get exactly one `reply`. */
export const clientMessageSchema = z.discriminatedUnion('t', [
  /** Stable. The host's status: see {@link HostStatus}. */
  z.object({ t: z.literal('status'), id: requestId }),
  /** Stable. End every agent (whole trees, paused ones resumed first), reply, then end the host. */
  z.object({ t: z.literal('stop'), id: requestId }),
  /** Start an agent; the value is `{ started }`: false when one already runs in that lane (never two). */
  z.object({ t: z.literal('spawn'), id: requestId, request: spawnRequestSchema }),
  /**
   * Input for a lane's agent, written at once. With an `id`, the value is `{ written }`: false when
   * no agent runs there or it is paused (input is never queued for a paused agent).
   */
  z.object({ t: z.literal('write'), id: requestId.optional(), lane, data: z.string().max(8 * 1024 * 1024) }),
  /** This client's size for a lane's terminal (see the size rule in host/server.ts). */
  z.object({ t: z.literal('resize'), lane, cols: size, rows: size }),
  /** Show this client the lane `offset` rows back in its history (0 = live). */
  z.object({ t: z.literal('view'), lane, offset: z.number().int().min(0).max(10_000_000) }),
  /**
   * The lanes this client shows and the one in its focus (see host/client-link.ts: the focused
   * lane's frames come at the client's rate, other shown lanes' at 10 a second, the rest at 1).
   */
  z.object({ t: z.literal('shown'), lanes: z.array(lane).max(10_000), focus: lane.optional() }),
  z.object({ t: z.literal('pause'), id: requestId, lane }),
  z.object({ t: z.literal('resume'), id: requestId, lane }),
  z.object({ t: z.literal('signal'), lane, signal: signalName }),
  /** End a lane's agent and its whole tree; replies once it exited. */
  z.object({ t: z.literal('kill'), id: requestId, lane }),
  /** Forget a lane whose agent has exited (its screen and history go). */
  z.object({ t: z.literal('release'), id: requestId, lane }),
  /** The lane's processes as pid and start time (teardown ends exactly these). */
  z.object({ t: z.literal('tree'), id: requestId, lane }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** What the host knows of one lane's terminal. */
export interface TerminalInfo {
  id: string;
  state: 'starting' | 'running' | 'exited' | 'failed';
  /** The agent's pid and start time (clock ticks since boot), while it runs. */
  pid?: number;
  startTime?: number;
  isPaused: boolean;
  exit?: { code: number; signal: number };
  failure?: string;
  command: string;
  cwd: string;
  /** When the agent was started (milliseconds since the epoch). */
  startedAt: number;
  /** A prompt to type was typed (or there was none). */
  promptDelivered: boolean;
  /** The agent asked for bracketed paste (DEC 2004): a multi-line text is sent as one paste. */
  bracketedPaste: boolean;
  cols: number;
  rows: number;
}

/** The answer to `status`. Stable. */
export interface HostStatus {
  pid: number;
  /** The host's start time in clock ticks since boot (its identity with the pid). */
  startTime: number;
  startedAt: string;
  version: string;
  protocol: number;
  clients: number;
  terminals: TerminalInfo[];
}

/** The host's answer to `hello`. Stable. `refused` says why nothing but the stable core follows. */
export interface Welcome {
  t: 'welcome';
  protocol: number;
  version: string;
  pid: number;
  terminals: TerminalInfo[];
  refused?: string;
}

/** The styled rows of a screen as they changed, for one client (see host/client-link.ts). */
export interface FrameMessage {
  t: 'frame';
  lane: string;
  cols: number;
  rows: number;
  cursor: { x: number; y: number; visible: boolean };
  scrollOffset: number;
  historyRows: number;
  isAlternateScreen: boolean;
  modes: {
    bracketedPaste: boolean;
    applicationCursorKeys: boolean;
    mouseTracking: 'none' | 'x10' | 'vt200' | 'drag' | 'any';
    isAlternateScreen: boolean;
    isSynchronizedOutput: boolean;
  };
  /** Every row (a client that had nothing of this lane, or a new size) … */
  lines?: string[];
  /**
   * … or the rows of the last frame this client got moved up by `scroll` rows (the screen
   * scrolled; the rows that come in at the bottom are in `changed`) …
   */
  scroll?: number;
  /** … and the rows that changed since that frame (after `scroll`), as [row, text]. */
  changed?: Array<[number, string]>;
}

/** Messages the host sends. */
export type HostMessage =
  | Welcome
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string }
  /** A terminal event (output is not sent: frames are). See term/types.ts TerminalEvent. */
  | { t: 'event'; event: HostTerminalEvent }
  | FrameMessage
  /** A terminal's state changed (started, exited, paused, resumed). */
  | { t: 'terminal'; info: TerminalInfo }
  /** A lane's terminal was released. */
  | { t: 'gone'; lane: string }
  /** The host ends (stopped, or signalled); the connection closes next. */
  | { t: 'bye'; reason: string };

export type HostTerminalEvent =
  | { type: 'bell'; id: string }
  | { type: 'title'; id: string; title: string }
  | { type: 'exit'; id: string; code: number; signal: number }
  | { type: 'failed'; id: string; reason: string }
  | { type: 'paused'; id: string; paused: boolean }
  | { type: 'prompt'; id: string };

/** How long a host waits for a client's hello before closing the connection. */
export const HELLO_TIMEOUT_MS = 5_000;
