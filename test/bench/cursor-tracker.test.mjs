import { describe, expect, it } from 'vitest';
import { CursorTracker } from '../../bench/cursor-tracker.mjs';

const feed = (tracker, text) => tracker.feed(Buffer.from(text, 'utf8'));

/** A tracker watching (row, col); returns what was printed there and how often it was erased. */
const watching = (row, col, cols = 20, rows = 5) => {
  const tracker = new CursorTracker(cols, rows);
  const seen = { printed: [], erased: 0 };
  tracker.watchCell(row, col, (code) => seen.printed.push(code === 0 ? '?' : String.fromCharCode(code)), () => (seen.erased += 1));
  return { tracker, seen };
};

describe('CursorTracker', () => {
  it('follows absolute and relative moves', () => {
    const { tracker } = watching(0, 0);
    feed(tracker, '\x1b[3;5H');
    expect([tracker.row, tracker.col]).toEqual([2, 4]);
    feed(tracker, '\x1b[2A\x1b[3C');
    expect([tracker.row, tracker.col]).toEqual([0, 7]);
    feed(tracker, '\x1b[B\x1b[10D');
    expect([tracker.row, tracker.col]).toEqual([1, 0]);
    feed(tracker, '\x1b[9G\x1b[4d');
    expect([tracker.row, tracker.col]).toEqual([3, 8]);
    feed(tracker, '\x1b[H');
    expect([tracker.row, tracker.col]).toEqual([0, 0]);
  });

  it('reports the character printed at the watched cell, inside a run of text', () => {
    const { tracker, seen } = watching(1, 3);
    feed(tracker, '\x1b[2;1Habcdef');
    expect(seen.printed).toEqual(['d']);
    feed(tracker, '\x1b[2;4H\x1b[31mx\x1b[0m');
    expect(seen.printed).toEqual(['d', 'x']);
  });

  it('ignores SGR, OSC titles and private modes', () => {
    const { tracker, seen } = watching(0, 2);
    feed(tracker, '\x1b[1;38;5;200mab\x1b]0;title with x\x07\x1b[?2026h\x1b[?25lc');
    expect(seen.printed).toEqual(['c']);
    expect(tracker.col).toBe(3);
  });

  it('counts wide characters as two columns', () => {
    const { tracker, seen } = watching(0, 3);
    feed(tracker, '对对z');
    expect(tracker.col).toBe(5);
    expect(seen.printed).toEqual(['?']);
  });

  it('wraps at the right margin only when the next character comes (pending wrap)', () => {
    const { tracker, seen } = watching(1, 0, 4, 3);
    feed(tracker, 'abcd');
    expect([tracker.row, tracker.col]).toEqual([0, 3]);
    feed(tracker, 'e');
    expect(seen.printed).toEqual(['e']);
    expect([tracker.row, tracker.col]).toEqual([1, 1]);
  });

  it('does not wrap with autowrap off', () => {
    const { tracker } = watching(0, 0, 4, 3);
    feed(tracker, '\x1b[?7labcdefg');
    expect([tracker.row, tracker.col]).toEqual([0, 3]);
  });

  it('scrolls inside a scroll region: the cursor stays on its bottom row and the watched cell is erased', () => {
    const { tracker, seen } = watching(1, 0);
    feed(tracker, '\x1b[1;3r');
    expect([tracker.row, tracker.col]).toEqual([0, 0]);
    feed(tracker, '\n\n\n\n');
    expect(tracker.row).toBe(2);
    expect(seen.erased).toBe(2);
  });

  it('reports erases that cover the watched cell, and not others', () => {
    const { tracker, seen } = watching(2, 5);
    feed(tracker, '\x1b[3;1H\x1b[K');
    expect(seen.erased).toBe(1);
    feed(tracker, '\x1b[3;7H\x1b[K');
    expect(seen.erased).toBe(1);
    feed(tracker, '\x1b[3;5H\x1b[2X');
    expect(seen.erased).toBe(2);
    feed(tracker, '\x1b[1;1H\x1b[J');
    expect(seen.erased).toBe(3);
  });

  it('echo of a typed probe and its erase, as a tty writes them', () => {
    const { tracker, seen } = watching(1, 0);
    feed(tracker, 'READY\r\n');
    feed(tracker, 'a');
    feed(tracker, '\b \b');
    expect(seen.printed).toEqual(['a', ' ']);
    expect([tracker.row, tracker.col]).toEqual([1, 0]);
  });

  it('keeps state across chunk boundaries', () => {
    const { tracker, seen } = watching(1, 1);
    for (const byte of Buffer.from('\x1b[2;2H\xe5\xaf\xb9\x1b[2;2Hq', 'latin1')) tracker.feed(Buffer.from([byte]));
    expect(seen.printed).toEqual(['?', 'q']);
  });

  it('does not take DEC line-drawing characters for letters', () => {
    const { tracker, seen } = watching(0, 0);
    feed(tracker, '\x1b(0q\x1b(B\x1b[1;1Hq');
    expect(seen.printed).toEqual(['?', 'q']);
  });
});
