import { createConnection, type Socket } from 'node:net';
import { LanesError } from '../core/errors.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import { PROTOCOL_VERSION, type HostMessage, type Welcome } from '../protocol/messages.js';

/** A host that accepted the connection answers the hello within this long, or it is not usable. */
const WELCOME_TIMEOUT_MS = 5_000;

/** Messages kept for a client that does not listen (yet). */
const MAX_EARLY = 100;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * One client connection to a lanes host: the handshake, requests with their replies, and the other
 * messages (frames, events) handed to `onMessage`. Nothing here blocks: a request is a promise.
 */
/** The host closed the connection before its welcome: it is ending (a caller starts the next one). */
export class HostEndingError extends Error {
  readonly code = 'ELANESHOSTENDING';
  constructor() {
    super('the lanes host closed the connection during the handshake');
  }
}

export class HostConnection {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closedWith: string | undefined;
  private handler: ((message: HostMessage) => void) | undefined;
  /** Messages that arrived before anyone listened. */
  private early: HostMessage[] = [];
  /** The connection ended; `reason` says how (the host said goodbye, or the socket closed). */
  onClose: (reason: string) => void = () => undefined;

  private constructor(
    private readonly socket: Socket,
    readonly welcome: Welcome,
  ) {}

  /**
   * Connect to the socket at `path` and shake hands. Rejects with the socket error (ENOENT,
   * ECONNREFUSED: no host there) or a LanesError when what answers is not a lanes host.
   */
  static open(path: string, options: { role: 'ui' | 'cli'; version: string; fps?: number }): Promise<HostConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      const decoder = new FrameDecoder();
      let isSettled = false;
      const fail = (error: Error): void => {
        if (isSettled) return;
        isSettled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new LanesError('the lanes host does not answer', { hint: 'lanes host status says what runs; lanes host stop --yes ends it' })), WELCOME_TIMEOUT_MS);
      socket.once('error', fail);
      socket.once('close', () => fail(new HostEndingError()));
      socket.once('connect', () => socket.write(encodeFrame({ t: 'hello', protocol: PROTOCOL_VERSION, version: options.version, role: options.role, ...(options.fps ? { fps: options.fps } : {}) })));
      const onData = (chunk: Buffer): void => {
        let messages: unknown[];
        try {
          messages = decoder.push(chunk);
        } catch {
          fail(new LanesError('what answers on the lanes host socket is not a lanes host'));
          return;
        }
        const [first, ...rest] = messages;
        if (first === undefined) return;
        const welcome = first as Welcome;
        // A host that ends says goodbye to every client: to this one it is no host.
        if ((first as { t?: unknown })?.t === 'bye') {
          fail(new HostEndingError());
          return;
        }
        if (welcome?.t !== 'welcome' || typeof welcome.protocol !== 'number') {
          fail(new LanesError('what answers on the lanes host socket is not a lanes host'));
          return;
        }
        isSettled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        const connection = new HostConnection(socket, welcome);
        connection.start(decoder, rest);
        resolve(connection);
      };
      socket.on('data', onData);
    });
  }

  /** Frames, events and terminal states from the host; those that came before are handed over first. */
  listen(handler: (message: HostMessage) => void): void {
    this.handler = handler;
    const early = this.early;
    this.early = [];
    for (const message of early) handler(message);
  }

  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** Bytes written and not yet taken by the host. */
  get backlog(): number {
    return this.socket.writableLength;
  }

  /** Send a message that gets no reply. */
  send(message: Record<string, unknown>): void {
    if (this.closedWith !== undefined) return;
    this.socket.write(encodeFrame(message));
  }

  /** Send a request and wait for its reply's value; rejects with the host's error line. */
  request<T>(message: Record<string, unknown>): Promise<T> {
    if (this.closedWith !== undefined) return Promise.reject(new LanesError(`the lanes host is gone (${this.closedWith})`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(encodeFrame({ ...message, id }));
    });
  }

  /** Close the connection (a detach: the host goes on). */
  close(): Promise<void> {
    if (this.closedWith !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      // A host that does not close its end within a moment is not waited for.
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 500).unref();
    });
  }

  private start(decoder: FrameDecoder, early: unknown[]): void {
    const deliver = (message: unknown): void => {
      const m = message as HostMessage;
      if (m?.t === 'reply') {
        const waiter = this.pending.get(m.id);
        if (!waiter) return;
        this.pending.delete(m.id);
        if (m.ok) waiter.resolve(m.value);
        else waiter.reject(new LanesError(m.error));
        return;
      }
      if (m?.t === 'bye') this.closedWith = `it ended: ${m.reason}`;
      if (this.handler) this.handler(m);
      // A command-line client never listens: only the last few messages are kept for it.
      else if (this.early.push(m) > MAX_EARLY) this.early.shift();
    };
    this.socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of decoder.push(chunk)) deliver(message);
      } catch {
        this.socket.destroy();
      }
    });
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      const reason = this.closedWith ?? 'the connection closed';
      this.closedWith = reason;
      for (const waiter of this.pending.values()) waiter.reject(new LanesError(`the lanes host is gone (${reason})`));
      this.pending.clear();
      this.onClose(reason);
    });
    // Messages that came with the welcome.
    for (const message of early) deliver(message);
  }
}
