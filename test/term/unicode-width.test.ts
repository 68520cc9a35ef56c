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

  it('gives emoji sequences one cell two columns wide, and marks where the text goes on after each', async () => {
    await withTerminal(24, async (write, snapshot, terminal) => {
      // VS16 on a text pictograph, a skin tone, a joined family, a flag; ❤ alone stays narrow.
      await write('a⚠️b👍🏽c👨‍👩‍👧d🇫🇷e❤f');
      const row = snapshot.frame().lines[0] as string;
      expect(row).toBe(`a⚠️${columnMark(3)}b👍🏽${columnMark(6)}c👨‍👩‍👧${columnMark(9)}d🇫🇷${columnMark(12)}e❤f${' '.repeat(9)}`);
      expect(stripColumnMarks(row)).toBe(`a⚠️b👍🏽c👨‍👩‍👧d🇫🇷e❤f${' '.repeat(9)}`);
      expect(snapshot.frame().cursor.x).toBe(15);
      // The same characters apart: a lone skin tone or regional indicator, a joiner after a letter.
      terminal.reset();
      await write('🏽x🇫y\u200dz');
      expect(snapshot.frame().cursor.x).toBe(2 + 1 + 2 + 1 + 1);
    });
  });
});
