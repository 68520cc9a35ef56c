import { describe, expect, it } from 'vitest';
import { InputParser, PASTE_END, PASTE_START, type InputEvent } from '../../src/core/input.js';
import { createRandom } from './random.js';

const FRAGMENTS = [
  'a', 'Z', ' ', '?', 'é', '中', '😀', '\r', '\n', '\t', '\x7f', '\x08', '\x00', '\x01', '\x11', '\x1f',
  '\x1b', '\x1b\x1b', '\x1b[', '\x1bO', '\x1b[1;', '\x1b[<', '\x1b[M', '\x1b[[', '\x1b[2', '\x1b[20',
  '\x1b[A', '\x1b[1;5A', '\x1bOP', '\x1bO5Q', '\x1b[5~', '\x1b[24~', '\x1b[Z', '\x1b\x1b[A',
  '\x1b[113;5u', '\x1b[27;5;113~', '\x1b[113;5:3u', '\x1b[<0;10;5M', '\x1b[<65;1;1m', '\x1b[M !"',
  '\x1b[?62;c', '\x1b[99~', '\x1b]0;title\x07', '\x1bPq\x1b\\', '\x1b[1 q', '\x1b[[B',
  PASTE_START, PASTE_END, `${PASTE_START}text\x1b[A\r\n${PASTE_END}`, '\x1b[201', '\u0085', '\udc00',
  '\ud83d', `\x1b[${'9'.repeat(70)}`,
];

const randomInput = (random: ReturnType<typeof createRandom>): string => {
  const parts: string[] = [];
  const count = random.int(1, 40);
  for (let i = 0; i < count; i++) {
    parts.push(random.next() < 0.8 ? random.pick(FRAGMENTS) : String.fromCharCode(random.int(0, 0x2ff)));
  }
  return parts.join('');
};

/** Cut `input` into random chunks (some empty). */
const randomChunks = (random: ReturnType<typeof createRandom>, input: string): string[] => {
  const chunks: string[] = [];
  let start = 0;
  while (start < input.length) {
    const end = Math.min(input.length, start + random.int(0, 8));
    chunks.push(input.slice(start, end));
    start = end;
  }
  return chunks;
};

const parseChunks = (chunks: string[], flushBetween: boolean): InputEvent[] => {
  const parser = new InputParser();
  const events: InputEvent[] = [];
  for (const chunk of chunks) {
    events.push(...parser.feed(chunk));
    if (flushBetween) events.push(...parser.flush());
  }
  events.push(...parser.flush({ endPaste: true }));
  expect(parser.hasPending()).toBe(false);
  return events;
};

const rawOf = (events: InputEvent[]): string => events.map((event) => event.raw).join('');

describe('InputParser properties', () => {
  it('loses, adds and reorders nothing: the raw parts make up the input exactly', () => {
    const random = createRandom(1);
    for (let run = 0; run < 3000; run++) {
      const input = randomInput(random);
      const events = parseChunks([input], false);
      expect(rawOf(events), JSON.stringify(input)).toBe(input);
      expect(events.every((event) => event.raw.length > 0)).toBe(true);
    }
  });

  it('decodes the same events however the input is cut into chunks', () => {
    const random = createRandom(2);
    for (let run = 0; run < 3000; run++) {
      const input = randomInput(random);
      const whole = parseChunks([input], false);
      const chunks = randomChunks(random, input);
      expect(parseChunks(chunks, false), JSON.stringify(chunks)).toEqual(whole);
    }
  });

  it('keeps every character even when flushed between chunks', () => {
    const random = createRandom(3);
    for (let run = 0; run < 3000; run++) {
      const input = randomInput(random);
      const chunks = randomChunks(random, input);
      expect(rawOf(parseChunks(chunks, true)), JSON.stringify(chunks)).toBe(input);
    }
  });

  it('never holds more than one short sequence back outside a paste', () => {
    const random = createRandom(4);
    for (let run = 0; run < 1000; run++) {
      const parser = new InputParser();
      const input = randomInput(random);
      const events = parser.feed(input);
      if (!parser.isPasting()) expect(input.length - rawOf(events).length).toBeLessThanOrEqual(64);
    }
  });
});
