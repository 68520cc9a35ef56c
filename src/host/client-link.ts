import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import type { FrameMessage, Hello, HostMessage, HostTerminalEvent } from '../protocol/messages.js';
import type { LocalHost } from './local-host.js';

/**
 * A client whose socket holds more than this unsent is behind: it gets no frames until the socket
 * drains, and then the current screens. The host keeps screens, never a backlog, so a frozen
 * client (a UI stopped with Ctrl-Z, a stalled SSH session) costs at most this much memory.
 */
const HIGH_WATER_BYTES = 256 * 1024;
/** Frames follow a client's keys at once for this long (the echo must not wait for a frame slot). */
const ECHO_WINDOW_MS = 150;
/** Frame rate for a client that did not say (the default maxFps). */
const DEFAULT_FPS = 30;

interface View {
  /** Rows back into history (0 = live). */
  offset: number;
  /** What this client has of the lane: the frame the next one is compared with. */
  sent: { cols: number; rows: number; lines: string[] } | undefined;
}

/**
 * One connected client, as the host sees it: its socket, its decoder, what it has of every screen,
 * its sizes for the size rule, and when it gets its next frames. Each client is sent the difference
 * from what it last received, at its own pace, so a slow one never slows another or the agents.
 */
export class ClientLink {
  readonly decoder = new FrameDecoder();
  hello: Hello | undefined;
  /** The protocol matched: more than the stable core is served. */
  isCompatible = false;
  /** The last time the person at this client did something (typed, resized, attached). */
  lastActiveAt = 0;
  /** This client's terminal size for each lane (the size rule). */
  readonly sizes = new Map<string, { cols: number; rows: number }>();
  private readonly views = new Map<string, View>();
  private readonly dirty = new Set<string>();
  private readonly echoUntil = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private lastFlushAt = 0;
  private isBlocked = false;
  private isClosed = false;
  /** Lanes whose terminal state this client has been told (a frame never comes before it). */
  private readonly told = new Set<string>();
  /**
   * Terminal events held while the client is behind: the latest of each kind per lane (a title
   * that changed a thousand times is one title, a thousand bells are one), sent on the drain.
   */
  private readonly heldEvents = new Map<string, HostTerminalEvent>();

  constructor(
    readonly socket: Socket,
    private readonly terminals: LocalHost,
  ) {
    socket.on('drain', () => {
      this.isBlocked = false;
      const held = [...this.heldEvents.values()];
      this.heldEvents.clear();
      for (const event of held) this.send({ t: 'event', event });
      this.schedule(true);
    });
  }

  /** A UI client: it gets frames and events. */
  get isUi(): boolean {
    return this.isCompatible && this.hello?.role === 'ui';
  }

  /** Send one message (dropped once the connection is closed). */
  send(message: HostMessage): void {
    if (this.isClosed || this.socket.destroyed) return;
    if (message.t === 'terminal') this.told.add(message.info.id);
    this.socket.write(encodeFrame(message));
  }

  /** A terminal event for this client: sent at once, or held (coalesced) while it is behind. */
  event(event: HostTerminalEvent): void {
    if (!this.isUi) return;
    if (this.isBlocked || this.socket.writableLength > HIGH_WATER_BYTES) {
      this.isBlocked = true;
      const key = `${event.type}:${event.id}`;
      this.heldEvents.delete(key);
      this.heldEvents.set(key, event);
      return;
    }
    this.send({ t: 'event', event });
  }

  /** A lane's screen changed: this client gets it with its next frames. */
  changed(lane: string): void {
    if (!this.isUi) return;
    this.dirty.add(lane);
    this.schedule((this.echoUntil.get(lane) ?? 0) > Date.now());
  }

  /** Every screen, whole (after attaching). */
  changedAll(lanes: readonly string[]): void {
    for (const lane of lanes) this.changed(lane);
  }

  /** The client typed into a lane: its echo is sent at once. */
  typed(lane: string): void {
    this.echoUntil.set(lane, Date.now() + ECHO_WINDOW_MS);
  }

  /** Show this client the lane `offset` rows back in history. */
  view(lane: string, offset: number): void {
    const view = this.viewOf(lane);
    if (view.offset === offset) return;
    view.offset = offset;
    this.dirty.add(lane);
    this.schedule(true);
  }

  /** The lane was released: forget what this client had of it. */
  forget(lane: string): void {
    this.told.delete(lane);
    this.views.delete(lane);
    this.dirty.delete(lane);
    this.echoUntil.delete(lane);
    this.sizes.delete(lane);
  }

  close(): void {
    this.isClosed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private viewOf(lane: string): View {
    let view = this.views.get(lane);
    if (!view) {
      view = { offset: 0, sent: undefined };
      this.views.set(lane, view);
    }
    return view;
  }

  /**
   * Frames go out on the leading edge (at once when none went out in the last frame period) and at
   * most `fps` times a second; at once for an echo; never while the socket is behind.
   */
  private schedule(isUrgent: boolean): void {
    if (this.isClosed || this.isBlocked || this.dirty.size === 0) return;
    const period = 1000 / (this.hello?.fps ?? DEFAULT_FPS);
    const wait = this.lastFlushAt + period - Date.now();
    if (isUrgent || wait <= 0) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      // Within this turn of the event loop more output may arrive: one frame for all of it.
      this.immediate ??= setImmediate(() => this.flush());
      return;
    }
    this.timer ??= setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.immediate = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.isClosed || this.isBlocked) return;
    this.lastFlushAt = Date.now();
    for (const lane of [...this.dirty]) {
      this.dirty.delete(lane);
      const message = this.frameMessage(lane);
      if (message && !this.told.has(lane)) {
        const info = this.terminals.info(lane);
        if (info) this.send({ t: 'terminal', info });
      }
      if (message) this.send(message);
      if (this.socket.writableLength > HIGH_WATER_BYTES) {
        // Behind: the rest waits for the drain, and gets the screens as they are then.
        this.isBlocked = true;
        return;
      }
    }
  }

  /** The lane's frame as a difference from what this client has (undefined: nothing changed). */
  private frameMessage(lane: string): FrameMessage | undefined {
    const view = this.viewOf(lane);
    const frame = this.terminals.frame(lane, view.offset);
    const modes = this.terminals.modes(lane);
    if (!frame || !modes) return undefined;
    const { sent } = view;
    const base = {
      t: 'frame' as const,
      lane,
      cols: frame.cols,
      rows: frame.rows,
      cursor: frame.cursor,
      scrollOffset: frame.scrollOffset,
      historyRows: frame.historyRows,
      isAlternateScreen: frame.isAlternateScreen,
      modes,
    };
    view.sent = { cols: frame.cols, rows: frame.rows, lines: frame.lines };
    if (!sent || sent.cols !== frame.cols || sent.rows !== frame.rows || sent.lines.length !== frame.lines.length) return { ...base, lines: frame.lines };
    const changed: Array<[number, string]> = [];
    if (sent.lines !== frame.lines) {
      for (let row = 0; row < frame.lines.length; row++) {
        const line = frame.lines[row] as string;
        if (line !== sent.lines[row]) changed.push([row, line]);
      }
    }
    return { ...base, changed };
  }
}
