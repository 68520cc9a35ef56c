import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES, ProtocolError } from '../../src/protocol/framing.js';
import { clientMessageSchema, helloSchema } from '../../src/protocol/messages.js';

describe('host protocol framing', () => {
  it('decodes messages split at every byte and several in one chunk', () => {
    const messages = [{ t: 'a', n: 1 }, { t: 'b', text: 'é ✓ 👍' }, { t: 'c', rows: ['x'.repeat(5000)] }];
    const bytes = Buffer.concat(messages.map(encodeFrame));
    const oneByOne = new FrameDecoder();
    const seen: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) seen.push(...oneByOne.push(bytes.subarray(i, i + 1)));
    expect(seen).toEqual(messages);
    expect(oneByOne.pendingBytes).toBe(0);
    expect(new FrameDecoder().push(bytes)).toEqual(messages);
  });

  it('refuses a length over the cap before reading (or allocating) the body', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(() => new FrameDecoder().push(header)).toThrow(ProtocolError);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffffffff, 0);
    expect(() => new FrameDecoder().push(huge)).toThrow(/over the limit/);
  });

  it('refuses a body that is not JSON', () => {
    const body = Buffer.from('GET / HTTP/1.1');
    const frame = Buffer.concat([Buffer.from([0, 0, 0, body.length]), body]);
    expect(() => new FrameDecoder().push(frame)).toThrow(/not JSON/);
  });

  it('keeps half a message until the rest comes', () => {
    const frame = encodeFrame({ t: 'hello' });
    const decoder = new FrameDecoder();
    expect(decoder.push(frame.subarray(0, 6))).toEqual([]);
    expect(decoder.pendingBytes).toBe(6);
    expect(decoder.push(frame.subarray(6))).toEqual([{ t: 'hello' }]);
  });
});

describe('host protocol messages', () => {
  it('accepts the messages lanes sends and refuses anything else', () => {
    expect(helloSchema.safeParse({ t: 'hello', protocol: 1, version: '0.1.0', role: 'ui', fps: 30 }).success).toBe(true);
    expect(helloSchema.safeParse({ t: 'hello', protocol: '1', version: '0.1.0', role: 'ui' }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ t: 'write', lane: 'a', data: 'x' }).success).toBe(true);
    expect(clientMessageSchema.safeParse({ t: 'resize', lane: 'a', cols: 0, rows: 5 }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ t: 'signal', lane: 'a', signal: 'KILL; rm -rf /' }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ t: 'format-disk', id: 1 }).success).toBe(false);
    expect(clientMessageSchema.safeParse(null).success).toBe(false);
  });
});
