/** A title is shown in one pane header: longer is noise, and bounds what an agent can make us keep. */
const MAX_TITLE_LENGTH = 256;
/** No screen is wider or taller; a bad size must not make xterm allocate gigabytes. */
const MAX_TERMINAL_SIZE = 4_096;
/**
 * xterm's smallest screen is 2 columns (it silently widens anything narrower); the PTY gets the
 * same minimum so that the agent and the emulator never disagree about the width.
 */
export const MIN_COLS = 2;
export const MIN_ROWS = 1;

/** `value` as a whole number of cells, at least `min` and at most MAX_TERMINAL_SIZE. */
export const clampSize = (value: number, min: number): number =>
  Number.isFinite(value) ? Math.min(MAX_TERMINAL_SIZE, Math.max(min, Math.floor(value))) : min;

/** Control characters (C0, DEL, C1) removed, length capped by code points. */
export const cleanTitle = (title: string): string => {
  const clean = title.replace(/[\x00-\x1f\x7f-\x9f]/g, '');
  return clean.length <= MAX_TITLE_LENGTH ? clean : Array.from(clean).slice(0, MAX_TITLE_LENGTH).join('');
};
