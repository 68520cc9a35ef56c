import { describe, expect, it } from 'vitest';
import { InputParser, type InputEvent, type KeyEvent } from '../../src/core/input.js';

const parse = (input: string): InputEvent[] => {
  const parser = new InputParser();
  return [...parser.feed(input), ...parser.flush()];
};

/** The one event `input` decodes to. */
const one = (input: string): InputEvent => {
  const events = parse(input);
  expect(events).toHaveLength(1);
  return events[0] as InputEvent;
};

const key = (name: string, mods: Partial<KeyEvent> = {}): Omit<KeyEvent, 'raw'> => ({
  type: 'key', name, ctrl: false, alt: false, shift: false, ...mods,
});

const expectKey = (input: string, name: string, mods: Partial<KeyEvent> = {}): void => {
  expect(one(input)).toEqual({ ...key(name, mods), raw: input });
};

describe('InputParser: single characters', () => {
  it.each([
    ['a', 'a'], ['?', '?'], ['é', 'é'], ['中', '中'], ['😀', '😀'], [' ', 'space'], ['1', '1'],
  ])('decodes %j as the key %j', (input, name) => expectKey(input, name));

  it('flags shift on upper-case letters', () => {
    expectKey('A', 'A', { shift: true });
    expectKey('É', 'É', { shift: true });
  });

  it.each([
    ['\x01', 'a'], ['\x11', 'q'], ['\x1a', 'z'], ['\x00', 'space'], ['\x1d', ']'],
  ])('decodes control character %j as ctrl+%s', (input, name) => expectKey(input, name, { ctrl: true }));

  it.each([
    ['\x7f', 'backspace'], ['\x08', 'backspace'], ['\r', 'enter'], ['\n', 'enter'], ['\t', 'tab'],
  ])('decodes %j as %s', (input, name) => expectKey(input, name));

  it('gives one event per character of a plain chunk', () => {
    expect(parse('hi!').map((event) => (event as KeyEvent).name)).toEqual(['h', 'i', '!']);
  });
});

describe('InputParser: escape and alt', () => {
  it('keeps a lone ESC pending until flush, then reports Escape', () => {
    const parser = new InputParser();
    expect(parser.feed('\x1b')).toEqual([]);
    expect(parser.hasPending()).toBe(true);
    expect(parser.flush()).toEqual([{ ...key('escape'), raw: '\x1b' }]);
    expect(parser.hasPending()).toBe(false);
  });

  it('reads ESC + character as alt', () => {
    expectKey('\x1bx', 'x', { alt: true });
    expectKey('\x1bX', 'X', { alt: true, shift: true });
    expectKey('\x1b\x7f', 'backspace', { alt: true });
    expectKey('\x1b\r', 'enter', { alt: true });
    expectKey('\x1b\x01', 'a', { alt: true, ctrl: true });
  });

  it('joins ESC and the next chunk when no flush came between', () => {
    const parser = new InputParser();
    expect(parser.feed('\x1b')).toEqual([]);
    expect(parser.feed('a')).toEqual([{ ...key('a', { alt: true }), raw: '\x1ba' }]);
  });

  it('reads ESC ESC [ A as alt+up and other ESC ESC as two Escapes', () => {
    expectKey('\x1b\x1b[A', 'up', { alt: true });
    expectKey('\x1b\x1bOB', 'down', { alt: true });
    expect(parse('\x1b\x1b')).toEqual([{ ...key('escape'), raw: '\x1b' }, { ...key('escape'), raw: '\x1b' }]);
    expect(parse('\x1b\x1bq')).toEqual([{ ...key('escape'), raw: '\x1b' }, { ...key('q', { alt: true }), raw: '\x1bq' }]);
  });

  it('flushes partial sequences as they are', () => {
    expect(parse('\x1b[')).toEqual([{ ...key('[', { alt: true }), raw: '\x1b[' }]);
    expect(parse('\x1bO')).toEqual([{ ...key('O', { alt: true, shift: true }), raw: '\x1bO' }]);
    expect(parse('\x1b[1;')).toEqual([{ type: 'unknown', raw: '\x1b[1;' }]);
  });
});

