import type { ScreenFrame } from '../core/screen.js';
import type { ClientMessage, FrameMessage, HostMessage, TerminalInfo } from '../protocol/messages.js';
import type { ProcessIdentity } from '../term/process-tree.js';
import type { Disposable, SpawnRequest, TerminalEvent, TerminalHost, TerminalModes } from '../term/types.js';
import type { HostConnection } from './connection.js';

/** What the UI holds of one of the host's terminals: the mirror the reads answer from. */
interface Mirror {
  info: TerminalInfo;
  frame: ScreenFrame | undefined;
  modes: TerminalModes | undefined;
  /** The history offset this client asked the host to show. */
  viewOffset: number;
}

/**
 * The lanes host seen from the UI: every command goes over the socket at once (keys are never
 * held back for a frame or an answer), and the reads answer from a mirror the host keeps up to
 * date with frames (only the rows that changed) and terminal states. When the host goes away, its
 * terminals become `lost`; the next spawn connects again (starting a host).
 */
export class RemoteHost implements TerminalHost {
  private readonly mirror = new Map<string, Mirror>();
  private readonly listeners = new Set<(event: TerminalEvent) => void>();
  private connection: HostConnection | undefined;
  private connecting: Promise<HostConnection> | undefined;
  private isDetached = false;
  /** What the host was last told this client shows (see show); sent again to a new connection. */
  private shownIds: readonly string[] | undefined;
  private shownMessage: ClientMessage | undefined;
  /** The host went away without being asked (`reason`: how). */
  onLost: (reason: string) => void = () => undefined;

  constructor(
    connection: HostConnection,
    private readonly reconnect: () => Promise<HostConnection>,
  ) {
    this.adopt(connection);
  }

  /** The host's pid (for messages). */
  get hostPid(): number | undefined {
    return this.connection?.welcome.pid;
  }

  async spawn(request: SpawnRequest): Promise<boolean> {
    const connection = await this.live();
    const { started } = await connection.request<{ started: boolean }>({ t: 'spawn', request });
    return started;
  }

  write(id: string, data: string): boolean {
    const entry = this.mirror.get(id);
    if (!this.connection || entry?.info.state !== 'running' || entry.info.isPaused) return false;
    this.connection.send({ t: 'write', lane: id, data });
    return true;
  }

  resize(id: string, cols: number, rows: number): void {
    this.connection?.send({ t: 'resize', lane: id, cols: Math.max(1, Math.floor(cols)), rows: Math.max(1, Math.floor(rows)) });
  }

  async pause(id: string): Promise<void> {
    await this.setPaused(id, 'pause');
  }

  async resume(id: string): Promise<void> {
    await this.setPaused(id, 'resume');
  }

  isPaused(id: string): boolean {
    return this.mirror.get(id)?.info.isPaused ?? false;
  }

  signal(id: string, signal: NodeJS.Signals): void {
    this.connection?.send({ t: 'signal', lane: id, signal });
  }

  async kill(id: string): Promise<void> {
    if (!this.connection) return;
    await this.connection.request({ t: 'kill', lane: id });
  }

  release(id: string): void {
    const entry = this.mirror.get(id);
    if (entry?.info.state === 'running' || entry?.info.state === 'starting') return;
    this.mirror.delete(id);
    this.connection?.request({ t: 'release', lane: id }).catch(() => undefined);
  }

  /** The frame of the view this client shows (see view). */
  frame(id: string): ScreenFrame | undefined {
    return this.mirror.get(id)?.frame;
  }

  view(id: string, scrollOffset: number): void {
    const entry = this.mirror.get(id);
    if (!entry || entry.viewOffset === scrollOffset) return;
    // The host sends the frame at that offset; until it comes, the last one is shown.
    entry.viewOffset = scrollOffset;
    this.connection?.send({ t: 'view', lane: id, offset: scrollOffset });
  }

  show(ids: readonly string[], focus: string | undefined): void {
    // Asked on every paint: the same array and focus as last time is the common case.
    const last = this.shownMessage;
    if (last?.t === 'shown' && last.focus === focus && (ids === this.shownIds || sameNames(last.lanes, ids))) return;
    this.shownIds = ids;
    this.shownMessage = { t: 'shown', lanes: [...ids], ...(focus === undefined ? {} : { focus }) };
    this.connection?.send(this.shownMessage);
  }

  modes(id: string): TerminalModes | undefined {
    return this.mirror.get(id)?.modes;
  }

