import { describe, expect, it } from 'vitest';
import { computeLayout, neighbour, pageOf, SIDE_BY_SIDE_MIN_WIDTH, type Layout, type LayoutInput } from '../../src/core/layout.js';
import { createRandom } from './random.js';

const randomInput = (random: ReturnType<typeof createRandom>): LayoutInput => {
  const input: LayoutInput = { count: random.int(0, 30), cols: random.int(0, 300), rows: random.int(0, 90) };
  if (random.next() < 0.3) input.minPane = { width: random.int(1, 40), height: random.int(1, 12) };
  if (random.next() < 0.5) input.page = random.int(-1, 5);
  return input;
};

/** Every cell of the area belongs to exactly one pane (returns a message, or '' when it does). */
const tilingError = (layout: Layout, cols: number, rows: number): string => {
  const owner = new Int32Array(cols * rows).fill(-1);
  for (const { index, rect } of layout.panes) {
    if (rect.width < 1 || rect.height < 1) return `lane ${index} has an empty rect`;
    if (rect.x < 0 || rect.y < 0 || rect.x + rect.width > cols || rect.y + rect.height > rows) {
      return `lane ${index} leaves the area`;
    }
    for (let y = rect.y; y < rect.y + rect.height; y++) {
      for (let x = rect.x; x < rect.x + rect.width; x++) {
        if (owner[y * cols + x] !== -1) return `lanes ${owner[y * cols + x]} and ${index} overlap at ${x},${y}`;
        owner[y * cols + x] = index;
      }
    }
  }
  const hole = owner.indexOf(-1);
  return hole >= 0 ? `cell ${hole % cols},${Math.floor(hole / cols)} belongs to no lane` : '';
};

const spread = (values: number[]): number => Math.max(...values) - Math.min(...values);

describe('computeLayout properties', () => {
  it('tiles the area exactly with panes no smaller than the minimum', () => {
    const random = createRandom(11);
    for (let run = 0; run < 1500; run++) {
      const input = randomInput(random);
      const layout = computeLayout(input);
      const min = input.minPane ?? { width: 20, height: 6 };
      const label = JSON.stringify(input);
      expect(layout.tooSmall, label).toBe(input.cols < min.width || input.rows < min.height);
      if (layout.tooSmall) {
        expect(layout.panes, label).toEqual([]);
        continue;
      }
      if (input.count > 0) expect(tilingError(layout, input.cols, input.rows), label).toBe('');
      for (const { rect } of layout.panes) {
        expect(rect.width >= min.width && rect.height >= min.height, label).toBe(true);
      }
      expect(layout.perPage, label).toBeGreaterThanOrEqual(1);
      expect(layout.perPage, label).toBeLessThanOrEqual(9);
      expect(layout.pages, label).toBe(Math.max(1, Math.ceil(input.count / layout.perPage)));
      expect(layout.page >= 0 && layout.page < layout.pages, label).toBe(true);
    }
  });

  it('keeps row heights and column widths within 1 of each other', () => {
    const random = createRandom(12);
    for (let run = 0; run < 1500; run++) {
      const input = randomInput(random);
      const { panes } = computeLayout(input);
      if (panes.length < 2) continue;
      const label = JSON.stringify(input);
      expect(spread(panes.map((pane) => pane.rect.height)), label).toBeLessThanOrEqual(1);
      // The last pane may span the rest of its row; every other pane is one grid cell.
      expect(spread(panes.slice(0, -1).map((pane) => pane.rect.width)), label).toBeLessThanOrEqual(1);
    }
  });

  it('shows every lane on exactly one page, in order', () => {
    const random = createRandom(13);
    for (let run = 0; run < 500; run++) {
      const input = randomInput(random);
      const first = computeLayout(input);
      if (first.tooSmall) continue;
      const seen: number[] = [];
      for (let page = 0; page < first.pages; page++) {
        const layout = computeLayout({ ...input, page });
        expect(layout.page).toBe(page);
        for (const { index } of layout.panes) {
          expect(pageOf(index, layout.perPage)).toBe(page);
          seen.push(index);
        }
        if (page < first.pages - 1) expect(layout.panes).toHaveLength(first.perPage);
      }
      expect(seen, JSON.stringify(input)).toEqual(Array.from({ length: input.count }, (_, i) => i));
    }
  });

  it('uses the grid of SPEC §4 whenever it fits at the minimum size', () => {
    const shape = (count: number, cols: number, rows: number): string => {
      const { panes } = computeLayout({ count, cols, rows });
      return `${new Set(panes.map((pane) => pane.rect.x)).size}x${new Set(panes.map((pane) => pane.rect.y)).size}`;
    };
    const random = createRandom(14);
    for (let run = 0; run < 300; run++) {
      const cols = random.int(60, 300);
      const rows = random.int(18, 90);
      const two = Math.floor(cols / 2) >= SIDE_BY_SIDE_MIN_WIDTH ? '2x1' : '1x2';
      expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((count) => shape(count, cols, rows)), `${cols}x${rows}`).toEqual([
        '1x1', two, '2x2', '2x2', '3x2', '3x2', '3x3', '3x3', '3x3',
      ]);
    }
  });

  it('zooms any lane to the whole area on its page', () => {
    const random = createRandom(15);
    for (let run = 0; run < 500; run++) {
      const input = { ...randomInput(random), count: random.int(1, 30) };
      const zoomed = random.int(0, input.count - 1);
      const layout = computeLayout({ ...input, zoomed });
      if (layout.tooSmall) continue;
      expect(layout.panes).toEqual([{ index: zoomed, rect: { x: 0, y: 0, width: input.cols, height: input.rows } }]);
      expect(layout.page).toBe(pageOf(zoomed, layout.perPage));
    }
  });

  it('moves focus only to a touching pane on the asked side', () => {
    const random = createRandom(16);
    for (let run = 0; run < 500; run++) {
      const { panes } = computeLayout(randomInput(random));
      for (const { index, rect } of panes) {
        for (const direction of ['left', 'right', 'up', 'down'] as const) {
          const target = panes.find((pane) => pane.index === neighbour(panes, index, direction))?.rect;
          const isOnEdge = { left: rect.x === 0, up: rect.y === 0, right: false, down: false }[direction];
          if (!target) {
            const isAtFarEdge = panes.every((pane) => ({
              left: pane.rect.x + pane.rect.width > rect.x,
              right: pane.rect.x < rect.x + rect.width,
              up: pane.rect.y + pane.rect.height > rect.y,
              down: pane.rect.y < rect.y + rect.height,
            })[direction]);
            expect(isAtFarEdge).toBe(true);
            continue;
          }
          expect(isOnEdge).toBe(false);
          const touches = {
            left: target.x + target.width === rect.x,
            right: rect.x + rect.width === target.x,
            up: target.y + target.height === rect.y,
            down: rect.y + rect.height === target.y,
          }[direction];
          expect(touches).toBe(true);
        }
      }
    }
  });
});