describe('InputParser: CSI and SS3 keys', () => {
  it.each([
    ['\x1b[A', 'up'], ['\x1b[B', 'down'], ['\x1b[C', 'right'], ['\x1b[D', 'left'],
    ['\x1b[H', 'home'], ['\x1b[F', 'end'], ['\x1b[1~', 'home'], ['\x1b[7~', 'home'],
    ['\x1b[4~', 'end'], ['\x1b[8~', 'end'], ['\x1b[2~', 'insert'], ['\x1b[3~', 'delete'],
    ['\x1b[5~', 'pageup'], ['\x1b[6~', 'pagedown'],
    ['\x1bOA', 'up'], ['\x1bOB', 'down'], ['\x1bOC', 'right'], ['\x1bOD', 'left'],
    ['\x1bOH', 'home'], ['\x1bOF', 'end'], ['\x1bOM', 'enter'],
    ['\x1bOP', 'f1'], ['\x1bOQ', 'f2'], ['\x1bOR', 'f3'], ['\x1bOS', 'f4'], ['\x1b[[A', 'f1'],
    ['\x1b[11~', 'f1'], ['\x1b[15~', 'f5'], ['\x1b[17~', 'f6'], ['\x1b[21~', 'f10'],
    ['\x1b[23~', 'f11'], ['\x1b[24~', 'f12'],
  ])('decodes %j as %s', (input, name) => expectKey(input, name));

  it('decodes modifier parameters', () => {
    expectKey('\x1b[1;5A', 'up', { ctrl: true });
    expectKey('\x1b[1;2B', 'down', { shift: true });
    expectKey('\x1b[1;3C', 'right', { alt: true });
    expectKey('\x1b[1;8D', 'left', { ctrl: true, alt: true, shift: true });
    expectKey('\x1b[5;5~', 'pageup', { ctrl: true });
    expectKey('\x1b[1;5P', 'f1', { ctrl: true });
    expectKey('\x1b[Z', 'tab', { shift: true });
  });

  it('decodes CSI-u keys', () => {
    expectKey('\x1b[113;5u', 'q', { ctrl: true });
    expectKey('\x1b[113;6u', 'Q', { ctrl: true, shift: true });
    expectKey('\x1b[13u', 'enter');
    expectKey('\x1b[9;2u', 'tab', { shift: true });
    expectKey('\x1b[27u', 'escape');
    expectKey('\x1b[127;3u', 'backspace', { alt: true });
    expectKey('\x1b[97:65;2u', 'A', { shift: true });
    expect(one('\x1b[113;5:3u')).toEqual({ type: 'unknown', raw: '\x1b[113;5:3u' });
  });

  it('decodes xterm modifyOtherKeys', () => {
    expectKey('\x1b[27;5;113~', 'q', { ctrl: true });
    expectKey('\x1b[27;2;13~', 'enter', { shift: true });
    expectKey('\x1b[27;3;97~', 'a', { alt: true });
  });

  it.each(['\x1b[99~', '\x1b[?62;c', '\x1b[12;40;1R', '\x1bOj', '\x1b[57399u', '\x1b[1 q'])(
    'keeps %j whole as unknown',
    (input) => expect(one(input)).toEqual({ type: 'unknown', raw: input }),
  );

  it('cuts an endless parameter run at 64 characters instead of waiting for ever', () => {
    const parser = new InputParser();
    const events = parser.feed(`\x1b[${'1'.repeat(100)}`);
    expect(events[0]).toEqual({ type: 'unknown', raw: `\x1b[${'1'.repeat(62)}` });
    expect(events.slice(1).map((event) => event.raw).join('')).toBe('1'.repeat(38));
    expect(parser.hasPending()).toBe(false);
  });

  it('keeps a broken sequence whole and decodes what follows', () => {
    expect(parse('\x1b[1;\x01')).toEqual([
      { type: 'unknown', raw: '\x1b[1;' },
      { ...key('a', { ctrl: true }), raw: '\x01' },
    ]);
  });
});

