import type { Rect } from '../core/layout.js';
import type { Theme } from '../config/theme.js';
import type { RowOverlay } from '../ui/compositor.js';
import { paneHeader, titleOverlay, type PaneHeader } from '../ui/pane-header.js';
import { hidesPanes, selectLayout } from './selectors.js';
import type { AppState, LaneView } from './store.js';

/** What one pane's header was laid out from, and the title overlays made on it so far. */
interface Made {
  lane: LaneView;
  rect: Rect;
  number: number;
  isFocused: boolean;
  isTyping: boolean;
  theme: Theme;
  header: PaneHeader;
  /** Overlays by title: a spinner cycles through a few titles, each measured once. */
  byTitle: Map<string | undefined, RowOverlay>;
}

/** Titles remembered per pane (a spinner has ten frames; a title that keeps changing is measured anew). */
const MAX_TITLES = 32;

/**
 * The agents' titles in the pane borders, as row overlays for the compositor. Agents animate their
 * titles (a spinner ten times a second), so a title change never goes through the store and Ink:
 * the painter asks for the overlays on every paint, and only a pane whose title (or header) changed
 * gets another string — the compositor writes that one segment of its border row. Headers are laid
 * out again only when the pane's chrome changed, and each title is measured once per header.
 */
export class TitleOverlays {
  private made = new Map<string, Made>();

  constructor(private readonly titleOf: (lane: string) => string | undefined) {}

  /** One overlay per visible pane, keyed by lane name; none while the pane area is covered. */
  overlays(state: Pick<AppState, 'size' | 'lanes' | 'isZoomed' | 'focus' | 'mode' | 'overlay' | 'theme'>): Map<string, RowOverlay> {
    const overlays = new Map<string, RowOverlay>();
    const layout = selectLayout(state);
    if (hidesPanes(state.overlay) || layout.tooSmall) return overlays;
    const { theme } = state;
    for (const pane of layout.panes) {
      const lane = state.lanes[pane.lane];
      if (!lane) continue;
      const isFocused = pane.lane === state.focus;
      const isTyping = isFocused && state.mode === 'type';
      const title = this.titleOf(lane.name);
      const number = pane.lane + 1;
      let made = this.made.get(lane.name);
      if (!made || made.lane !== lane || made.rect !== pane.rect || made.number !== number || made.isFocused !== isFocused || made.isTyping !== isTyping || made.theme !== theme) {
        const header = paneHeader({ number, lane, width: pane.rect.width, isFocused, isTyping, theme });
        made = { lane, rect: pane.rect, number, isFocused, isTyping, theme, header, byTitle: new Map() };
        this.made.set(lane.name, made);
      }
      let overlay = made.byTitle.get(title);
      if (!overlay) {
        const { header } = made;
        overlay = { row: pane.rect.y, x: pane.rect.x + header.titleSlot.x, width: header.titleSlot.width, text: titleOverlay(header, title, theme) };
        if (made.byTitle.size >= MAX_TITLES) made.byTitle.clear();
        made.byTitle.set(title, overlay);
      }
      overlays.set(lane.name, overlay);
    }
    // Panes no longer shown (another page, a lane gone) are made again when they come back.
    if (this.made.size > overlays.size) for (const name of this.made.keys()) if (!overlays.has(name)) this.made.delete(name);
    return overlays;
  }
}
