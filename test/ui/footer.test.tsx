import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppState } from '../../src/app/store.js';
import { footerHints } from '../../src/core/keymap.js';
import { Footer } from '../../src/ui/Footer.js';
import { keymapWith, laneView, makeAppStore, renderWithStore, type Rendered, type StoreOptions } from '../helpers/ui-render.js';

let rendered: Rendered | undefined;

afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

/** The footer row at `width` columns for a store built from `options`. */
const footer = (options: StoreOptions, width = 100, pages = 1): string => {
  rendered = renderWithStore(makeAppStore(options), <Footer width={width} page={0} pages={pages} />);
  const lines = rendered.lines();
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
};

const lanes: AppState['lanes'] = [
  laneView('alpha', { status: { kind: 'busy' } }),
  laneView('beta', { status: { kind: 'busy' } }),
  laneView('gamma', { status: { kind: 'waiting' } }),
  laneView('delta', { status: { kind: 'exited', code: 1 } }),
];

describe('Footer', () => {
  it('shows the mode, the base branch and the lane count', () => {
    const row = footer({ base: 'develop', state: { lanes } });
    expect(row).toMatch(/^ NAV {2}develop · 4 lanes /);
  });

  it('counts lanes by status, with each status symbol', () => {
    const row = footer({ state: { lanes } });
    expect(row).toContain('●2 busy');
    expect(row).toContain('◆1 waiting');
    expect(row).toContain('■1 exited');
    expect(row).not.toContain('starting');
  });

  it('shows every key hint of the default key map when there is room', () => {
    const keymap = keymapWith();
    const row = footer({ keymap });
    const hints = footerHints(keymap);
    expect(hints.length).toBeGreaterThan(3);
    // Ink trims the row's trailing blanks: the last hint may end the row.
    for (const hint of hints) expect(`${row} `).toContain(` ${hint.key} ${hint.label} `);
  });

  it('generates the hints from the key map: a changed key changes its hint', () => {
    const row = footer({ keymap: keymapWith({ 'new-lane': 'N', help: 'f1' }) });
    expect(row).toContain(' N new ');
    expect(row).not.toContain(' n new ');
    expect(row).toContain(' F1 help ');
    expect(row).not.toContain(' ? help ');
  });

  it('shows the notice text', () => {
    const row = footer({ state: { lanes: lanes.slice(0, 1), notice: { id: 1, text: 'lane beta: agent exited (1); R restarts it', level: 'warning' } } });
    expect(row).toContain('lane beta: agent exited (1); R restarts it');
  });

  it('shows the page when the lanes do not fit on one screen', () => {
    expect(footer({ state: { lanes } }, 100, 3)).toContain('page 1/3');
  });

  it('shows the leave key, from the key map, in type mode', () => {
    const row = footer({ keymap: keymapWith({ 'leave-type': 'ctrl+g' }), state: { lanes, mode: 'type' } });
    expect(row).toMatch(/^ TYPE /);
    expect(row).toContain('Ctrl-g leave type mode');
    expect(row).not.toContain(' new ');
  });

  it('asks the quit question while the quit dialog is open: detach, or end the running agents', () => {
    const row = footer({ state: { lanes, overlay: { kind: 'confirm-quit' } } }, 160);
    expect(row).toContain('Quit lanes? 3 agents keep running in the lanes host');
    expect(row).toContain('y detach');
    expect(row).toContain('e end them all and quit');
    expect(row).toContain('n stay');
    rendered?.unmount();
    const one = footer({ state: { lanes: [laneView('alpha', { status: { kind: 'paused' } }), laneView('beta', { status: { kind: 'stopped' } })], overlay: { kind: 'confirm-quit' } } });
    expect(one).toContain('Quit lanes? 1 agent keeps running');
    rendered?.unmount();
    const none = footer({ state: { lanes: [laneView('beta', { status: { kind: 'stopped' } })], overlay: { kind: 'confirm-quit' } } });
    expect(none).toContain('Quit lanes? No agent runs');
    expect(none).toContain('y quit');
  });

  it('never draws wider than its width, even with a long notice', () => {
    const notice = { id: 2, text: `merge of ${'x'.repeat(200)} done`, level: 'info' as const };
    for (const width of [20, 40, 60, 100]) {
      const row = footer({ state: { lanes, notice } }, width);
      expect(stringWidth(row), `at ${width}`).toBeLessThanOrEqual(width);
      rendered?.unmount();
    }
  });
});
