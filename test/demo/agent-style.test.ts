import { describe, expect, test } from 'vitest';
import { box, displayWidth, padTo, readSpeed, stripControls, truncate, wrap } from '../../src/demo/agent-style.js';

describe('displayWidth', () => {
  test('counts CJK and emoji as two columns and escapes as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('完了')).toBe(4);
    expect(displayWidth('✨ done')).toBe(7);
    expect(displayWidth('👋')).toBe(2);
    expect(displayWidth('\x1b[1;32mok\x1b[0m')).toBe(2);
    expect(displayWidth('\x1b]0;title\x07x')).toBe(1);
  });
});

describe('truncate and wrap', () => {
  test('truncate keeps short text and cuts long text to the width with an ellipsis', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    const cut = truncate('完了完了完了', 5);
    expect(cut).toBe('完了…');
    expect(displayWidth(cut)).toBeLessThanOrEqual(5);
  });

  test('wrap breaks between words within the width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('a verylongwordindeed', 8)).toEqual(['a', 'verylon…']);
  });

  test('padTo pads to the exact width', () => {
    expect(padTo('ab', 5)).toBe('ab   ');
    expect(displayWidth(padTo('完了', 7))).toBe(7);
  });
});

test('box rows all have the box width', () => {
  const rows = box(['◆ title', '完了 wide', 'a row much longer than the box is wide'], 20, 'cyan');
  expect(rows).toHaveLength(5);
  for (const row of rows) expect(displayWidth(row)).toBe(20);
});

test('stripControls removes escape sequences and control characters', () => {
  expect(stripControls('a\x1b[31mb\x1b[0m\x07c\td')).toBe('abcd');
});

test('readSpeed accepts positive numbers and falls back to 1', () => {
  expect(readSpeed('50')).toBe(50);
  expect(readSpeed('0.5')).toBe(0.5);
  for (const bad of [undefined, '', ' ', 'fast', '0', '-3', 'Infinity']) expect(readSpeed(bad)).toBe(1);
});
