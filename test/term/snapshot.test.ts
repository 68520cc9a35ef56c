import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScreenSnapshot } from '../../src/term/snapshot.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

const terminals: HeadlessTerminal[] = [];
const make = (cols: number, rows: number, scrollback = 100): { terminal: HeadlessTerminal; snapshot: ScreenSnapshot } => {
  const terminal = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
  terminals.push(terminal);
  return { terminal, snapshot: new ScreenSnapshot(terminal) };
};
const write = (terminal: HeadlessTerminal, data: string): Promise<void> =>
  new Promise((resolve) => terminal.write(data, resolve));
const make3 = (lines: string[]): [string, string, string] => [lines[0] ?? '', lines[1] ?? '', lines[2] ?? ''];
const strip = (line: string): string => line.replace(/\x1b\[[0-9;]*m/g, '');

afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.dispose();
});

describe('ScreenSnapshot', () => {
  it('prints plain rows as exactly cols characters without escapes', async () => {
    const { terminal, snapshot } = make(10, 3);
    await write(terminal, 'hi\r\nthere');
    expect(snapshot.frame().lines).toEqual(['hi        ', 'there     ', '          ']);
  });

  it('writes SGR for the 16-colour palette, 256 colours, truecolor and every flag', async () => {
    const { terminal, snapshot } = make(12, 2);
    await write(terminal, '\x1b[31mr\x1b[92mg\x1b[44mb\x1b[0m\x1b[105mm\x1b[0m\x1b[38;5;123mx\x1b[48;2;1;2;3my\x1b[0m');
    await write(terminal, '\r\n\x1b[1ma\x1b[22;2mb\x1b[22;3mc\x1b[23;4md\x1b[24;5me\x1b[25;7mf\x1b[27;8mg\x1b[28;9mh\x1b[29;53mi\x1b[0m');
    const [first, second] = snapshot.frame().lines;
    expect(first).toBe(
      '\x1b[0;31mr\x1b[0;92mg\x1b[0;92;44mb\x1b[0;105mm\x1b[0;38;5;123mx\x1b[0;38;5;123;48;2;1;2;3my\x1b[0m      \x1b[0m',
    );
    expect(second).toBe(
      '\x1b[0;1ma\x1b[0;2mb\x1b[0;3mc\x1b[0;4md\x1b[0;5me\x1b[0;7mf\x1b[0;8mg\x1b[0;9mh\x1b[0;53mi\x1b[0m   \x1b[0m',
    );
  });

  it('keeps a coloured background across blanks and ends a styled row with a reset', async () => {
    const { terminal, snapshot } = make(6, 1);
    await write(terminal, '\x1b[41m  \x1b[0mab\x1b[7m  ');
    const line = snapshot.frame().lines[0] ?? '';
    expect(line).toBe('\x1b[0;41m  \x1b[0mab\x1b[0;7m  \x1b[0m');
    expect(strip(line)).toHaveLength(6);
  });

  it('prints wide characters once and skips their continuation cells', async () => {
    const { terminal, snapshot } = make(10, 3);
    await write(terminal, '中文a\x1b[45m字\x1b[0mb\r\n123456789中');
    const [first, second, third] = make3(snapshot.frame().lines);
    // 中 文 字 take two columns each: 2 + 2 + 1 + 2 + 1 = 8 columns, then 2 blanks.
    expect(first).toBe('中文a\x1b[0;45m字\x1b[0mb  \x1b[0m');
    // A wide character that would cross the right edge wraps: the row ends with one blank.
    expect(second).toBe('123456789 ');
    expect(third).toBe('中        ');
  });

  it('reports the cursor and hides it when the agent hides it (DECTCEM)', async () => {
    const { terminal, snapshot } = make(10, 4);
    await write(terminal, 'ab\r\ncde');
    expect(snapshot.frame().cursor).toEqual({ x: 3, y: 1, visible: true });
    await write(terminal, '\x1b[?25l');
    expect(snapshot.frame().cursor.visible).toBe(false);
    await write(terminal, '\x1b[?25h\x1b[4;7H');
    expect(snapshot.frame().cursor).toEqual({ x: 6, y: 3, visible: true });
  });

  it('scrolls back into history, clamped, with the cursor hidden while scrolled', async () => {
    const { terminal, snapshot } = make(8, 4);
    await write(terminal, Array.from({ length: 10 }, (_, i) => `row${i + 1}`).join('\r\n'));
    const live = snapshot.frame();
    expect(live.lines.map((line) => line.trimEnd())).toEqual(['row7', 'row8', 'row9', 'row10']);
    expect(live.historyRows).toBe(6);
    const back = snapshot.frame(2);
    expect(back.lines.map((line) => line.trimEnd())).toEqual(['row5', 'row6', 'row7', 'row8']);
    expect(back.scrollOffset).toBe(2);
    expect(back.cursor.visible).toBe(false);
    const top = snapshot.frame(1_000);
    expect(top.lines[0]?.trimEnd()).toBe('row1');
    expect(top.scrollOffset).toBe(6);
    expect(snapshot.frame(-5).scrollOffset).toBe(0);
  });

  it('reuses the previous lines array when no row changed, and the frame when nothing was parsed', async () => {
    const { terminal, snapshot } = make(10, 3);
    await write(terminal, 'one\r\ntwo');
    const first = snapshot.frame();
    expect(snapshot.frame()).toBe(first);
    await write(terminal, '\x1b[H'); // moves the cursor, changes no row
    const second = snapshot.frame();
    expect(second).not.toBe(first);
    expect(second.lines).toBe(first.lines);
    await write(terminal, '\x1b[3;1Hthree');
    const third = snapshot.frame();
    expect(third.lines).not.toBe(second.lines);
    expect(third.lines).toEqual(['one       ', 'two       ', 'three     ']);
    // The array of the earlier frame was not modified in place.
    expect(second.lines[2]).toBe('          ');
  });

  it('follows a resize with rows of the new width', async () => {
    const { terminal, snapshot } = make(10, 3);
    await write(terminal, '\x1b[41mabcdefghij');
    snapshot.frame();
    terminal.resize(4, 2);
    const frame = snapshot.frame();
    expect(frame.cols).toBe(4);
    expect(frame.lines).toHaveLength(2);
    for (const line of frame.lines) expect(strip(line)).toHaveLength(4);
  });

  it('marks the alternate screen', async () => {
    const { terminal, snapshot } = make(10, 3);
    await write(terminal, '\x1b[?1049h');
    expect(snapshot.frame().isAlternateScreen).toBe(true);
    await write(terminal, '\x1b[?1049l');
    expect(snapshot.frame().isAlternateScreen).toBe(false);
  });
});