  onEvent(listener: (event: TerminalEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  pid(id: string): number | undefined {
    const info = this.mirror.get(id)?.info;
    return info?.state === 'running' ? info.pid : undefined;
  }

  async processTree(id: string): Promise<ProcessIdentity[]> {
    if (!this.connection) return [];
    const { processes } = await this.connection.request<{ processes: ProcessIdentity[] }>({ t: 'tree', lane: id });
    return Array.isArray(processes) ? processes : [];
  }

  running(): string[] {
    return [...this.mirror.values()].filter((entry) => entry.info.state === 'running').map((entry) => entry.info.id);
  }

  terminals(): TerminalInfo[] {
    return [...this.mirror.values()].map((entry) => entry.info);
  }

  /** End every agent and the host (the quit dialog's second choice; `lanes host stop`). */
  async dispose(): Promise<void> {
    this.isDetached = true;
    const connection = this.connection;
    this.connection = undefined;
    if (connection) await connection.request({ t: 'stop' }).catch(() => undefined);
    await connection?.close();
    this.listeners.clear();
  }

  /** Let go of the host: the agents go on; `lanes` attaches again. */
  async detach(): Promise<void> {
    this.isDetached = true;
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close();
    this.listeners.clear();
  }

  private async live(): Promise<HostConnection> {
    if (this.connection) return this.connection;
    this.connecting ??= this.reconnect().then(
      (connection) => {
        this.connecting = undefined;
        this.adopt(connection);
        return connection;
      },
      (error: unknown) => {
        this.connecting = undefined;
        throw error;
      },
    );
    return this.connecting;
  }

  private async setPaused(id: string, t: 'pause' | 'resume'): Promise<void> {
    if (!this.connection) return;
    const { paused } = await this.connection.request<{ paused: boolean }>({ t, lane: id });
    const entry = this.mirror.get(id);
    if (entry) entry.info = { ...entry.info, isPaused: paused };
  }

  private adopt(connection: HostConnection): void {
    this.connection = connection;
    this.isDetached = false;
    for (const info of connection.welcome.terminals) this.upsert(info);
    connection.onClose = (reason) => this.lost(connection, reason);
    connection.listen((message) => this.receive(message));
    if (this.shownMessage) connection.send(this.shownMessage);
  }

  private upsert(info: TerminalInfo): void {
    const entry = this.mirror.get(info.id);
    if (entry) entry.info = info;
    else this.mirror.set(info.id, { info, frame: undefined, modes: undefined, viewOffset: 0 });
  }

  private receive(message: HostMessage): void {
    switch (message.t) {
      case 'frame':
        this.applyFrame(message);
        return;
      case 'terminal':
        this.upsert(message.info);
        return;
      case 'gone':
        this.mirror.delete(message.lane);
        return;
      case 'event': {
        const { event } = message;
        const entry = this.mirror.get(event.id);
        if (entry && event.type === 'paused') entry.info = { ...entry.info, isPaused: event.paused };
        if (entry && event.type === 'exit') entry.info = { ...entry.info, state: 'exited', exit: { code: event.code, signal: event.signal }, isPaused: false };
        if (entry && event.type === 'failed') entry.info = { ...entry.info, state: 'failed', failure: event.reason };
        this.emit(event);
        return;
      }
      default:
        return;
    }
  }

  private applyFrame(message: FrameMessage): void {
    let entry = this.mirror.get(message.lane);
    if (!entry) return;
    const previous = entry.frame;
    let lines: string[];
    if (message.lines) lines = message.lines;
    else if (previous && previous.lines.length === message.rows && message.changed) {
      const scroll = message.scroll ?? 0;
      // Unchanged rows stay the identical strings (the compositor skips them).
      if (message.changed.length === 0 && scroll === 0) lines = previous.lines;
      else {
        lines = scroll > 0 ? scrolled(previous.lines, scroll) : previous.lines.slice();
        for (const [row, text] of message.changed) lines[row] = text;
      }
    } else return;
    entry.frame = {
      cols: message.cols,
      rows: message.rows,
      lines,
      cursor: message.cursor,
      scrollOffset: message.scrollOffset,
      historyRows: message.historyRows,
      isAlternateScreen: message.isAlternateScreen,
    };
    entry.modes = message.modes;
    entry = undefined;
    this.emit({ type: 'output', id: message.lane });
  }

  /** The host went away: every terminal it held is gone with it. */
  private lost(connection: HostConnection, reason: string): void {
    if (this.connection !== connection) return;
    this.connection = undefined;
    if (this.isDetached) return;
    for (const entry of this.mirror.values()) {
      if (entry.info.state === 'running' || entry.info.state === 'starting') {
        entry.info = { ...entry.info, state: 'exited', isPaused: false, exit: { code: -1, signal: 0 } };
        this.emit({ type: 'lost', id: entry.info.id });
      }
    }
    this.onLost(reason);
  }

  private emit(event: TerminalEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * Rows moved up by `count` (the screen scrolled): the rows that came in at the bottom start blank
 * until the frame's `changed` rows fill them.
 */
const scrolled = (lines: readonly string[], count: number): string[] => {
  const out = lines.slice(Math.min(count, lines.length));
  while (out.length < lines.length) out.push('');
  return out;
};

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((name, i) => name === b[i]);
