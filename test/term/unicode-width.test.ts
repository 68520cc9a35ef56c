import xtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
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

describe('a terminal using current widths', () => {
  it('gives emoji two cells, joins combining marks, and snapshots at the exact width', async () => {
    const terminal = new Terminal({ cols: 12, rows: 2, allowProposedApi: true });
    try {
      useCurrentWidths(terminal);
      const snapshot = new ScreenSnapshot(terminal);
      await new Promise<void>((resolve) => terminal.write('a😀b✅e\u0301中', resolve));
      // a(1) 😀(2) b(1) ✅(2) é(1) 中(2) = 9 columns, then 3 blanks.
      expect(snapshot.frame().lines[0]).toBe('a😀b✅e\u0301中   ');
      expect(snapshot.frame().cursor.x).toBe(9);
    } finally {
      terminal.dispose();
    }
  });
});
