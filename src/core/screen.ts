/**
 * What the UI draws for one lane's terminal: plain data, independent of the emulator, so that it
 * can cross a process boundary (SPEC §8) unchanged.
 */
export interface ScreenFrame {
  cols: number;
  rows: number;
  /**
   * One string per visible row, each exactly `cols` columns wide when printed, with SGR escape
   * sequences for style and ending in an SGR reset when styled. Rows that did not change since the
   * previous frame of the same lane are the identical string value.
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
