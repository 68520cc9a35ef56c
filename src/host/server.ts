import type { Server, Socket } from 'node:net';
import { ProtocolError } from '../protocol/framing.js';
import { clientMessageSchema, helloSchema, HELLO_TIMEOUT_MS, PROTOCOL_VERSION, type ClientMessage, type HostStatus } from '../protocol/messages.js';
import type { TerminalEvent } from '../term/types.js';
import { ClientLink } from './client-link.js';
import type { LocalHost } from './local-host.js';

export interface HostServerOptions {
  version: string;
  /** The host's own start time (its identity with the pid). */
  startTime: number;
  log: (line: string) => void;
  /** Nothing left to hold: no agent runs and no client is attached. */
  onIdle: () => void;
  /** Stopped by a client: every agent has ended; the host ends now. */
  onStopped: () => void;
  /** `lanes host stop` began: no new client from here on (one that comes starts the next host). */
  onStopping?: () => void;
}

/** The stable core: what a client of another protocol version may still ask. */
const STABLE = new Set(['status', 'stop']);

/**
 * Serves the terminals of a {@link LocalHost} to clients on a socket: the handshake, requests and
 * their replies, events, and each UI client's frames (see ClientLink). Holds only terminals: no
 * git, no watching, no rendering.
 *
 * The size rule when several UIs show one lane at different sizes: the terminal takes the size of
 * the client that was active last (attached, resized, or typed into any lane, like tmux's
 * `window-size latest`); when that one leaves, the next most recently active one's.
 */
export class HostServer {
  private readonly clients = new Set<ClientLink>();
  private readonly startedAt = new Date().toISOString();
  private isStopping = false;

  constructor(
    private readonly terminals: LocalHost,
    private readonly options: HostServerOptions,
  ) {
    terminals.onEvent((event) => this.onTerminalEvent(event));
  }

