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
/** Frame rate of lanes a client shows but has not in focus (they share one cadence). */
const BACKGROUND_FPS = 10;
/**
 * Frame rate of lanes a client does not show (another page, a zoomed pane, a full-screen dialog):
 * enough for the client's status rules, which read the bottom of every lane's screen.
 */
const HIDDEN_FPS = 1;
/** A lane due this soon goes out with the frames being sent now (one write, not two). */
const ALIGN_MS = 8;

/** Lanes of one rate class share when they were last sent: their frames go out together. */
type RateClass = 'focus' | 'background' | 'hidden';

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
  /** When the pending timer fires. */
  private timerAt = Infinity;
  private immediate: NodeJS.Immediate | undefined;
  /** When frames of each rate class last went out. */
  private readonly sentAt = new Map<RateClass, number>();
  /** Lanes whose frame goes out at once (a new view, a lane shown again, a drain). */
  private readonly urgent = new Set<string>();
  /** The lanes this client shows (undefined: it did not say, and all count as in focus). */
  private shown: ReadonlySet<string> | undefined;
  private focus: string | undefined;
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
      for (const lane of this.dirty) this.urgent.add(lane);
      this.schedule();
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
    if (this.immediate === undefined) this.schedule();
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
    this.urgent.add(lane);
    this.schedule();
  }

  /**
   * The lanes this client shows and the one in its focus: the focused lane gets frames at the
   * client's rate, the other shown ones at {@link BACKGROUND_FPS}, the rest at {@link HIDDEN_FPS}.
   * A lane shown again gets its screen at once.
   */
  show(lanes: readonly string[], focus: string | undefined): void {
    const before = this.shown;
    this.shown = new Set(lanes);
    const wasFocus = this.focus;
    this.focus = focus;
    for (const lane of this.dirty) {
      const isNew = (before !== undefined && !before.has(lane) && this.shown.has(lane)) || (lane === focus && lane !== wasFocus);
      if (isNew) this.urgent.add(lane);
    }
    this.schedule();
  }

  /** The lane was released: forget what this client had of it. */
  forget(lane: string): void {
    this.told.delete(lane);
    this.views.delete(lane);
    this.dirty.delete(lane);
    this.urgent.delete(lane);
    this.echoUntil.delete(lane);
    this.sizes.delete(lane);
  }

  close(): void {
    this.isClosed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.timerAt = Infinity;
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

  private rateClassOf(lane: string): RateClass {
    if (this.shown === undefined || lane === this.focus) return 'focus';
    return this.shown.has(lane) ? 'background' : 'hidden';
  }

  private periodOf(rateClass: RateClass): number {
    const fps = this.hello?.fps ?? DEFAULT_FPS;
    if (rateClass === 'focus') return 1000 / fps;
    return 1000 / Math.min(fps, rateClass === 'background' ? BACKGROUND_FPS : HIDDEN_FPS);
  }

  /** When a changed lane's next frame is due: at once for an echo or an urgent one. */
  private dueAt(lane: string, now: number): number {
    if (this.urgent.has(lane) || (this.echoUntil.get(lane) ?? 0) > now) return now;
    const rateClass = this.rateClassOf(lane);
    return (this.sentAt.get(rateClass) ?? -Infinity) + this.periodOf(rateClass);
  }

  /**
   * Frames go out on the leading edge (at once when none of the lane's rate class went out in the
   * last period of that class) and at most at that rate; at once for an echo; never while the
   * socket is behind.
   */
  private schedule(): void {
    if (this.isClosed || this.isBlocked || this.dirty.size === 0 || this.immediate !== undefined) return;
    const now = Date.now();
    let next = Infinity;
    for (const lane of this.dirty) next = Math.min(next, this.dueAt(lane, now));
    if (next <= now) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = Infinity;
      // Within this turn of the event loop more output may arrive: one frame for all of it.
      this.immediate = setImmediate(() => this.flush());
      return;
    }
    if (this.timer && this.timerAt <= next) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.flush(), next - now);
  }

  /** Every lane that is due goes out, all in one write. */
  private flush(): void {
    this.immediate = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.isClosed || this.isBlocked) return;
    const now = Date.now();
    const parts: Buffer[] = [];
    const sentClasses = new Set<RateClass>();
    for (const lane of this.dirty) {
      if (this.dueAt(lane, now) > now + ALIGN_MS) continue;
      this.dirty.delete(lane);
      this.urgent.delete(lane);
      sentClasses.add(this.rateClassOf(lane));
      const message = this.frameMessage(lane);
      if (!message) continue;
      if (!this.told.has(lane)) {
        const info = this.terminals.info(lane);
        if (info) {
          this.told.add(lane);
          parts.push(encodeFrame({ t: 'terminal', info }));
        }
      }
      parts.push(encodeFrame(message));
    }
    for (const rateClass of sentClasses) this.sentAt.set(rateClass, now);
    if (parts.length > 0 && !this.socket.destroyed) this.socket.write(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
    // Behind: the rest waits for the drain, and gets the screens as they are then.
    if (this.socket.writableLength > HIGH_WATER_BYTES) this.isBlocked = true;
    else this.schedule();
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
    if (sent.lines === frame.lines) return { ...base, changed };
    // A screen that scrolled is sent as the scroll and the rows that came in, not every row.
    const scroll = scrollOf(sent.lines, frame.lines);
    for (let row = 0; row < frame.lines.length; row++) {
      const line = frame.lines[row] as string;
      if (line !== sent.lines[row + scroll]) changed.push([row, line]);
    }
    return scroll > 0 ? { ...base, scroll, changed } : { ...base, changed };
  }
}

/** How many candidate scroll amounts scrollOf tries at most (blank rows match many). */
const MAX_SCROLL_TRIES = 4;

/**
 * By how many rows `next` is `previous` scrolled up, when that explains at least two more rows
 * than "nothing moved" does; 0 otherwise. Rows are compared as strings: an unchanged row is often
 * the identical string, and two different rows differ early.
 */
export const scrollOf = (previous: readonly string[], next: readonly string[]): number => {
  const rows = next.length;
  if (previous.length !== rows || rows < 3) return 0;
  let still = 0;
  for (let row = 0; row < rows; row++) if (next[row] === previous[row]) still++;
  let best = 0;
  let bestMatches = still + 1;
  let tries = 0;
  for (let shift = 1; shift < rows - 1 && tries < MAX_SCROLL_TRIES; shift++) {
    if (next[0] !== previous[shift]) continue;
    tries++;
    let matches = 0;
    for (let row = 0; row + shift < rows; row++) if (next[row] === previous[row + shift]) matches++;
    if (matches > bestMatches) {
      best = shift;
      bestMatches = matches;
      // Every row that could match does: no smaller change exists.
      if (matches === rows - shift) break;
    }
  }
  return best;
};
