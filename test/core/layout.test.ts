import { describe, expect, it } from 'vitest';
import { computeLayout, neighbour, pageOf, type PaneLayout, type Rect } from '../../src/core/layout.js';

const rects = (count: number, cols: number, rows: number, page?: number): Rect[] =>
  computeLayout({ count, cols, rows, ...(page === undefined ? {} : { page }) }).panes.map((pane) => pane.rect);

const r = (x: number, y: number, width: number, height: number): Rect => ({ x, y, width, height });

describe('computeLayout: the rules of SPEC §4', () => {
  it('gives one lane the whole area', () => {
    expect(computeLayout({ count: 1, cols: 120, rows: 40 })).toEqual({
      panes: [{ index: 0, rect: r(0, 0, 120, 40) }], page: 0, pages: 1, perPage: 9, tooSmall: false,
    });
  });

  it('puts two lanes side by side when each pane is at least 42 columns wide', () => {
    expect(rects(2, 200, 50)).toEqual([r(0, 0, 100, 50), r(100, 0, 100, 50)]);
    expect(rects(2, 201, 50)).toEqual([r(0, 0, 101, 50), r(101, 0, 100, 50)]);
    expect(rects(2, 120, 39)).toEqual([r(0, 0, 60, 39), r(60, 0, 60, 39)]);
    expect(rects(2, 84, 24)).toEqual([r(0, 0, 42, 24), r(42, 0, 42, 24)]);
  });

  it('stacks two lanes when the area is narrow', () => {
    expect(rects(2, 80, 24)).toEqual([r(0, 0, 80, 12), r(0, 12, 80, 12)]);
    expect(rects(2, 83, 50)).toEqual([r(0, 0, 83, 25), r(0, 25, 83, 25)]);
  });

  it('puts two lanes side by side after all when stacking does not fit', () => {
    expect(rects(2, 60, 10)).toEqual([r(0, 0, 30, 10), r(30, 0, 30, 10)]);
  });

  it('puts 3 lanes in a 2×2 grid whose last lane spans its row', () => {
    expect(rects(3, 81, 25)).toEqual([r(0, 0, 41, 13), r(41, 0, 40, 13), r(0, 13, 81, 12)]);
  });

  it('puts 4 lanes in a 2×2 grid', () => {
    expect(rects(4, 80, 24)).toEqual([r(0, 0, 40, 12), r(40, 0, 40, 12), r(0, 12, 40, 12), r(40, 12, 40, 12)]);
  });

  it('puts 5 and 6 lanes in 3 columns × 2 rows', () => {
    expect(rects(5, 100, 30)).toEqual([
      r(0, 0, 34, 15), r(34, 0, 33, 15), r(67, 0, 33, 15), r(0, 15, 34, 15), r(34, 15, 66, 15),
    ]);
    expect(rects(6, 100, 30).map((rect) => [rect.x, rect.y])).toEqual([[0, 0], [34, 0], [67, 0], [0, 15], [34, 15], [67, 15]]);
  });

  it('puts 7 to 9 lanes in 3×3', () => {
    expect(rects(7, 90, 30).at(-1)).toEqual(r(0, 20, 90, 10));
    expect(rects(9, 90, 30).map((rect) => `${rect.x},${rect.y}`)).toEqual([
      '0,0', '30,0', '60,0', '0,10', '30,10', '60,10', '0,20', '30,20', '60,20',
    ]);
  });

  it('sends lanes beyond 9 to the next page', () => {
    const layout = computeLayout({ count: 11, cols: 200, rows: 40, page: 1 });
    expect(layout).toMatchObject({ page: 1, pages: 2, perPage: 9, tooSmall: false });
    expect(layout.panes).toEqual([
      { index: 9, rect: r(0, 0, 100, 40) }, { index: 10, rect: r(100, 0, 100, 40) },
    ]);
  });

  it('shrinks the grid to what fits at the minimum pane size', () => {
    // 50 columns hold 2 panes of 20, 40 rows hold 6 of 6 (but at most 3): 2 columns × 3 rows.
    const layout = computeLayout({ count: 9, cols: 50, rows: 40 });
    expect(layout).toMatchObject({ perPage: 6, pages: 2 });
    expect(layout.panes.map((pane) => pane.rect)).toEqual([
      r(0, 0, 25, 14), r(25, 0, 25, 14), r(0, 14, 25, 13), r(25, 14, 25, 13), r(0, 27, 25, 13), r(25, 27, 25, 13),
    ]);
    expect(rects(4, 100, 10)).toEqual([r(0, 0, 34, 10), r(34, 0, 33, 10), r(67, 0, 33, 10)]);
    expect(computeLayout({ count: 3, cols: 20, rows: 6 })).toMatchObject({ perPage: 1, pages: 3 });
  });

  it('honours a custom minimum pane size', () => {
    expect(computeLayout({ count: 4, cols: 80, rows: 24, minPane: { width: 50, height: 10 } }))
      .toMatchObject({ perPage: 2, pages: 2 });
  });

  it('reports a too small area and lays nothing out', () => {
    for (const [cols, rows] of [[19, 40], [120, 5], [0, 0]] as const) {
      expect(computeLayout({ count: 2, cols, rows })).toEqual({ panes: [], page: 0, pages: 0, perPage: 0, tooSmall: true });
    }
    expect(computeLayout({ count: 1, cols: 20, rows: 6 }).panes).toEqual([{ index: 0, rect: r(0, 0, 20, 6) }]);
  });

  it('clamps the page', () => {
    expect(computeLayout({ count: 11, cols: 120, rows: 40, page: 7 }).page).toBe(1);
    expect(computeLayout({ count: 11, cols: 120, rows: 40, page: -2 }).page).toBe(0);
    expect(computeLayout({ count: 11, cols: 120, rows: 40, page: Number.NaN }).page).toBe(0);
  });

  it('lays out no panes for no lanes', () => {
    expect(computeLayout({ count: 0, cols: 80, rows: 24 })).toEqual({ panes: [], page: 0, pages: 1, perPage: 9, tooSmall: false });
  });

  it('gives the zoomed lane the whole area on its own page', () => {
    expect(computeLayout({ count: 12, cols: 100, rows: 30, zoomed: 10, page: 0 })).toEqual({
      panes: [{ index: 10, rect: r(0, 0, 100, 30) }], page: 1, pages: 2, perPage: 9, tooSmall: false,
    });
    expect(computeLayout({ count: 2, cols: 100, rows: 30, zoomed: 5 }).panes).toHaveLength(2);
  });
});

