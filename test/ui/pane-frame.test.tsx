import { stripVTControlCharacters } from 'node:util';
import { Box } from 'ink';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneView } from '../../src/app/store.js';
import { monochromeTheme } from '../../src/config/theme.js';
import type { Rect } from '../../src/core/layout.js';
import { stripColumnMarks } from '../../src/core/screen.js';
import { PaneFrame } from '../../src/ui/PaneFrame.js';
import { paneHeader, titleOverlay } from '../../src/ui/pane-header.js';
import { laneView, makeAppStore, renderWithStore, type Rendered } from '../helpers/ui-render.js';

const theme = monochromeTheme('test');
let rendered: Rendered | undefined;

afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

interface PaneOptions {
  number?: number;
  rect?: Rect;
  isFocused?: boolean;
  isTyping?: boolean;
  /** The title the agent set: drawn over the border's fill as the compositor does (titleOverlay). */
  title?: string;
}

/**
 * Render one pane frame in a 100-column screen; returns the rows of its rectangle, the top one with
 * the agent's title drawn into its slot the way the compositor draws it.
 */
const renderPane = (lane: LaneView, options: PaneOptions = {}): string[] => {
  const rect = options.rect ?? { x: 0, y: 0, width: 100, height: 8 };
  const rows = renderFrame(lane, rect, options);
  const header = paneHeader({ number: options.number ?? 1, lane, width: rect.width, isFocused: options.isFocused ?? false, isTyping: options.isTyping ?? false, theme });
  const { x, width } = header.titleSlot;
  const top = rows[0] ?? '';
  const overlay = stripColumnMarks(stripVTControlCharacters(titleOverlay(header, options.title, theme)));
  expect(stringWidth(overlay), 'the title overlay fills its slot exactly').toBe(width);
  return [sliceColumns(top, 0, x) + overlay + sliceColumns(top, x + width, rect.width - x - width), ...rows.slice(1)];
};

/** The rows of the pane's rectangle as Ink draws them (the chrome alone). */
const renderFrame = (lane: LaneView, rect: Rect, options: PaneOptions): string[] => {
  rendered = renderWithStore(
    makeAppStore(),
    <Box width={100} height={rect.y + rect.height}>
      <PaneFrame
        number={options.number ?? 1}
        lane={lane}
        rect={rect}
        isFocused={options.isFocused ?? false}
        isTyping={options.isTyping ?? false}
        theme={theme}
      />
    </Box>,
  );
  return rendered.lines().slice(rect.y, rect.y + rect.height).map((line) => sliceColumns(line, rect.x, rect.width));
};

/** The `width` columns of `line` from column `x` (wide characters count two). */
const sliceColumns = (line: string, x: number, width: number): string => {
  if (width <= 0) return '';
  let column = 0;
  let out = '';
  for (const ch of line) {
    const w = stringWidth(ch);
    if (column >= x && column + w <= x + width) out += ch;
    column += w;
  }
  return out;
};