describe('InputParser: mouse', () => {
  const mouse = (raw: string, fields: object) => expect(one(raw)).toEqual({
    type: 'mouse', ctrl: false, alt: false, shift: false, raw, ...fields,
  });

  it('decodes SGR reports with 0-based coordinates', () => {
    mouse('\x1b[<0;10;5M', { action: 'press', button: 0, x: 9, y: 4 });
    mouse('\x1b[<2;1;1m', { action: 'release', button: 2, x: 0, y: 0 });
    mouse('\x1b[<32;3;4M', { action: 'drag', button: 0, x: 2, y: 3 });
    mouse('\x1b[<35;3;4M', { action: 'move', button: 3, x: 2, y: 3 });
    mouse('\x1b[<64;7;8M', { action: 'wheelup', button: 4, x: 6, y: 7 });
    mouse('\x1b[<65;7;8M', { action: 'wheeldown', button: 5, x: 6, y: 7 });
    mouse('\x1b[<16;1;1M', { action: 'press', button: 0, x: 0, y: 0, ctrl: true });
    mouse('\x1b[<12;1;1M', { action: 'press', button: 0, x: 0, y: 0, alt: true, shift: true });
  });

  it('decodes legacy X10 reports', () => {
    mouse('\x1b[M !"', { action: 'press', button: 0, x: 0, y: 1 });
    mouse('\x1b[M#!"', { action: 'release', button: 3, x: 0, y: 1 });
  });

  it('keeps horizontal wheel and malformed reports as unknown', () => {
    expect(one('\x1b[<66;1;1M')).toEqual({ type: 'unknown', raw: '\x1b[<66;1;1M' });
    expect(one('\x1b[<0;1M')).toEqual({ type: 'unknown', raw: '\x1b[<0;1M' });
  });
});

describe('InputParser: bracketed paste', () => {
  const start = '\x1b[200~';
  const end = '\x1b[201~';

  it('reports a paste with its markers in raw', () => {
    const raw = `${start}hello\x1b[A\r\nworld${end}`;
    expect(one(raw)).toEqual({ type: 'paste', text: 'hello\x1b[A\r\nworld', raw });
  });

  it('decodes keys around a paste', () => {
    expect(parse(`a${start}x${end}b`).map((event) => event.type)).toEqual(['key', 'paste', 'key']);
  });

  it('assembles a paste whose markers are split at every position', () => {
    const input = `${start}pasted${end}z`;
    for (let cut = 1; cut < input.length; cut++) {
      const parser = new InputParser();
      const events = [...parser.feed(input.slice(0, cut)), ...parser.feed(input.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { type: 'paste', text: 'pasted', raw: `${start}pasted${end}` },
        { ...key('z'), raw: 'z' },
      ]);
    }
  });

  it('keeps an open paste across flushes and takes megabytes in many chunks', () => {
    const parser = new InputParser();
    const block = 'x'.repeat(64 * 1024);
    expect(parser.feed(start)).toEqual([]);
    for (let i = 0; i < 32; i++) {
      expect(parser.feed(block)).toEqual([]);
      expect(parser.flush()).toEqual([]);
    }
    expect(parser.isPasting()).toBe(true);
    const [event] = parser.feed(end);
    expect(event?.type === 'paste' && event.text.length).toBe(32 * block.length);
    expect(parser.hasPending()).toBe(false);
  });

  it('gives up on an unterminated paste only when asked', () => {
    const parser = new InputParser();
    parser.feed(`${start}abc\x1b[20`);
    expect(parser.flush({ endPaste: true })).toEqual([
      { type: 'paste', text: 'abc\x1b[20', raw: `${start}abc\x1b[20` },
    ]);
    expect(parser.hasPending()).toBe(false);
  });
});
