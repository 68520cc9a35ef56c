/**
 * Pane layout (SPEC §4): a pure function from the pane area and the lane count to one rectangle per
 * lane shown. Rules:
 *
 * - 1 lane: the whole area. 2: side by side, stacked when the area is narrow (see
 *   `SIDE_BY_SIDE_MIN_WIDTH`). 3–4: a 2×2 grid. 5–6: 3 columns × 2 rows. 7–9: 3×3.
 * - A grid never has an empty cell: when the last row is not full, its last pane spans the rest of
 *   the row. Lanes fill the grid row by row.
 * - Column widths differ by at most 1, row heights too (the first columns/rows take the
 *   remainder), and the panes cover every cell of the area exactly once.
 * - No pane is smaller than the minimum pane size (default 20×6, which is also the "terminal too
 *   small" threshold). When the grid does not fit, it is shrunk (fewer columns or rows, at most 3
 *   of each), and the lanes that do not fit go to further pages of `perPage` lanes. Every page is
 *   laid out by the same rules for the lanes it holds.
 * - Zoomed: the zoomed lane alone fills the area; `page` is the page that lane is on.
 */

/** A rectangle of terminal cells, 0-based. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PaneSize {
  width: number;
  height: number;
}

export interface LayoutInput {
  /** Number of lanes. */
  count: number;
  /** Size of the pane area (the terminal minus the footer). */
  cols: number;
  rows: number;
  /** Index of the zoomed lane, if any. */
  zoomed?: number;
  /** Requested page; clamped to the pages there are. */
  page?: number;
  /** Smallest pane size allowed; default `MIN_PANE`. */
  minPane?: PaneSize;
}

export interface PaneLayout {
  /** Lane index. */
  index: number;
  rect: Rect;
}

export interface Layout {
  /** The lanes shown, in lane order. Empty when the area is too small or there are no lanes. */
  panes: PaneLayout[];
  /** The page shown (0-based). */
  page: number;
  /** Number of pages (at least 1, or 0 when the area is too small). */
  pages: number;
  /** Lanes per full page (0 when the area is too small). */
  perPage: number;
  /** True when not even one pane of the minimum size fits. */
  tooSmall: boolean;
}

/** SPEC §4: under 20×6 the terminal is too small for a pane. */
export const MIN_PANE: PaneSize = { width: 20, height: 6 };

/** SPEC §4 grids go up to 3×3. */
const MAX_GRID_SIDE = 3;

/**
 * Two lanes go side by side unless each pane would be narrower than this many columns, borders
 * included (40 inside). Agents print lines of 60–100 columns and wrap badly below about 40, while
 * a pane of half the height still shows plenty of them: below this width, stacked panes with
 * full-width lines read better. 80×24 stacks; 100×30 and 120×40 are side by side.
 */
export const SIDE_BY_SIDE_MIN_WIDTH = 42;

/** The page a lane is on. */
export const pageOf = (index: number, perPage: number): number =>
  perPage > 0 ? Math.floor(index / perPage) : 0;

const toCount = (value: number | undefined): number =>
  value !== undefined && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0;

/** Sizes of `parts` consecutive spans filling `total`, differing by at most 1, larger ones first. */
const split = (total: number, parts: number): number[] => {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
};

const offsets = (sizes: number[]): number[] => {
  const result: number[] = [];
  let position = 0;
  for (const size of sizes) {
    result.push(position);
    position += size;
  }
  return result;
};

interface Grid {
  columns: number;
  rows: number;
}

/** The grid for `count` lanes on one page, shrunk to what fits at the minimum pane size. */
const chooseGrid = (count: number, cols: number, maxColumns: number, maxRows: number): Grid => {
  let columns: number;
  if (count === 1) columns = 1;
  else if (count === 2) columns = Math.floor(cols / 2) < SIDE_BY_SIDE_MIN_WIDTH ? 1 : 2;
  else if (count <= 4) columns = 2;
  else columns = 3;
  columns = Math.min(columns, maxColumns);
  // Two stacked panes that do not fit go side by side after all (they fit: perPage >= 2).
  if (Math.ceil(count / columns) > maxRows) columns = Math.ceil(count / maxRows);
  return { columns, rows: Math.ceil(count / columns) };
};