  /** Serve the clients of `server`. */
  listen(server: Server): void {
    server.on('connection', (socket) => this.accept(socket));
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Whether the host holds nothing worth staying for. */
  get isIdle(): boolean {
    return this.clients.size === 0 && this.terminals.terminals().every((info) => info.state !== 'running' && info.state !== 'starting');
  }

  status(): HostStatus {
    return {
      pid: process.pid,
      startTime: this.options.startTime,
      startedAt: this.startedAt,
      version: this.options.version,
      protocol: PROTOCOL_VERSION,
      clients: this.clients.size,
      terminals: this.terminals.terminals(),
    };
  }

  /** Say goodbye to every client (the host ends). */
  farewell(reason: string): void {
    for (const client of this.clients) {
      // A client still in its handshake is only closed: to it this host is gone, not a stranger.
      if (client.hello !== undefined) client.send({ t: 'bye', reason });
      client.close();
      client.socket.end();
    }
  }

  private accept(socket: Socket): void {
    const client = new ClientLink(socket, this.terminals);
    this.clients.add(client);
    // Half a handshake, or none: the connection is closed, the host goes on.
    const helloTimer = setTimeout(() => {
      if (!client.hello) socket.destroy();
    }, HELLO_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => {
      let messages: unknown[];
      try {
        messages = client.decoder.push(chunk);
      } catch (error) {
        this.options.log(`client dropped: ${error instanceof ProtocolError ? error.message : String(error)}`);
        socket.destroy();
        return;
      }
      for (const message of messages) {
        if (socket.destroyed) return;
        this.receive(client, message);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(helloTimer);
      client.close();
      this.clients.delete(client);
      this.handOverSizes(client);
      if (this.isIdle) this.options.onIdle();
    });
  }

  private receive(client: ClientLink, raw: unknown): void {
    if (!client.hello) {
      const hello = helloSchema.safeParse(raw);
      if (!hello.success) {
        this.options.log('client dropped: its first message is not a hello');
        client.socket.destroy();
        return;
      }
      client.hello = hello.data;
      client.isCompatible = hello.data.protocol === PROTOCOL_VERSION;
      client.lastActiveAt = Date.now();
      const terminals = this.terminals.terminals();
      client.send({
        t: 'welcome',
        protocol: PROTOCOL_VERSION,
        version: this.options.version,
        pid: process.pid,
        terminals,
        ...(client.isCompatible ? {} : { refused: `this host speaks protocol ${PROTOCOL_VERSION}, the client ${hello.data.protocol}` }),
      });
      if (client.isUi) client.changedAll(terminals.map((info) => info.id));
      return;
    }
    const parsed = clientMessageSchema.safeParse(raw);
    if (!parsed.success || (!client.isCompatible && !STABLE.has(parsed.data.t))) {
      // A request with an id still gets its answer, so the client is not left waiting.
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number') client.send({ t: 'reply', id, ok: false, error: 'unknown or malformed request' });
      else this.options.log('client sent a malformed message');
      return;
    }
    void this.handle(client, parsed.data).catch((error: unknown) => {
      const id = 'id' in parsed.data ? parsed.data.id : undefined;
      const text = error instanceof Error ? error.message : String(error);
      if (typeof id === 'number') client.send({ t: 'reply', id, ok: false, error: text });
      else this.options.log(`request ${parsed.data.t} failed: ${text}`);
    });
  }

  private async handle(client: ClientLink, message: ClientMessage): Promise<void> {
    const reply = (id: number, value: unknown): void => client.send({ t: 'reply', id, ok: true, value });
    switch (message.t) {
      case 'status':
        return reply(message.id, this.status());
      case 'stop':
        return this.stop(client, message.id);
      case 'spawn': {
        const { request } = message;
        client.sizes.set(request.id, { cols: request.cols, rows: request.rows });
        client.lastActiveAt = Date.now();
        const started = await this.terminals.spawn(request);
        this.announce(request.id);
        for (const other of this.clients) other.changed(request.id);
        return reply(message.id, { started });
      }
      case 'write': {
        if (client.lastActiveAt < this.latestActivity()) this.activate(client);
        client.lastActiveAt = Date.now();
        client.typed(message.lane);
        const written = this.terminals.write(message.lane, message.data);
        if (message.id !== undefined) reply(message.id, { written });
        return;
      }
      case 'resize': {
        client.sizes.set(message.lane, { cols: message.cols, rows: message.rows });
        client.lastActiveAt = Date.now();
        this.terminals.resize(message.lane, message.cols, message.rows);
        // The screen changed size: every UI gets it, whether the agent redraws or not.
        for (const other of this.clients) other.changed(message.lane);
        return;
      }
      case 'view':
        client.view(message.lane, message.offset);
        return;
      case 'shown':
        client.show(message.lanes, message.focus);
        return;
      case 'pause':
        await this.terminals.pause(message.lane);
        return reply(message.id, { paused: this.terminals.isPaused(message.lane) });
      case 'resume':
        await this.terminals.resume(message.lane);
        return reply(message.id, { paused: this.terminals.isPaused(message.lane) });
      case 'signal':
        this.terminals.signal(message.lane, message.signal as NodeJS.Signals);
        return;
      case 'kill':
        await this.terminals.kill(message.lane);
        return reply(message.id, {});
      case 'release': {
        this.terminals.release(message.lane);
        for (const other of this.clients) {
          other.forget(message.lane);
          if (other.isUi) other.send({ t: 'gone', lane: message.lane });
        }
        reply(message.id, {});
        if (this.isIdle) this.options.onIdle();
        return;
      }
      case 'tree':
        return reply(message.id, { processes: await this.terminals.processTree(message.lane) });
    }
  }

  /** End every agent (their whole trees, paused ones resumed), answer, then the host ends. */
  private async stop(client: ClientLink, id: number): Promise<void> {
    if (this.isStopping) return client.send({ t: 'reply', id, ok: false, error: 'the host is already stopping' });
    this.isStopping = true;
    this.options.onStopping?.();
    const ended = this.terminals.running().length;
    this.options.log(`stop asked by a client: ending ${ended} agent(s)`);
    await this.terminals.dispose();
    client.send({ t: 'reply', id, ok: true, value: { ended } });
    this.farewell('stopped');
    this.options.onStopped();
  }

  private latestActivity(): number {
    return Math.max(0, ...[...this.clients].map((c) => c.lastActiveAt));
  }

  /** `client` becomes the active one: every lane takes its sizes. */
  private activate(client: ClientLink): void {
    for (const [lane, size] of client.sizes) {
      this.terminals.resize(lane, size.cols, size.rows);
      for (const other of this.clients) other.changed(lane);
    }
  }

  /** The active client left: the most recently active of the others sets the sizes. */
  private handOverSizes(gone: ClientLink): void {
    const next = [...this.clients].filter((c) => c.isUi).sort((a, b) => b.lastActiveAt - a.lastActiveAt)[0];
    if (next && gone.lastActiveAt >= next.lastActiveAt) this.activate(next);
  }

  /** A terminal's state changed: every UI client hears of it. */
  private announce(lane: string): void {
    const info = this.terminals.info(lane);
    if (!info) return;
    for (const client of this.clients) if (client.isUi) client.send({ t: 'terminal', info });
  }

  private onTerminalEvent(event: TerminalEvent): void {
    if (event.type === 'output') {
      for (const client of this.clients) client.changed(event.id);
      return;
    }
    if (event.type === 'lost') return;
    for (const client of this.clients) {
      if (!client.isUi) continue;
      // The last screen before an exit goes out first.
      if (event.type === 'exit' || event.type === 'failed') client.changed(event.id);
      client.event(event);
    }
    if (event.type === 'exit' || event.type === 'failed' || event.type === 'paused' || event.type === 'prompt') this.announce(event.id);
    if ((event.type === 'exit' || event.type === 'failed') && this.isIdle) this.options.onIdle();
  }
}
