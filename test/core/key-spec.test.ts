import { describe, expect, it } from 'vitest';
import { InputParser, NAMED_KEYS, type KeyEvent } from '../../src/core/input.js';
import { formatKeySpec, matchesKey, parseKeySpec, type KeySpec } from '../../src/core/key-spec.js';

const spec = (name: string, mods: Partial<KeySpec> = {}): KeySpec => ({
  name, ctrl: false, alt: false, shift: false, ...mods,
});

const parsed = (text: string): KeySpec => {
  const result = parseKeySpec(text);
  if (typeof result === 'string') throw new Error(`${text}: ${result}`);
  return result;
};

/** The single key event the terminal bytes decode to. */
const keyOf = (bytes: string): KeyEvent => {
  const parser = new InputParser();
  const events = [...parser.feed(bytes), ...parser.flush()];
  const [event] = events;
  if (events.length !== 1 || event?.type !== 'key') throw new Error(`${JSON.stringify(bytes)} is not one key`);
  return event;
};

describe('parseKeySpec', () => {
  it.each([
    ['q', spec('q')],
    ['Q', spec('Q')],
    ['?', spec('?')],
    ['中', spec('中')],
    ['ctrl+q', spec('q', { ctrl: true })],
    ['Ctrl-q', spec('q', { ctrl: true })],
    ['C-q', spec('q', { ctrl: true })],
    ['ctrl+Q', spec('q', { ctrl: true })],
    ['ctrl+shift+q', spec('Q', { ctrl: true })],
    ['alt+x', spec('x', { alt: true })],
    ['M-x', spec('x', { alt: true })],
    ['meta+X', spec('X', { alt: true })],
    ['C-M-x', spec('x', { ctrl: true, alt: true })],
    ['shift+q', spec('Q')],
    ['shift+tab', spec('tab', { shift: true })],
    ['S-tab', spec('tab', { shift: true })],
    ['Shift-Tab', spec('tab', { shift: true })],
    ['enter', spec('enter')],
    ['Return', spec('enter')],
    ['esc', spec('escape')],
    ['escape', spec('escape')],
    ['space', spec('space')],
    ['pageup', spec('pageup')],
    ['PgDn', spec('pagedown')],
    ['up', spec('up')],
    ['↑', spec('up')],
    ['f1', spec('f1')],
    ['F12', spec('f12')],
    ['ctrl++', spec('+', { ctrl: true })],
    ['ctrl--', spec('-', { ctrl: true })],
    ['-', spec('-')],
    ['+', spec('+')],
    ['  tab  ', spec('tab')],
  ])('parses %j', (text, expected) => expect(parseKeySpec(text)).toEqual(expected));

  it.each([
    ['', /empty key/],
    [' ', /empty key/],
    ['ctrl+', /unknown key "ctrl\+"/],
    ['foo', /unknown key "foo"/],
    ['hyper+x', /unknown modifier "hyper"/],
    ['shift+1', /write the character shift gives/],
    ['\x01', /unknown key/],
    ['f13', /unknown key "f13"/],
  ])('refuses %j with a sentence', (text, message) => {
    const result = parseKeySpec(text);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});

describe('formatKeySpec', () => {
  it.each([
    [spec('q', { ctrl: true }), 'Ctrl-q'],
    [spec('Q', { ctrl: true }), 'Ctrl-Shift-Q'],
    [spec('x', { alt: true }), 'Alt-x'],
    [spec('tab', { shift: true }), 'Shift-Tab'],
    [spec('pageup'), 'PgUp'],
    [spec('pagedown'), 'PgDn'],
    [spec('up'), '↑'],
    [spec('enter'), 'Enter'],
    [spec('escape'), 'Esc'],
    [spec('?'), '?'],
    [spec('M'), 'M'],
    [spec('f5'), 'F5'],
  ])('shows %j as %j', (key, text) => expect(formatKeySpec(key)).toBe(text));

  it('gives text that parses back to the same key', () => {
    const names = [...NAMED_KEYS, 'q', 'Q', '?', '-', '+', 'é', 'É', '中'];
    let checked = 0;
    for (const name of names) {
      for (let bits = 0; bits < 8; bits++) {
        const mods = { ctrl: (bits & 1) !== 0, alt: (bits & 2) !== 0, shift: (bits & 4) !== 0 };
        const text = `${mods.ctrl ? 'ctrl+' : ''}${mods.alt ? 'alt+' : ''}${mods.shift ? 'shift+' : ''}${name}`;
        const key = parseKeySpec(text);
        if (typeof key === 'string') continue; // shift+? and the like are refused on purpose
        expect(parsed(formatKeySpec(key)), `${text} → ${formatKeySpec(key)}`).toEqual(key);
        checked++;
      }
    }
    expect(checked).toBe((NAMED_KEYS.length + 4) * 8 + 4 * 4);
  });
});

describe('matchesKey', () => {
  it.each([
    ['ctrl+q', '\x11'],
    ['ctrl+q', '\x1b[113;5u'],
    ['ctrl+q', '\x1b[113;69u'],
    ['ctrl+q', '\x1b[27;5;113~'],
    ['ctrl+shift+q', '\x1b[113;6u'],
    ['M', 'M'],
    ['M', '\x1b[109;2u'],
    ['M', '\x1b[27;2;77~'],
    ['?', '?'],
    ['?', '\x1b[63;2u'],
    ['q', 'q'],
    ['alt+x', '\x1bx'],
    ['shift+tab', '\x1b[Z'],
    ['tab', '\t'],
    ['enter', '\r'],
    ['enter', '\x1b[13u'],
    ['esc', '\x1b'],
    ['pageup', '\x1b[5~'],
    ['up', '\x1bOA'],
    ['ctrl+up', '\x1b[1;5A'],
    ['space', ' '],
    ['backspace', '\x7f'],
  ])('%s matches %j', (text, bytes) => expect(matchesKey(keyOf(bytes), parsed(text))).toBe(true));

  it.each([
    ['ctrl+q', 'q'],
    ['ctrl+q', '\x1b[113;6u'],
    ['q', '\x11'],
    ['q', 'Q'],
    ['M', 'm'],
    ['m', 'M'],
    ['alt+x', 'x'],
    ['x', '\x1bx'],
    ['tab', '\x1b[Z'],
    ['shift+tab', '\t'],
    ['up', '\x1b[1;5A'],
    ['ctrl+up', '\x1b[A'],
    ['pageup', '\x1b[6~'],
  ])('%s does not match %j', (text, bytes) => expect(matchesKey(keyOf(bytes), parsed(text))).toBe(false));
});
