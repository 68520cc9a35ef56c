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

/** Whether the overlay covers the pane area (every overlay but the quit question, which sits in the footer). */
export const hidesPanes = (overlay: AppState['overlay']): boolean => overlay !== undefined && overlay.kind !== 'confirm-quit';

/** The terminal size of a lane: its pane's inside on its own page (or zoomed), never below 1×1. */
export const paneSizeFor = (state: Pick<AppState, 'size' | 'lanes' | 'isZoomed' | 'focus'>, name: string): { cols: number; rows: number } => {
  const index = Math.max(0, state.lanes.findIndex((l) => l.name === name));
  const area = { cols: state.size.cols, rows: Math.max(1, state.size.rows - FOOTER_ROWS) };
  const count = Math.max(1, state.lanes.length);
  const zoomed = state.isZoomed && index === state.focus ? index : undefined;
  const perPage = Math.max(1, computeLayout({ count, ...area, minPane: MIN_PANE }).perPage);
  const layout = computeLayout({ count, ...area, minPane: MIN_PANE, ...(zoomed === undefined ? { page: Math.floor(index / perPage) } : { zoomed }) });
  const pane = layout.panes.find((p) => p.index === index);
  if (!pane) return { cols: Math.max(1, area.cols - 2), rows: Math.max(1, area.rows - 2) };
  return { cols: Math.max(1, pane.rect.width - 2), rows: Math.max(1, pane.rect.height - 2) };
};