describe('ScreenSnapshot row memo', () => {
  /** Deterministic output of scrolling, in-place edits, styles, wide and combined characters. */
  const chunks = (): string[] => {
    const out: string[] = [];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const words = ['build', '\x1b[1mok\x1b[0m', '\x1b[38;5;42mtest\x1b[0m', '漢字', '👍🏽', 'e\u0301', '\x1b[48;2;9;9;9mbg\x1b[0m'];
    for (let i = 0; i < 400; i++) {
      const kind = next(6);
      if (kind === 0) out.push(`\x1b[${1 + next(8)};${1 + next(30)}H${words[next(words.length)]}`);
      else if (kind === 1) out.push(`\r\x1b[2K${words[next(words.length)]} ${i}`);
      else out.push(`${words[next(words.length)]} line ${i} ${'x'.repeat(next(40))}\r\n`);
    }
    return out;
  };

  it('gives every frame exactly the rows a snapshot without memory renders, as the screen scrolls and changes', async () => {
    const { terminal, snapshot } = make(32, 8);
    for (const chunk of chunks()) {
      await write(terminal, chunk);
      const fresh = new ScreenSnapshot(terminal);
      expect(snapshot.frame().lines).toEqual(fresh.frame().lines);
      fresh.dispose();
    }
  });

  it('renders again a row whose cells changed in place, also with the same line object', async () => {
    const { terminal, snapshot } = make(10, 2);
    await write(terminal, 'abc\r\ndef');
    expect(snapshot.frame().lines[0]).toBe('abc       ');
    await write(terminal, '\x1b[1;2H\x1b[31mX');
    expect(snapshot.frame().lines[0]).toBe('a\x1b[0;31mX\x1b[0mc       \x1b[0m');
    expect(snapshot.frame().lines[1]).toBe('def       ');
  });

  it('renders only the row that came in when the screen scrolled by one', async () => {
    const { terminal, snapshot } = make(10, 4);
    await write(terminal, 'one\r\ntwo\r\nthree\r\nfour');
    snapshot.frame();
    const renders = vi.spyOn(snapshot as unknown as { renderRow: () => string }, 'renderRow');
    await write(terminal, '\r\nfive');
    expect(snapshot.frame().lines.map(strip)).toEqual(['two       ', 'three     ', 'four      ', 'five      ']);
    expect(renders).toHaveBeenCalledTimes(1);
  });
});
