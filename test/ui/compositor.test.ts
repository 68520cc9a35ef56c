import { describe, expect, it } from 'vitest';
import xtermHeadless from '@xterm/headless';
import { columnMark, type ScreenFrame } from '../../src/core/screen.js';
import { ScreenSnapshot } from '../../src/term/snapshot.js';
import { useCurrentWidths } from '../../src/term/unicode-width.js';
import { Compositor } from '../../src/ui/compositor.js';

const { Terminal } = xtermHeadless;

const frame = (cols: number, lines: string[], cursor = { x: 0, y: 0, visible: false }): ScreenFrame => ({
  cols,
  rows: lines.length,
  lines: lines.map((l) => l.padEnd(cols)),
  cursor,
  scrollOffset: 0,
  historyRows: 0,
  isAlternateScreen: false,
});

/** Apply what the compositor wrote to a real emulator and read the screen back. */
const screenOf = async (writes: string[], cols: number, rows: number): Promise<string[]> => {
  const term = new Terminal({ cols, rows, allowProposedApi: true });
  for (const data of writes) await new Promise<void>((resolve) => term.write(data, resolve));
  const out: string[] = [];
  for (let y = 0; y < rows; y++) out.push(term.buffer.active.getLine(y)?.translateToString(true) ?? '');
  return out;
};

