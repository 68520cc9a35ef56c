import { describe, expect, it } from 'vitest';
import { InputParser, type KeyEvent } from '../../src/core/input.js';
import { buildKeymap, COMMANDS, footerHints, helpRows, isLeaveKey, resolveKey } from '../../src/core/keymap.js';

const keyOf = (raw: string): KeyEvent => {
  const parser = new InputParser();
  const events = [...parser.feed(raw), ...parser.flush()];
  const event = events[0];
  if (!event || event.type !== 'key') throw new Error(`not a key: ${JSON.stringify(raw)}`);
  return event;
};

describe('key map', () => {
  const { keymap, errors } = buildKeymap();

  it('builds the defaults without problems', () => {
    expect(errors).toEqual([]);
  });

  it('resolves the default keys of SPEC §4 from raw bytes', () => {
    expect(resolveKey(keymap, keyOf('\x1b[A'))).toBe('focus-up');
    expect(resolveKey(keymap, keyOf('k'))).toBe('focus-up');
    expect(resolveKey(keymap, keyOf('l'))).toBe('focus-right');
    expect(resolveKey(keymap, keyOf('3'))).toBe('focus-3');
    expect(resolveKey(keymap, keyOf('\t'))).toBe('focus-next');
    expect(resolveKey(keymap, keyOf('\x1b[Z'))).toBe('focus-prev');
    expect(resolveKey(keymap, keyOf('\r'))).toBe('type');
    expect(resolveKey(keymap, keyOf('i'))).toBe('type');
    expect(resolveKey(keymap, keyOf('n'))).toBe('new-lane');
    expect(resolveKey(keymap, keyOf('p'))).toBe('pause');
    expect(resolveKey(keymap, keyOf('R'))).toBe('restart');
    expect(resolveKey(keymap, keyOf('r'))).toBe('ready');
    expect(resolveKey(keymap, keyOf('z'))).toBe('zoom');
    expect(resolveKey(keymap, keyOf('\x1b[5~'))).toBe('scroll-up');
    expect(resolveKey(keymap, keyOf('\x1b[6~'))).toBe('scroll-down');
    expect(resolveKey(keymap, keyOf('?'))).toBe('help');
    expect(resolveKey(keymap, keyOf('q'))).toBe('quit');
  });

  it('recognises the leave key in every keyboard encoding', () => {
    for (const raw of ['\x11', '\x1b[113;5u', '\x1b[27;5;113~']) expect(isLeaveKey(keymap, keyOf(raw))).toBe(true);
    expect(isLeaveKey(keymap, keyOf('q'))).toBe(false);
  });

  it('applies user overrides and reports bad ones without throwing', () => {
    const custom = buildKeymap({ 'new-lane': 'N', 'leave-type': ['ctrl+b'] });
    expect(custom.errors).toEqual([]);
    expect(resolveKey(custom.keymap, keyOf('N'))).toBe('new-lane');
    expect(resolveKey(custom.keymap, keyOf('n'))).toBeUndefined();
    expect(isLeaveKey(custom.keymap, keyOf('\x02'))).toBe(true);
    expect(buildKeymap({ nope: 'x' }).errors[0]).toMatch(/^keys\.nope: unknown command/);
    expect(buildKeymap({ zoom: 'ctrl+' }).errors[0]).toMatch(/^keys\.zoom: /);
    expect(buildKeymap({ zoom: 'q' }).errors).toEqual(['keys.quit: q is already bound to zoom']);
  });

  it('generates the help rows and footer hints from the table', () => {
    const rows = helpRows(keymap);
    expect(rows.find((r) => r.description === 'focus lane N')?.keys).toBe('1–9');
    expect(rows.find((r) => r.description === 'move focus between panes')?.keys).toBe('← h ↓ j ↑ k → l');
    expect(rows.some((r) => r.keys === 'Ctrl-q')).toBe(true);
    // Every command appears in the help.
    const described = new Set(rows.map((r) => r.description));
    for (const command of COMMANDS) if (!command.group) expect(described.has(command.description)).toBe(true);
    expect(footerHints(keymap).map((h) => h.label)).toEqual(['type', 'new', 'diff', 'overlaps', 'merge', 'help', 'quit']);
  });
});
