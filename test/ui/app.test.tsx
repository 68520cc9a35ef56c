import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTheme, themesDirectory, type Theme } from '../../src/config/theme.js';
import { COMMAND_CHOICE, type Overlay } from '../../src/app/store.js';
import { textField } from '../../src/core/form.js';
import { helpRows } from '../../src/core/keymap.js';
import { App } from '../../src/ui/App.js';
import { waitFor } from '../helpers/wait-for.js';
import { keymapWith, laneView, makeAppStore, renderWithStore, type Rendered, type StoreOptions } from '../helpers/ui-render.js';

let theme: Theme;
let rendered: Rendered | undefined;

beforeAll(async () => {
  theme = await loadTheme('dark', { themesDir: themesDirectory(), env: {} });
});

afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

const renderApp = (options: StoreOptions): Rendered => {
  const store = makeAppStore({ theme, ...options });
  rendered = renderWithStore(store, <App />);
  return rendered;
};

/** Columns where a pane's top-left corner is drawn on `line`. */
const corners = (line: string): number[] => {
  const out: number[] = [];
  let column = 0;
  for (const ch of line) {
    if (ch === '╭') out.push(column);
    column += stringWidth(ch);
  }
  return out;
};

const twoLanes = [laneView('alpha'), laneView('beta', { status: { kind: 'waiting' } })];

describe('App', () => {
  it('says the terminal is too small below 20 columns', () => {
    const text = renderApp({ cols: 19, rows: 30, state: { lanes: twoLanes } }).text();
    expect(text).toContain('terminal too small');
    expect(text).not.toContain('alpha');
  });

  it('says the terminal is too small below 7 rows (6 for a pane, 1 for the footer)', () => {
    expect(renderApp({ cols: 100, rows: 6, state: { lanes: twoLanes } }).text()).toContain('terminal too small');
    rendered?.unmount();
    const justEnough = renderApp({ cols: 20, rows: 7, state: { lanes: twoLanes.slice(0, 1) } }).text();
    expect(justEnough).not.toContain('too small');
    expect(justEnough).toContain('1 alpha');
  });

  it('invites to create a lane with the configured key when there are none', () => {
    expect(renderApp({}).text()).toContain('No lanes yet.');
    expect(rendered?.text()).toContain('Press n to start an agent in a new worktree.');
    rendered?.unmount();
    expect(renderApp({ keymap: keymapWith({ 'new-lane': 'ctrl+n' }) }).text()).toContain('Press Ctrl-n to start');
  });

  it('draws two lanes side by side at 100×30, each with its title, and the footer last', () => {
    const lines = renderApp({ cols: 100, rows: 30, state: { lanes: twoLanes } }).lines();
    expect(lines).toHaveLength(30);
    expect(corners(lines[0] ?? '')).toEqual([0, 50]);
    expect(lines[0]).toMatch(/^╭─ 1 alpha .*╮╭─ 2 beta .*╮$/);
    expect(stringWidth(lines[0] ?? '')).toBe(100);
    expect(lines[28]).toMatch(/^╰─+╯╰─+╯$/);
    expect(lines[29]).toMatch(/^ NAV {2}main · 2 lanes /);
    for (const line of lines.slice(1, 28)) expect(corners(line)).toEqual([]);
  });

  it('draws one frame per lane in a 2×2 grid for four lanes', () => {
    const lanes = ['alpha', 'beta', 'gamma', 'delta'].map((name) => laneView(name));
    const lines = renderApp({ cols: 100, rows: 30, state: { lanes } }).lines();
    const rowsWithCorners = lines.flatMap((line, row) => (corners(line).length > 0 ? [[row, corners(line)] as const] : []));
    expect(rowsWithCorners).toEqual([
      [0, [0, 50]],
      [15, [0, 50]],
    ]);
    expect(lines[15]).toMatch(/^╭─ 3 gamma .*╮╭─ 4 delta .*╮$/);
  });

  it('shows only the focused lane when zoomed', () => {
    const lines = renderApp({ cols: 100, rows: 30, state: { lanes: twoLanes, focus: 1, isZoomed: true } }).lines();
    expect(corners(lines[0] ?? '')).toEqual([0]);
    expect(lines[0]).toMatch(/^╭─ 2 beta /);
    expect(lines.join('\n')).not.toContain('alpha');
  });

  it('marks the focused pane in type mode', () => {
    const lines = renderApp({ state: { lanes: twoLanes, focus: 1, mode: 'type' } }).lines();
    const [left, right] = [lines[0]?.slice(0, 50) ?? '', lines[0]?.slice(50) ?? ''];
    expect(right).toContain(' TYPE ');
    expect(left).not.toContain('TYPE');
  });

  it('shows the help overlay instead of the panes, listing every key', () => {
    const keymap = keymapWith();
    const text = renderApp({ keymap, state: { lanes: twoLanes, overlay: { kind: 'help' } } }).text();
    expect(text).not.toContain('1 alpha');
    // Long descriptions wrap onto a second row: compare with borders and runs of blanks removed.
    const flat = text.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
    for (const row of helpRows(keymap)) expect(flat).toContain(` ${row.description} `);
  });

  it('redraws when the store changes', async () => {
    const store = makeAppStore({ theme, state: { lanes: twoLanes } });
    rendered = renderWithStore(store, <App />);
    expect(rendered.text()).toContain('2 lanes');
    store.setState({ lanes: [...twoLanes, laneView('gamma')] });
    await waitFor(() => rendered?.text().includes('3 gamma'), 2_000, 'the third pane');
    expect(rendered.text()).toContain('3 lanes');
  });

  it('shows the page of the focused lane when the lanes do not fit on one screen', () => {
    const lanes = Array.from({ length: 10 }, (_, i) => laneView(`lane${i + 1}`));
    const lines = renderApp({ cols: 100, rows: 30, state: { lanes, focus: 9 } }).lines();
    expect(corners(lines[0] ?? '')).toEqual([0]);
    expect(lines[0]).toMatch(/^╭─ 10 lane10 /);
    expect(lines[29]).toContain('10 lanes · page 2/2');
  });

  it('draws exactly the screen, never wider, with any overlay at any size', () => {
    const form: Overlay = {
      kind: 'new-lane',
      field: 0,
      name: textField('a-rather-long-lane-name-for-a-small-form'),
      choice: 0,
      choices: ['shell', 'claude', 'codex', 'aider', 'gemini', 'opencode', COMMAND_CHOICE],
      command: textField(),
      prompt: textField('a first task that is longer than the form is wide, much longer'),
      error: undefined,
      isBusy: false,
    };
    const overlays: Array<Overlay | undefined> = [undefined, { kind: 'help' }, { kind: 'confirm-quit' }, form];
    for (const overlay of overlays) {
      for (const [cols, rows] of [[12, 5], [19, 30], [20, 7], [30, 8], [40, 12], [100, 7], [100, 30]] as const) {
        const lines = renderApp({ cols, rows, state: { lanes: twoLanes, overlay } }).lines();
        const what = `${overlay?.kind ?? 'panes'} at ${cols}×${rows}`;
        expect(lines, what).toHaveLength(rows);
        for (const line of lines) expect(stringWidth(line), `${what}: ${line}`).toBeLessThanOrEqual(cols);
        rendered?.unmount();
      }
    }
  });
});
