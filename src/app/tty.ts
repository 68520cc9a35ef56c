/**
 * The real terminal: entering lanes' full-screen mode and restoring the user's terminal exactly as
 * it was, on every exit path (normal quit, error, signals). The sequence is also written by the
 * launcher process when the UI process dies without a chance to clean up (see cli/launcher.ts).
 */

const ESC = '\x1b';

/** Alternate screen, hidden cursor, no autowrap (a line that measures wider than we think is clipped
 * instead of scrolling the screen), bracketed paste, SGR mouse reporting (clicks and the wheel). */
export const ENTER_SEQUENCE = [
  `${ESC}[?1049h`,
  `${ESC}[?25l`,
  `${ESC}[?7l`,
  `${ESC}[?2004h`,
  `${ESC}[?1000h`,
  `${ESC}[?1006h`,
  `${ESC}[2J`,
].join('');

/**
 * Everything lanes or a misbehaving agent could have left on: mouse modes, bracketed paste, focus
 * reporting, kitty keyboard and modifyOtherKeys, scroll region, autowrap, colours, cursor; then the
 * normal screen.
 */
export const RESTORE_SEQUENCE = [
  `${ESC}[0m`,
  `${ESC}[?1000l`,
  `${ESC}[?1002l`,
  `${ESC}[?1003l`,
  `${ESC}[?1006l`,
  `${ESC}[?1004l`,
  `${ESC}[?2004l`,
  `${ESC}[<u`,
  `${ESC}[>4;0m`,
  `${ESC}[r`,
  `${ESC}[?7h`,
  `${ESC}[?25h`,
  `${ESC}[?1049l`,
].join('');

export interface Tty {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  size(): { cols: number; rows: number };
  /** Switch to full-screen raw mode. */
  enter(): void;
  /** Give the terminal back; safe to call more than once. */
  restore(): void;
  /** The terminal is gone (closed window, dropped connection): never write to it again. */
  markGone(): void;
  readonly isGone: boolean;
}

export const createTty = (stdin: NodeJS.ReadStream, stdout: NodeJS.WriteStream): Tty => {
  let isEntered = false;
  let isGone = false;
  return {
    stdin,
    stdout,
    get isGone() {
      return isGone;
    },
    markGone() {
      isGone = true;
    },
    size: () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 }),
    enter() {
      if (isEntered) return;
      isEntered = true;
      if (stdin.isTTY) stdin.setRawMode(true);
      stdin.setEncoding('utf8');
      stdin.resume();
      stdout.write(ENTER_SEQUENCE);
    },
    restore() {
      if (!isEntered) return;
      isEntered = false;
      if (isGone) return;
      try {
        stdout.write(RESTORE_SEQUENCE);
      } catch {
        // The terminal may be gone (hang-up); nothing left to restore.
      }
      try {
        if (stdin.isTTY) stdin.setRawMode(false);
      } catch {
        // Same: a closed terminal cannot leave raw mode.
      }
      stdin.pause();
    },
  };
};
