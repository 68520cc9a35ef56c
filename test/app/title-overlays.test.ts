import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { selectLayout } from '../../src/app/selectors.js';
import { TitleOverlays } from '../../src/app/title-overlays.js';
import { stripColumnMarks } from '../../src/core/screen.js';
import { paneHeader } from '../../src/ui/pane-header.js';
import { laneView, makeAppStore } from '../helpers/ui-render.js';

const plain = (text: string): string => stripColumnMarks(stripVTControlCharacters(text));

describe('TitleOverlays', () => {
  it("puts each visible pane's title over its border's fill, where the header leaves it", () => {
    const titles = new Map([['alpha', '⠋ Working'], ['beta', 'Reading files']]);
    const store = makeAppStore({ cols: 200, state: { lanes: [laneView('alpha'), laneView('beta', { overlapCount: 2 })] } });
    const state = store.getState();
    const overlays = new TitleOverlays((name) => titles.get(name)).overlays(state);
    const layout = selectLayout(state);
    expect([...overlays.keys()]).toEqual(['alpha', 'beta']);
    layout.panes.forEach((pane, index) => {
      const lane = state.lanes[pane.lane]!;
      const { titleSlot } = paneHeader({ number: index + 1, lane, width: pane.rect.width, isFocused: index === 0, isTyping: false, theme: state.theme });
      const overlay = overlays.get(lane.name)!;
      expect(overlay).toMatchObject({ row: pane.rect.y, x: pane.rect.x + titleSlot.x, width: titleSlot.width });
      expect(plain(overlay.text)).toMatch(new RegExp(`^· ${titles.get(lane.name)} ─+$`));
    });
  });

  it('gives the same overlay for the same title and header, another for another title, and a plain fill without one', () => {
    let title: string | undefined = '⠋ Working';
    const store = makeAppStore({ state: { lanes: [laneView('alpha')] } });
    const titles = new TitleOverlays(() => title);
    const first = titles.overlays(store.getState()).get('alpha');
    title = '⠙ Working';
    const second = titles.overlays(store.getState()).get('alpha');
    expect(plain(second!.text)).toContain('⠙ Working');
    title = '⠋ Working';
    expect(titles.overlays(store.getState()).get('alpha')).toBe(first);
    title = undefined;
    expect(plain(titles.overlays(store.getState()).get('alpha')!.text)).toMatch(/^─+$/);
  });

  it('draws none while a full-screen overlay covers the panes, or the terminal is too small', () => {
    const store = makeAppStore({ state: { lanes: [laneView('alpha')] } });
    const titles = new TitleOverlays(() => 'a title');
    store.setState({ overlay: { kind: 'help' } });
    expect(titles.overlays(store.getState()).size).toBe(0);
    store.setState({ overlay: { kind: 'confirm-quit' } });
    expect(titles.overlays(store.getState()).size).toBe(1);
    store.setState({ overlay: undefined, size: { cols: 10, rows: 4 } });
    expect(titles.overlays(store.getState()).size).toBe(0);
  });
});