/** Tile `area` with `count` panes on `grid`, row by row; the last pane spans the rest of its row. */
const tile = (area: Rect, grid: Grid, count: number): Rect[] => {
  const widths = split(area.width, grid.columns);
  const heights = split(area.height, grid.rows);
  const xs = offsets(widths);
  const ys = offsets(heights);
  return Array.from({ length: count }, (_, k) => {
    const column = k % grid.columns;
    const row = Math.floor(k / grid.columns);
    const x = area.x + (xs[column] ?? 0);
    const isLast = k === count - 1;
    const width = isLast ? area.x + area.width - x : (widths[column] ?? 0);
    return { x, y: area.y + (ys[row] ?? 0), width, height: heights[row] ?? 0 };
  });
};

export const computeLayout = (input: LayoutInput): Layout => {
  const cols = toCount(input.cols);
  const rows = toCount(input.rows);
  const count = toCount(input.count);
  const min = {
    width: Math.max(1, toCount(input.minPane?.width ?? MIN_PANE.width)),
    height: Math.max(1, toCount(input.minPane?.height ?? MIN_PANE.height)),
  };
  const maxColumns = Math.min(MAX_GRID_SIDE, Math.floor(cols / min.width));
  const maxRows = Math.min(MAX_GRID_SIDE, Math.floor(rows / min.height));
  if (maxColumns < 1 || maxRows < 1) return { panes: [], page: 0, pages: 0, perPage: 0, tooSmall: true };

  const perPage = maxColumns * maxRows;
  const pages = Math.max(1, Math.ceil(count / perPage));
  const area: Rect = { x: 0, y: 0, width: cols, height: rows };
  const zoomed = input.zoomed;
  if (zoomed !== undefined && Number.isInteger(zoomed) && zoomed >= 0 && zoomed < count) {
    return { panes: [{ index: zoomed, rect: area }], page: pageOf(zoomed, perPage), pages, perPage, tooSmall: false };
  }
  const page = Math.min(pages - 1, toCount(input.page));
  const first = page * perPage;
  const shown = Math.min(perPage, count - first);
  if (shown <= 0) return { panes: [], page, pages, perPage, tooSmall: false };
  const grid = chooseGrid(shown, cols, maxColumns, maxRows);
  const panes = tile(area, grid, shown).map((rect, k) => ({ index: first + k, rect }));
  return { panes, page, pages, perPage, tooSmall: false };
};

export type Direction = 'left' | 'right' | 'up' | 'down';

/** Length of the overlap of two spans. */
const overlap = (start1: number, size1: number, start2: number, size2: number): number =>
  Math.min(start1 + size1, start2 + size2) - Math.max(start1, start2);

/**
 * The pane next to `fromIndex` in `direction`, for focus moves: among panes wholly on that side
 * and overlapping it along the other axis, the nearest; then the one with the most overlap; then
 * the one whose centre is nearest the source's centre; then the lowest index. Undefined at the edge.
 */
export const neighbour = (panes: PaneLayout[], fromIndex: number, direction: Direction): number | undefined => {
  const source = panes.find((pane) => pane.index === fromIndex)?.rect;
  if (!source) return undefined;
  const isHorizontal = direction === 'left' || direction === 'right';
  let best: { index: number; gap: number; shared: number; distance: number } | undefined;
  for (const { index, rect } of panes) {
    if (index === fromIndex) continue;
    const gap = {
      right: rect.x - (source.x + source.width),
      left: source.x - (rect.x + rect.width),
      down: rect.y - (source.y + source.height),
      up: source.y - (rect.y + rect.height),
    }[direction];
    const shared = isHorizontal
      ? overlap(source.y, source.height, rect.y, rect.height)
      : overlap(source.x, source.width, rect.x, rect.width);
    if (gap < 0 || shared <= 0) continue;
    // Doubled centres stay integers.
    const distance = isHorizontal
      ? Math.abs(2 * rect.y + rect.height - (2 * source.y + source.height))
      : Math.abs(2 * rect.x + rect.width - (2 * source.x + source.width));
    const candidate = { index, gap, shared, distance };
    if (!best || isBetter(candidate, best)) best = candidate;
  }
  return best?.index;
};

const isBetter = (
  a: { index: number; gap: number; shared: number; distance: number },
  b: { index: number; gap: number; shared: number; distance: number },
): boolean => {
  if (a.gap !== b.gap) return a.gap < b.gap;
  if (a.shared !== b.shared) return a.shared > b.shared;
  if (a.distance !== b.distance) return a.distance < b.distance;
  return a.index < b.index;
};
