/**
 * Framing of the host protocol: every message is a 4-byte big-endian length followed by that many
 * bytes of UTF-8 JSON. The length is checked against a cap before anything is allocated, so a
 * peer that sends garbage or a huge length costs nothing but its connection.
 */

/**
 * The largest message either side accepts. The largest real message is a full screen of a wide
 * terminal with styled rows (a 500×200 screen with an SGR per cell is about 4 MB); anything larger
 * is not from lanes.
 */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Thrown by the decoder: the peer does not speak this protocol; close its connection. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** One message as it goes on the wire. */
export const encodeFrame = (message: unknown): Buffer => {
  const json = JSON.stringify(message);
  const length = Buffer.byteLength(json, 'utf8');
  const frame = Buffer.allocUnsafe(4 + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, 4, 'utf8');
  return frame;
};

/**
 * Turns the bytes of a stream into messages, across chunk boundaries. `push` returns the messages
 * completed by a chunk; it throws {@link ProtocolError} for a length over the cap or a body that
 * is not JSON, after which the decoder must not be used again.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected: number | undefined;

  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: unknown[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        const length = this.take(4).readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) throw new ProtocolError(`a message of ${length} bytes is over the limit of ${MAX_FRAME_BYTES}`);
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      const body = this.take(this.expected);
      this.expected = undefined;
      try {
        messages.push(JSON.parse(body.toString('utf8')));
      } catch {
        throw new ProtocolError('a message is not JSON');
      }
    }
    return messages;
  }

  /** Bytes received that do not make a whole message yet. */
  get pendingBytes(): number {
    return this.buffered + (this.expected === undefined ? 0 : 4);
  }

  private take(count: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.buffered);
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return taken;
  }
}