describe('pageOf', () => {
  it('divides by the page size', () => {
    expect([0, 8, 9, 17, 18].map((index) => pageOf(index, 9))).toEqual([0, 0, 1, 1, 2]);
    expect(pageOf(4, 0)).toBe(0);
  });
});

describe('neighbour', () => {
  const panes = (count: number, cols: number, rows: number): PaneLayout[] => computeLayout({ count, cols, rows }).panes;

  it('moves through a 3×3 grid and stops at the edges', () => {
    const grid = panes(9, 90, 30);
    expect(['left', 'right', 'up', 'down'].map((dir) => neighbour(grid, 4, dir as 'left'))).toEqual([3, 5, 1, 7]);
    expect(neighbour(grid, 0, 'left')).toBeUndefined();
    expect(neighbour(grid, 0, 'up')).toBeUndefined();
    expect(neighbour(grid, 8, 'right')).toBeUndefined();
    expect(neighbour(grid, 8, 'down')).toBeUndefined();
    expect(neighbour(grid, 42, 'down')).toBeUndefined();
  });

  it('moves between a spanning pane and the row above', () => {
    const three = panes(3, 81, 24);
    expect(neighbour(three, 0, 'down')).toBe(2);
    expect(neighbour(three, 1, 'down')).toBe(2);
    // Equal overlap with lanes 0 and 1: lane 0's centre is nearer the spanning pane's centre.
    expect(neighbour(three, 2, 'up')).toBe(0);
    // An exact tie goes to the lower index.
    expect(neighbour(panes(3, 80, 24), 2, 'up')).toBe(0);
    expect(neighbour(panes(3, 80, 24), 1, 'left')).toBe(0);
  });

  it('prefers the touching pane, then the most overlap, then the nearest centre', () => {
    const source = { index: 0, rect: r(0, 10, 30, 10) };
    const far = { index: 1, rect: r(0, 0, 30, 4) };
    const near = { index: 2, rect: r(0, 4, 5, 6) };
    const wide = { index: 3, rect: r(5, 4, 20, 6) };
    const last = { index: 4, rect: r(25, 4, 5, 6) };
    expect(neighbour([source, far, near, wide, last], 0, 'up')).toBe(3);
    expect(neighbour([source, far, near, last], 0, 'up')).toBe(2);
    expect(neighbour([source, far], 0, 'up')).toBe(1);
    const farFromCentre = { index: 5, rect: r(0, 4, 12, 6) };
    const onlyOne = { index: 6, rect: r(12, 4, 18, 6) };
    const nearCentre = { index: 7, rect: r(14, 4, 12, 6) };
    expect(neighbour([source, farFromCentre, nearCentre], 0, 'up')).toBe(7);
    expect(neighbour([source, onlyOne], 0, 'up')).toBe(6);
  });
});