describe('Compositor', () => {
  it('draws the chrome and the pane bodies inside it', async () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(12, 4);
    c.setChrome(['+----------+', '|          |', '|          |', 'footer'].join('\n'));
    c.setPanes([{ name: 'a', rect: { x: 1, y: 1, width: 10, height: 2 } }]);
    const frames = { a: frame(10, ['hello', 'world']) };
    c.paint((n) => frames[n as 'a'], undefined);
    expect(await screenOf(writes, 12, 4)).toEqual(['+----------+', '|hello     |', '|world     |', 'footer']);
  });

  it('puts the text after an emoji sequence at its column, however wide the terminal draws it, and leaves nothing old behind', async () => {
    // The row as the snapshot of a lane's screen makes it (current widths: each sequence two columns).
    const lane = new Terminal({ cols: 12, rows: 1, allowProposedApi: true });
    useCurrentWidths(lane);
    await new Promise<void>((resolve) => lane.write('a⚠️b👨‍👩‍👧c', resolve));
    const row = new ScreenSnapshot(lane).frame().lines[0] as string;
    lane.dispose();

    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(14, 3);
    c.setChrome(['+------------+', '|            |', 'footer'].join('\n'));
    c.setPanes([{ name: 'a', rect: { x: 1, y: 1, width: 12, height: 1 } }]);
    // What was on the row before: every column taken.
    let frames = { a: { ...frame(12, []), rows: 1, lines: ['ABCDEFGHIJKL'] } };
    c.paint((n) => frames[n as 'a'], undefined);
    frames = { a: { ...frames.a, lines: [row] } };
    c.paint((n) => frames[n as 'a'], undefined);
    expect(writes.join('')).not.toContain('\0');
    // This emulator (Unicode 6 widths) draws ⚠️ one column wide and the family six: b and c land
    // where the lane has them, no old letter shows, and the border stays.
    const term = new Terminal({ cols: 14, rows: 3, allowProposedApi: true });
    for (const data of writes) await new Promise<void>((resolve) => term.write(data, resolve));
    const line = term.buffer.active.getLine(1);
    expect(line?.getCell(1 + 3)?.getChars()).toBe('b');
    expect(line?.getCell(1 + 6)?.getChars()).toBe('c');
    expect(line?.getCell(13)?.getChars()).toBe('|');
    expect(line?.translateToString(true)).not.toMatch(/[A-L]/);
  });

  it('writes only the rows that changed', () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(12, 4);
    c.setChrome('chrome\n\n\nfooter');
    c.setPanes([{ name: 'a', rect: { x: 0, y: 1, width: 12, height: 2 } }]);
    const lines = ['one'.padEnd(12), 'two'.padEnd(12)];
    let current = frame(12, []);
    current = { ...current, rows: 2, lines };
    c.paint(() => current, undefined);
    writes.length = 0;
    // Nothing changed: nothing written.
    expect(c.paint(() => current, undefined)).toBe(0);
    expect(writes).toEqual([]);
    // One row changed: only that row (plus cursor handling) is written.
    current = { ...current, lines: [lines[0] as string, 'TWO'.padEnd(12)] };
    c.paint(() => current, undefined);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('TWO');
    expect(writes[0]).not.toContain('one');
    expect(writes[0]).not.toContain('chrome');
  });

  it('repaints pane rows on a chrome row that changed, and hides panes under an overlay', async () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(10, 3);
    c.setChrome('#\n#\nfoot');
    c.setPanes([{ name: 'a', rect: { x: 1, y: 0, width: 5, height: 2 } }]);
    const f = frame(5, ['abc', 'def']);
    c.paint(() => f, undefined);
    c.setChrome('X\n#\nfoot');
    c.paint(() => f, undefined);
    expect((await screenOf(writes, 10, 3))[0]).toBe('Xabc  ');
    c.setPaneAreaHidden(true);
    c.setChrome('HELP\nHELP\nfoot');
    c.paint(() => f, undefined);
    expect((await screenOf(writes, 10, 3)).slice(0, 2)).toEqual(['HELP', 'HELP']);
  });

  it('draws a frame of another width than its pane cut or padded to the pane, never over its border', async () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(8, 3);
    c.setChrome('|      |\n|      |\nfoot');
    c.setPanes([{ name: 'a', rect: { x: 1, y: 0, width: 6, height: 2 } }]);
    c.paint(() => frame(20, ['x'.repeat(20), 'y'.repeat(20), 'z'.repeat(20)]), undefined);
    expect((await screenOf(writes, 8, 3)).slice(0, 2)).toEqual(['|xxxxxx|', '|yyyyyy|']);
    c.paint(() => frame(3, ['abc']), undefined);
    expect((await screenOf(writes, 8, 3)).slice(0, 2)).toEqual(['|abc   |', '|      |']);
  });

  it('shows the real cursor at the focused agent cursor, and hides it otherwise', async () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(10, 3);
    c.setChrome('\n\n');
    c.setPanes([{ name: 'a', rect: { x: 2, y: 1, width: 5, height: 2 } }]);
    c.paint(() => frame(5, ['ab', ''], { x: 2, y: 1, visible: true }), 'a');
    const last = writes[writes.length - 1] as string;
    expect(last).toContain('\x1b[3;5H\x1b[?25h');
    c.paint(() => frame(5, ['ab', ''], { x: 2, y: 1, visible: false }), 'a');
    expect(writes[writes.length - 1]).toMatch(/\x1b\[\?25l\x1b\[\?2026l$/);
  });

  it('draws a row overlay over its chrome row, and writes only that segment when only the overlay changed', async () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(16, 3);
    c.setChrome('╭─ 1 a ────────╮\n│              │\nfooter');
    c.setPanes([{ name: 'a', rect: { x: 1, y: 1, width: 14, height: 1 } }]);
    const f = frame(14, ['agent']);
    // Column 7 on: the fill, 8 columns; a column mark puts the fill after the title where it belongs.
    c.setOverlays(new Map([['a', { row: 0, x: 7, width: 8, text: `· ⠋ ${columnMark(4)}────` }]]));
    c.paint(() => f, undefined);
    expect(await screenOf(writes, 16, 3)).toEqual(['╭─ 1 a · ⠋ ────╮', '│agent         │', 'footer']);
    c.setOverlays(new Map([['a', { row: 0, x: 7, width: 8, text: `· ⠙ ${columnMark(4)}────` }]]));
    c.paint(() => f, undefined);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('⠙');
    expect(writes[1]).not.toContain('╭');
    expect(writes[1]).not.toContain('agent');
    // The same overlay again: nothing to write.
    c.setOverlays(new Map([['a', { row: 0, x: 7, width: 8, text: `· ⠙ ${columnMark(4)}────` }]]));
    expect(c.paint(() => f, undefined)).toBe(0);
    expect(await screenOf(writes, 16, 3)).toEqual(['╭─ 1 a · ⠙ ────╮', '│agent         │', 'footer']);
  });

  it('draws an overlay again over a chrome row drawn again, and gives the place of one that moved or went back to the chrome', async () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(12, 2);
    c.setChrome('╭─ a ──────╮\nfooter');
    c.setOverlays(new Map([['a', { row: 0, x: 5, width: 6, text: 'title ' }]]));
    c.paint(() => undefined, undefined);
    c.setChrome('╭─ A ──────╮\nfooter');
    c.paint(() => undefined, undefined);
    expect((await screenOf(writes, 12, 2))[0]).toBe('╭─ A title ╮');
    // The slot moved right (a longer header, the same chrome row): nothing of the old title stays.
    c.setOverlays(new Map([['a', { row: 0, x: 8, width: 3, text: 'ti…' }]]));
    c.paint(() => undefined, undefined);
    expect((await screenOf(writes, 12, 2))[0]).toBe('╭─ A ───ti…╮');
    c.setOverlays(new Map());
    c.paint(() => undefined, undefined);
    expect((await screenOf(writes, 12, 2))[0]).toBe('╭─ A ──────╮');
  });

  it('rings the bell in the paint it goes with: one write, and a paint of its own only when nothing else changed', () => {
    const writes: string[] = [];
    const c = new Compositor({ write: (d) => writes.push(d) });
    c.setSize(10, 2);
    c.setChrome('one\nfooter');
    c.ring();
    c.paint(() => undefined, undefined);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('one');
    expect(writes[0]?.match(/\x07/g)).toHaveLength(1);
    c.ring();
    c.paint(() => undefined, undefined);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('\x07');
    expect(c.paint(() => undefined, undefined)).toBe(0);
  });
});
