import xtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { columnMark, stripColumnMarks } from '../../src/core/screen.js';
import { ScreenSnapshot } from '../../src/term/snapshot.js';
import { charWidth, useCurrentWidths } from '../../src/term/unicode-width.js';

const { Terminal } = xtermHeadless;

const codepoint = (char: string): number => char.codePointAt(0) ?? 0;

describe('charWidth', () => {
  it('measures like current agents and terminals', () => {
    const widths = Object.fromEntries(['a', 'é', '中', '한', 'Ａ', '✅', '😀', '🚀', '⚡', '✻', '⏺', '▶', '\u0301', '\u200d', '\u00ad'].map((char) => [char, charWidth(codepoint(char))]));
    expect(widths).toEqual({
      a: 1, é: 1, 中: 2, 한: 2, Ａ: 2, '✅': 2, '😀': 2, '🚀': 2, '⚡': 2, '✻': 1, '⏺': 1, '▶': 1,
      '\u0301': 0, '\u200d': 0, '\u00ad': 1,
    });
  });
});

/** A terminal of `cols` columns using current widths, with its snapshot; disposed after `use`. */
const withTerminal = async (cols: number, use: (write: (text: string) => Promise<void>, snapshot: ScreenSnapshot, terminal: InstanceType<typeof Terminal>) => Promise<void>): Promise<void> => {
  const terminal = new Terminal({ cols, rows: 2, allowProposedApi: true });
  try {
    useCurrentWidths(terminal);
    const write = (text: string): Promise<void> => new Promise<void>((resolve) => terminal.write(text, resolve));
    await use(write, new ScreenSnapshot(terminal), terminal);
  } finally {
    terminal.dispose();
  }
};

describe('a terminal using current widths', () => {
  it('gives emoji two cells, joins combining marks, and snapshots at the exact width', async () => {
    await withTerminal(12, async (write, snapshot) => {
      await write('a😀b✅e\u0301中');
      // a(1) 😀(2) b(1) ✅(2) é(1) 中(2) = 9 columns, then 3 blanks.
      expect(snapshot.frame().lines[0]).toBe('a😀b✅e\u0301中   ');
      expect(snapshot.frame().cursor.x).toBe(9);
    });
  });

  it('gives emoji sequences one cell two columns wide, erased first and followed by a mark of the next column', async () => {
    const erase = '\x1b[2X';
    await withTerminal(24, async (write, snapshot, terminal) => {
      // VS16 on a text pictograph, a skin tone, a joined family, a flag, a keycap; ❤ alone stays narrow.
      await write('a⚠️b👍🏽c👨‍👩‍👧d🇫🇷e1️⃣❤f');
      const row = snapshot.frame().lines[0] as string;
      const at = (chars: string, col: number): string => `${erase}${chars}${columnMark(col)}`;
      expect(row).toBe(`a${at('⚠️', 3)}b${at('👍🏽', 6)}c${at('👨‍👩‍👧', 9)}d${at('🇫🇷', 12)}e${at('1️⃣', 15)}❤f${' '.repeat(7)}`);
      expect(stripColumnMarks(row).replaceAll(erase, '')).toBe(`a⚠️b👍🏽c👨‍👩‍👧d🇫🇷e1️⃣❤f${' '.repeat(7)}`);
      expect(snapshot.frame().cursor.x).toBe(17);
      // Apart, as string-width measures them: a lone skin tone (2), regional indicator (1), a
      // digit with VS16 only (1), a joiner after a letter (0).
      terminal.reset();
      await write('🏽x🇫y1\uFE0Fz\u200dw');
      expect(snapshot.frame().cursor.x).toBe(2 + 1 + 1 + 1 + 1 + 1 + 1);
    });
  });

  it('draws only the first character of a sequence that ends the row, where a wider drawing would pass the border', async () => {
    await withTerminal(6, async (write, snapshot) => {
      await write('abcd👨‍👩‍👧');
      expect(snapshot.frame().lines[0]).toBe('abcd\x1b[2X👨');
    });
  });

  it('keeps widths plain in insert mode and with autowrap off, where a widening join would overwrite', async () => {
    await withTerminal(10, async (write, snapshot) => {
      // Insert mode: ⚠️ typed before "abc" pushes it right, nothing lost.
      await write('abcdefgh\r\x1b[4h⚠\uFE0F\x1b[4l');
      expect(stripColumnMarks(snapshot.frame().lines[0] as string).replace(/\x1b\[\dX/g, '')).toBe('⚠️abcdefgh ');
    });
    await withTerminal(10, async (write, snapshot) => {
      // Autowrap off: a skin tone after a base dropped at the margin does not land on the cell before.
      await write('\x1b[?7l123456789👍🏽z');
      expect(stripColumnMarks(snapshot.frame().lines[0] as string)).toBe('123456789z');
    });
  });

  it('draws a zero-width cell that joined nothing as a blank column, so the row keeps its width', async () => {
    await withTerminal(10, async (write, snapshot) => {
      // VS16 after a style change joins nothing: xterm gives it a cell of its own.
      await write('⚠\x1b[1m\uFE0F\x1b[0mz');
      expect(stripColumnMarks(snapshot.frame().lines[0] as string).replace(/\x1b\[[0-9;]*[mX]/g, '')).toBe(`⚠ z${' '.repeat(7)}`);
      expect(snapshot.frame().cursor.x).toBe(3);
    });
  });
});
