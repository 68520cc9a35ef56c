import { computeLayout, type Rect } from '../core/layout.js';
import type { AppState } from './store.js';

/** Rows at the bottom of the screen used by the footer. */
export const FOOTER_ROWS = 1;

/** Minimum pane size, borders included (SPEC §4: under 20×6 the terminal is too small). */
export const MIN_PANE = { width: 20, height: 6 };

export interface PanePlacement {
  /** Index of the lane in `state.lanes`. */
  lane: number;
  /** The pane's outer rectangle, borders included. */
  rect: Rect;
  /** Where the lane's terminal is drawn: inside the borders. */
  body: Rect;
}

export interface ScreenLayout {
  panes: PanePlacement[];
  page: number;
  pages: number;
  perPage: number;
  tooSmall: boolean;
}

let memoKey = '';
let memoValue: ScreenLayout = { panes: [], page: 0, pages: 1, perPage: 1, tooSmall: false };

/**
 * Where every visible pane goes. The visible page is the one holding the focused lane, so moving
 * focus is also how pages change. Memoised: the same inputs return the identical object.
 */
export const selectLayout = (state: Pick<AppState, 'size' | 'lanes' | 'isZoomed' | 'focus'>): ScreenLayout => {
  const count = state.lanes.length;
  const { cols, rows } = state.size;
  const key = `${cols}x${rows}:${count}:${state.isZoomed ? 'z' : ''}:${state.focus}`;
  if (key === memoKey) return memoValue;
  const area = { cols, rows: Math.max(0, rows - FOOTER_ROWS) };
  const probe = computeLayout({ count, ...area, minPane: MIN_PANE });
  const perPage = Math.max(1, probe.perPage);
  const page = Math.floor(state.focus / perPage);
  const layout = state.isZoomed
    ? computeLayout({ count, ...area, minPane: MIN_PANE, zoomed: state.focus })
    : computeLayout({ count, ...area, minPane: MIN_PANE, page });
  const panes: PanePlacement[] = layout.panes.map(({ index, rect }) => ({
    lane: index,
    rect,
    body: { x: rect.x + 1, y: rect.y + 1, width: Math.max(1, rect.width - 2), height: Math.max(1, rect.height - 2) },
  }));
  memoKey = key;
  memoValue = { panes, page: layout.page, pages: layout.pages, perPage, tooSmall: layout.tooSmall || (count > 0 && panes.length === 0) };
  return memoValue;
};
