import type { Rect } from '../core/layout.js';
import { withColumns, type ScreenFrame } from '../core/screen.js';
import { fitRow } from './text.js';

/** Where the compositor writes: the real terminal, or a test buffer. */
export interface Output {
  write(data: string): void;
}

export interface PaneBody {
  name: string;
  rect: Rect;
}

/**
 * A piece of one chrome row that the compositor draws over Ink's frame (a pane's title slot):
 * `text` takes exactly `width` columns from column `x` and may hold column marks (positions from
 * `x`). Drawn only when it changed or the chrome row under it was drawn again.
 */
export interface RowOverlay {
  row: number;
  x: number;
  width: number;
  text: string;
}

const ESC = '\x1b';
const moveTo = (row: number, col: number): string => `${ESC}[${row + 1};${col + 1}H`;
const RESET = `${ESC}[0m`;
const ERASE_LINE = `${ESC}[2K`;
/** Synchronized output (DEC 2026): the terminal shows the whole paint at once, no tearing. */
const BEGIN_SYNC = `${ESC}[?2026h`;
const END_SYNC = `${ESC}[?2026l`;
const SHOW_CURSOR = `${ESC}[?25h`;
const BELL = '\x07';
const HIDE_CURSOR = `${ESC}[?25l`;

/**
 * Owns the picture on the real terminal. Two sources are composed:
 *
 * - the *chrome* (borders, titles, footer, dialogs): full-screen frames rendered by Ink into a
 *   string, which change rarely (a status or focus change);
 * - the *pane bodies*: each lane's terminal rows, which change all the time;
 * - *row overlays*: pieces of chrome rows that change often (the agents' titles in the pane
 *   borders), drawn here so that such a change never runs Ink.
 *
 * Each paint writes only what changed since the last paint: whole chrome rows whose text changed,
 * and single pane rows whose string changed (rows of a frame that did not change are the identical
 * string, so the comparison is cheap). The cost follows the damage, not the screen size — the
 * point of this module (see docs: a full Ink redraw costs 15–20 ms of CPU, this a fraction of one).
 * Everything a paint draws (and a bell rung since the last one) is one write to the terminal.
 */
export class Compositor {
  private cols = 0;
  private rows = 0;
  private chrome: string[] = [];
  private paintedChrome: Array<string | undefined> = [];
  private panes: PaneBody[] = [];
  /** Last row strings written per pane, keyed by pane name. */
  private paintedPanes = new Map<string, Array<string | undefined>>();
  private isPaneAreaHidden = false;
  /** The lanes whose bodies are drawn: the same array until panes or the overlay change. */
  private shown: readonly string[] = [];
  private lastCursor = '';
  private overlays: ReadonlyMap<string, RowOverlay> = new Map();
  /** The overlays as last drawn, by key. */
  private paintedOverlays = new Map<string, RowOverlay>();
  private isBellPending = false;

  constructor(private readonly out: Output) {}

  /** A new terminal size: everything is drawn again on the next paint. */
  setSize(cols: number, rows: number): void {
    if (cols === this.cols && rows === this.rows) return;
    this.cols = cols;
    this.rows = rows;
    this.invalidate();
  }

  /** Forget what is on the terminal: the next paint draws every row. */
  invalidate(): void {
    this.paintedChrome = [];
    this.paintedPanes.clear();
    this.paintedOverlays.clear();
    this.lastCursor = '';
  }

