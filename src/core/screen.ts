/**
 * What the UI draws for one lane's terminal: plain data, independent of the emulator, so that it
 * can cross a process boundary (SPEC §8) unchanged.
 */
export interface ScreenFrame {
  cols: number;
  rows: number;
  /**
   * One string per visible row, each exactly `cols` columns wide when printed, with SGR escape
   * sequences for style and ending in an SGR reset when styled, and column marks (see
   * {@link columnMark}) after emoji sequences. Rows that did not change since the previous frame
   * of the same lane are the identical string value.
   */
  lines: string[];
  /** Cursor position in the visible rows (0-based); `visible` false when hidden or scrolled away. */
  cursor: { x: number; y: number; visible: boolean };
  /** How many rows the view is scrolled back into history (0 = live). */
  scrollOffset: number;
  /** Rows of history available above the live screen. */
  historyRows: number;
  /** True when the lane shows its alternate screen (full-screen programs: vim, less, htop). */
  isAlternateScreen: boolean;
}

/**
 * A mark in a row string: the next character belongs at column `col` of the row. Terminals
 * disagree on how wide emoji sequences are (⚠️, 👍🏽, 👨‍👩‍👧, 🇫🇷: two columns in most current
 * terminals, more in some), so the row says where the text goes on after one, and whoever draws
 * the row turns the mark into a cursor move (`withColumns`) or drops it (`stripColumnMarks`).
 * NUL never occurs in a row otherwise.
 */
export const columnMark = (col: number): string => `\0${col}\x01`;

const COLUMN_MARK = /\0(\d+)\x01/g;

/** A row drawn at screen column `left` (0-based): each mark becomes a cursor move to its column. */
export const withColumns = (line: string, left: number): string =>
  line.includes('\0') ? line.replace(COLUMN_MARK, (_mark, col: string) => `\x1b[${left + Number(col) + 1}G`) : line;

/** A row without its column marks (for reading its text). */
export const stripColumnMarks = (line: string): string => (line.includes('\0') ? line.replace(COLUMN_MARK, '') : line);