describe('PaneFrame', () => {
  it('shows number, name, status symbol and label, branch and agent in the top border', () => {
    const [top] = renderPane(laneView('alpha', { status: { kind: 'waiting' }, agent: 'claude' }), { number: 3 });
    expect(top).toMatch(/^╭─ 3 alpha +◆ waiting +lanes\/alpha · claude ─+╮$/);
  });

  it('labels each status with its own symbol, exit code and failure reason included', () => {
    const cases: Array<[LaneView['status'], string]> = [
      [{ kind: 'starting' }, '◌ starting'],
      [{ kind: 'busy' }, '● busy'],
      [{ kind: 'paused' }, '⏸ paused'],
      [{ kind: 'exited', code: 3 }, '■ exited (3)'],
      [{ kind: 'exited', code: 0, signal: 9 }, '■ exited (signal 9)'],
      [{ kind: 'failed', reason: 'spawn ENOENT' }, '✖ failed (spawn ENOENT)'],
      [{ kind: 'missing' }, '? missing'],
      [{ kind: 'stopped' }, '○ stopped'],
    ];
    for (const [status, label] of cases) {
      const [top] = renderPane(laneView('alpha', { status }));
      expect(top, label).toContain(` ${label} `);
      rendered?.unmount();
    }
  });

  it('shows the title the agent set, without its control characters', () => {
    const [top] = renderPane(laneView('alpha'), { title: 'fix\x07 the \x1b[31mlogin' });
    expect(top).toContain('lanes/alpha · shell · fix the [31mlogin');
    expect(top).not.toContain('\x07');
  });

  it('leaves the agent title out of what Ink draws: the border carries a plain fill where it goes', () => {
    const lane = laneView('alpha');
    const rect = { x: 0, y: 0, width: 60, height: 6 };
    const [top] = renderFrame(lane, rect, {});
    const { x, width } = paneHeader({ number: 1, lane, width: 60, isFocused: false, isTyping: false, theme }).titleSlot;
    expect(top).toMatch(/^╭─ 1 alpha +● busy +lanes\/alpha · shell ─+╮$/);
    expect(sliceColumns(top ?? '', x, width)).toBe('─'.repeat(width));
    expect(x + width).toBe(59);
  });

  it('cuts a long title to its slot, keeps wide characters whole, and shows only the fill when the slot is too narrow', () => {
    const lane = laneView('alpha');
    // 51 columns leave a slot of 10 for the title: '· 修正ロ…' (9 columns: the next character is two wide) and one of fill.
    const [cut] = renderPane(lane, { rect: { x: 0, y: 0, width: 51, height: 6 }, title: '修正ログイン画面のバグを直す' });
    expect(cut).toBe('╭─ 1 alpha  ● busy  lanes/alpha · shell · 修正ロ…─╮');
    expect(stringWidth(cut ?? '')).toBe(51);
    // 44 columns leave 3: too few to say anything.
    const [none] = renderPane(lane, { rect: { x: 0, y: 0, width: 44, height: 6 }, title: 'a title' });
    expect(none).not.toContain('title');
    expect(none).toMatch(/─╮$/);
  });

  it('draws a bordered box of exactly the rectangle', () => {
    const rows = renderPane(laneView('alpha'), { rect: { x: 10, y: 2, width: 40, height: 6 } });
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(stringWidth(row)).toBe(40);
    expect(rows[0]).toMatch(/^╭.*╮$/);
    for (const row of rows.slice(1, -1)) expect(row).toBe(`│${' '.repeat(38)}│`);
    expect(rows[5]).toBe(`╰${'─'.repeat(38)}╯`);
  });

  it('shows TYPE on the focused pane in type mode only', () => {
    const [typing] = renderPane(laneView('alpha'), { isFocused: true, isTyping: true });
    expect(typing).toContain(' TYPE ');
    rendered?.unmount();
    const [focused] = renderPane(laneView('alpha'), { isFocused: true, isTyping: false });
    expect(focused).not.toContain('TYPE');
  });

  it('shows how far a lane is scrolled back, and nothing when it is live', () => {
    const [scrolled] = renderPane(laneView('alpha', { scrollOffset: 42 }));
    expect(scrolled).toContain(' ↑42 ');
    rendered?.unmount();
    const [live] = renderPane(laneView('alpha'));
    expect(live).not.toContain('↑');
  });

  it('drops branch and agent before the status, and the status before the name, when narrow', () => {
    const lane = laneView('alpha', { status: { kind: 'waiting' }, agent: 'claude' });
    const [medium] = renderPane(lane, { rect: { x: 0, y: 0, width: 24, height: 6 } });
    expect(medium).toContain(' 1 alpha ');
    expect(medium).toContain('◆ waiting');
    expect(medium).not.toContain('lanes/alpha');
    expect(medium).not.toContain('claude');
    rendered?.unmount();
    const [narrow] = renderPane(lane, { rect: { x: 0, y: 0, width: 20, height: 6 } });
    expect(narrow).toContain(' 1 alpha ');
    expect(narrow).not.toContain('waiting');
  });

  it('keeps the top border exactly as wide as the pane at every width, whatever the title holds', () => {
    const lanes: LaneView[] = [
      laneView('alpha'),
      laneView('a'.repeat(40), { status: { kind: 'failed', reason: 'agent command not found: definitely-not-installed' } }),
      laneView('wide', { scrollOffset: 1234 }),
      laneView('scrolled', { status: { kind: 'exited', code: 130 }, scrollOffset: 7, agent: 'node ./agents/echo-agent.js with args' }),
    ];
    for (const lane of lanes) {
      for (let width = 20; width <= 100; width += 1) {
        const title = lane.name === 'wide' ? '修正ログイン画面のバグ 🚀 and more' : undefined;
        const [top] = renderPane(lane, { rect: { x: 0, y: 0, width, height: 6 }, isFocused: true, isTyping: width % 2 === 0, ...(title ? { title } : {}) });
        expect(stringWidth(top ?? ''), `${lane.name} at ${width}: ${top}`).toBe(width);
        expect(top, `${lane.name} at ${width}`).toMatch(/^╭─.*╮$/);
        expect(top, `${lane.name} at ${width}`).toMatch(/^╭─ 1 /);
        rendered?.unmount();
      }
    }
  });

  it('keeps the top border exact when the title holds emoji written with a variation selector', () => {
    // '⚠️' and '✔️' are a symbol plus U+FE0F: two columns together, though each code point alone measures one.
    const lane = laneView('alpha');
    for (let width = 20; width <= 100; width += 1) {
      const [top] = renderPane(lane, { rect: { x: 0, y: 0, width, height: 6 }, title: '⚠️ build failing ✔️ lint ok ❤️' });
      expect(stringWidth(top ?? ''), `at ${width}: ${top}`).toBe(width);
      expect(top, `at ${width}`).toMatch(/^╭─.*╮$/);
      rendered?.unmount();
    }
  });
});