  /** The latest chrome frame from Ink: one line per row. */
  setChrome(text: string): void {
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '' && lines.length > this.rows) lines.pop();
    this.chrome = lines;
  }

  /** Where each pane body is. Moved or resized panes are drawn again in full. */
  setPanes(panes: PaneBody[]): void {
    const before = new Map(this.panes.map((p) => [p.name, p.rect]));
    for (const pane of panes) {
      const old = before.get(pane.name);
      if (!old || !sameRect(old, pane.rect)) this.paintedPanes.delete(pane.name);
    }
    for (const name of before.keys()) {
      if (!panes.some((p) => p.name === name)) this.paintedPanes.delete(name);
    }
    this.panes = panes;
    this.shown = this.isPaneAreaHidden ? [] : panes.map((pane) => pane.name);
  }

  /** The lanes whose pane bodies are drawn (none while a full-screen overlay is open). */
  shownLanes(): readonly string[] {
    return this.shown;
  }

  /**
   * The row overlays to draw from the next paint on, by key (a pane's name). One that moved, changed
   * width or went away has its old place given back to the chrome (its rows are drawn again).
   */
  setOverlays(overlays: ReadonlyMap<string, RowOverlay>): void {
    for (const [key, painted] of this.paintedOverlays) {
      const next = overlays.get(key);
      if (next && next.row === painted.row && next.x === painted.x && next.width === painted.width) continue;
      this.paintedChrome[painted.row] = undefined;
      this.paintedOverlays.delete(key);
    }
    this.overlays = overlays;
  }

  /** Ring the terminal's bell with the next paint (in its one write). */
  ring(): void {
    this.isBellPending = true;
  }

  /** While a full-screen overlay (help, new-lane form) is open, pane bodies are not drawn. */
  setPaneAreaHidden(hidden: boolean): void {
    if (hidden === this.isPaneAreaHidden) return;
    this.isPaneAreaHidden = hidden;
    this.shown = hidden ? [] : this.panes.map((pane) => pane.name);
    if (!hidden) this.paintedPanes.clear();
  }

  /**
   * Draw what changed. `frameOf` returns each pane's current screen; `cursor` names the pane whose
   * agent cursor is shown as the real cursor (undefined hides it). Returns the bytes written.
   */
  paint(frameOf: (name: string) => ScreenFrame | undefined, cursor: string | undefined): number {
    let out = '';
    const frames = new Map<string, ScreenFrame | undefined>();
    const frame = (name: string): ScreenFrame | undefined => {
      if (!frames.has(name)) frames.set(name, frameOf(name));
      return frames.get(name);
    };
    const rowsToPaint = Math.min(this.rows, Math.max(this.chrome.length, this.rows));
    for (let row = 0; row < rowsToPaint; row++) {
      const chromeLine = this.chrome[row] ?? '';
      const isChromeChanged = this.paintedChrome[row] !== chromeLine;
      if (isChromeChanged) {
        out += moveTo(row, 0) + RESET + ERASE_LINE + chromeLine + RESET;
        this.paintedChrome[row] = chromeLine;
      }
      for (const [key, overlay] of this.overlays) {
        if (overlay.row !== row || (!isChromeChanged && this.paintedOverlays.get(key)?.text === overlay.text)) continue;
        out += moveTo(row, overlay.x) + withColumns(overlay.text, overlay.x) + RESET;
        this.paintedOverlays.set(key, overlay);
      }
      if (this.isPaneAreaHidden) continue;
      for (const pane of this.panes) {
        const { rect } = pane;
        if (row < rect.y || row >= rect.y + rect.height) continue;
        let painted = this.paintedPanes.get(pane.name);
        if (!painted) {
          painted = [];
          this.paintedPanes.set(pane.name, painted);
        }
        const index = row - rect.y;
        const line = lineFor(frame(pane.name), index, rect.width);
        if (!isChromeChanged && painted[index] === line) continue;
        out += moveTo(row, rect.x) + withColumns(line, rect.x) + RESET;
        painted[index] = line;
      }
    }
    const cursorSeq = this.cursorSequence(cursor ? frame(cursor) : undefined, cursor);
    if (out === '' && cursorSeq === this.lastCursor && !this.isBellPending) return 0;
    const data = BEGIN_SYNC + HIDE_CURSOR + out + cursorSeq + END_SYNC + (this.isBellPending ? BELL : '');
    this.lastCursor = cursorSeq;
    this.isBellPending = false;
    this.out.write(data);
    return data.length;
  }

  private cursorSequence(frame: ScreenFrame | undefined, name: string | undefined): string {
    const pane = name === undefined ? undefined : this.panes.find((p) => p.name === name);
    if (!frame || !pane || this.isPaneAreaHidden || !frame.cursor.visible) return HIDE_CURSOR;
    const { x, y } = frame.cursor;
    if (x >= pane.rect.width || y >= pane.rect.height) return HIDE_CURSOR;
    return moveTo(pane.rect.y + y, pane.rect.x + x) + SHOW_CURSOR;
  }
}

const blankCache = new Map<number, string>();
const blank = (width: number): string => {
  let line = blankCache.get(width);
  if (line === undefined) {
    line = ' '.repeat(width);
    blankCache.set(width, line);
  }
  return line;
};

/** Rows of frames of another width than their pane, fitted: the same source row gives the same string. */
const fitted = new Map<string, string>();
/** Bound of that cache (a frame of another size is a passing state: two screens' worth is plenty). */
const MAX_FITTED = 2_000;

/**
 * The string drawn for one row of a pane. A frame of another width than the pane (a resize on its
 * way, or another UI that sets a shared lane's size) is cut or padded to the pane's width, so its
 * rows never spill over the border.
 */
const lineFor = (frame: ScreenFrame | undefined, index: number, width: number): string => {
  const row = frame?.lines[index];
  if (!frame || row === undefined) return blank(width);
  if (frame.cols === width) return row;
  const key = `${frame.cols}\u0001${width}\u0001${row}`;
  let line = fitted.get(key);
  if (line === undefined) {
    line = fitRow(row, frame.cols, width);
    if (fitted.size >= MAX_FITTED) fitted.clear();
    fitted.set(key, line);
  }
  return line;
};

const sameRect = (a: Rect, b: Rect): boolean => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
