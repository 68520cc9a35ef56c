/**
 * Follows the cursor of a terminal through the byte stream a program writes to it, without keeping
 * the screen: enough to tell *where* each character lands. The latency bench uses it to see the
 * moment a typed probe character is printed at one cell (the typing pane's cursor), however the
 * multiplexer gets it there (absolute moves, relative moves, scroll regions, repainted rows) and
 * whatever other panes print meanwhile. Feeding a real emulator instead would cost the harness a
 * core while tmux forwards a flood to it, and delay what it measures.
 *
 * Handled: printable ASCII and UTF-8 (CJK two columns wide), C0 controls, CSI cursor moves, scroll
 * regions, autowrap with xterm's pending-wrap rule, save/restore, DEC graphics charset, OSC/DCS
 * strings (skipped). Erases that cover the watched cell (EL, ECH, ED, scrolls, line and character
 * inserts/deletes) are reported as erases.
 */

import { applyCsi } from './cursor-csi.mjs';

const GROUND = 0;
const ESCAPE = 1;
const CSI = 2;
const STRING = 3; // OSC, DCS, SOS, PM, APC: skipped up to BEL or ST
const STRING_ESC = 4;
const CHARSET = 5; // ESC ( X and friends: one more byte
const SKIP_ONE = 6;

const isWide = (cp) =>
  (cp >= 0x1100 && cp <= 0x115f) ||
  (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
  (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xfe30 && cp <= 0xfe4f) ||
  (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) ||
  (cp >= 0x1f300 && cp <= 0x1f64f) ||
  (cp >= 0x1f900 && cp <= 0x1f9ff) ||
  (cp >= 0x20000 && cp <= 0x3fffd);

export class CursorTracker {
  /**
   * @param {number} cols
   * @param {number} rows
   */
  constructor(cols, rows) {
    this.cols = cols;
    this.rows = rows;
    this.reset();
    /** The watched cell and what to call when something is printed there or it is erased. */
    this.watch = undefined;
  }

  reset() {
    this.row = 0;
    this.col = 0;
    this.top = 0;
    this.bottom = this.rows - 1;
    this.isAutowrap = true;
    this.isWrapPending = false;
    this.saved = { row: 0, col: 0 };
    /** G0 and G1 character sets; '0' (0x30) is DEC line drawing. */
    this.g = [0x42, 0x42];
    this.shift = 0;
    this.isGraphics = false;
    this.state = GROUND;
    this.params = [0];
    this.marker = 0;
    this.hasIntermediate = false;
    this.utf8Left = 0;
    this.codePoint = 0;
    this.lastChar = 0x20;
  }

  /**
   * Watch one cell: `onPrint(charCode)` for every character printed there (0 for a non-ASCII or
   * line-drawing character), `onErase()` when it is erased.
   */
  watchCell(row, col, onPrint, onErase = () => undefined) {
    this.watch = { row, col, onPrint, onErase };
  }

  unwatch() {
    this.watch = undefined;
  }

  /** @param {Buffer} data */
  feed(data) {
    for (let i = 0; i < data.length; i++) {
      const b = data[i];
      switch (this.state) {
        case GROUND:
          if (b >= 0x20 && b < 0x7f) {
            if (this.isWrapPending || this.isGraphics) {
              this.print(this.isGraphics ? 0 : b, 1);
              break;
            }
            // A run of printable ASCII that fits on the line: move the cursor once.
            let end = i + 1;
            const limit = Math.min(data.length, i + (this.cols - this.col));
            while (end < limit && data[end] >= 0x20 && data[end] < 0x7f) end++;
            const watch = this.watch;
            if (watch !== undefined && watch.row === this.row && watch.col >= this.col && watch.col < this.col + (end - i)) {
              watch.onPrint(data[i + watch.col - this.col]);
            }
            this.lastChar = data[end - 1];
            this.col += end - i;
            if (this.col >= this.cols) {
              this.col = this.cols - 1;
              if (this.isAutowrap) this.isWrapPending = true;
            }
            i = end - 1;
          } else if (b >= 0x80) this.utf8(b);
          else this.control(b);
          break;
        case ESCAPE:
          this.escape(b);
          break;
        case CSI:
          if (b >= 0x30 && b <= 0x39) {
            const p = this.params;
            p[p.length - 1] = p[p.length - 1] * 10 + (b - 0x30);
          } else if (b === 0x3b) this.params.push(0);
          else if (b >= 0x40 && b <= 0x7e) {
            this.state = GROUND;
            this.csi(b);
          } else if (b >= 0x3c && b <= 0x3f) this.marker = b;
          else if (b >= 0x20 && b <= 0x2f) this.hasIntermediate = true;
          else if (b === 0x1b) this.state = ESCAPE;
          else if (b < 0x20) this.control(b);
          break;
        case STRING:
          if (b === 0x07) this.state = GROUND;
          else if (b === 0x1b) this.state = STRING_ESC;
          break;
        case STRING_ESC:
          this.state = b === 0x5c ? GROUND : STRING;
          break;
        case CHARSET:
          this.g[this.charsetSlot] = b;
          this.isGraphics = this.g[this.shift] === 0x30;
          this.state = GROUND;
          break;
        case SKIP_ONE:
          this.state = GROUND;
          break;
      }
    }
  }

  utf8(b) {
    if (this.utf8Left > 0 && (b & 0xc0) === 0x80) {
      this.codePoint = (this.codePoint << 6) | (b & 0x3f);
      this.utf8Left -= 1;
      if (this.utf8Left === 0) this.print(0, isWide(this.codePoint) ? 2 : 1);
      return;
    }
    if ((b & 0xe0) === 0xc0) [this.utf8Left, this.codePoint] = [1, b & 0x1f];
    else if ((b & 0xf0) === 0xe0) [this.utf8Left, this.codePoint] = [2, b & 0x0f];
    else if ((b & 0xf8) === 0xf0) [this.utf8Left, this.codePoint] = [3, b & 0x07];
    else this.utf8Left = 0;
  }

  print(code, width) {
    if (this.isWrapPending && this.isAutowrap) {
      this.col = 0;
      this.lineFeed();
    }
    this.isWrapPending = false;
    if (width === 2 && this.col === this.cols - 1 && this.isAutowrap) {
      this.col = 0;
      this.lineFeed();
    }
    const watch = this.watch;
    if (watch !== undefined && this.row === watch.row && (this.col === watch.col || (width === 2 && this.col + 1 === watch.col))) {
      watch.onPrint(width === 1 ? code : 0);
    }
    this.lastChar = code;
    this.col += width;
    if (this.col >= this.cols) {
      this.col = this.cols - 1;
      if (this.isAutowrap) this.isWrapPending = true;
    }
  }

  control(b) {
    switch (b) {
      case 0x1b:
        this.state = ESCAPE;
        return;
      case 0x0d:
        this.col = 0;
        break;
      case 0x0a:
      case 0x0b:
      case 0x0c:
        this.lineFeed();
        break;
      case 0x08:
        if (this.col > 0) this.col -= 1;
        break;
      case 0x09:
        this.col = Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8);
        break;
      case 0x0e:
      case 0x0f:
        this.shift = b === 0x0e ? 1 : 0;
        this.isGraphics = this.g[this.shift] === 0x30;
        return;
      default:
        return;
    }
    this.isWrapPending = false;
  }

  lineFeed() {
    if (this.row === this.bottom) this.scrolled(this.top, this.bottom);
    else if (this.row < this.rows - 1) this.row += 1;
  }

  /** Rows top..bottom moved: the watched cell's content changed. */
  scrolled(top, bottom) {
    const watch = this.watch;
    if (watch !== undefined && watch.row >= top && watch.row <= bottom) watch.onErase();
  }

  escape(b) {
    this.state = GROUND;
    switch (b) {
      case 0x5b: // [
        this.state = CSI;
        this.params = [0];
        this.marker = 0;
        this.hasIntermediate = false;
        return;
      case 0x5d: // ]
      case 0x50: // P
      case 0x58: // X
      case 0x5e: // ^
      case 0x5f: // _
        this.state = STRING;
        return;
      case 0x28: // (
      case 0x29: // )
        this.state = CHARSET;
        this.charsetSlot = b - 0x28;
        return;
      case 0x2a:
      case 0x2b:
      case 0x23: // # (DECALN and friends)
      case 0x25:
        this.state = SKIP_ONE;
        return;
      case 0x37: // 7
        this.saved = { row: this.row, col: this.col };
        return;
      case 0x38: // 8
        this.row = this.saved.row;
        this.col = this.saved.col;
        break;
      case 0x44: // D: index
        this.lineFeed();
        break;
      case 0x45: // E: next line
        this.col = 0;
        this.lineFeed();
        break;
      case 0x4d: // M: reverse index
        if (this.row === this.top) this.scrolled(this.top, this.bottom);
        else if (this.row > 0) this.row -= 1;
        break;
      case 0x63: // c: full reset
        this.reset();
        this.scrolled(0, this.rows - 1);
        return;
      default:
        return;
    }
    this.isWrapPending = false;
  }

  csi(final) {
    // SGR, by far the most frequent, changes nothing the tracker follows.
    if (final !== 0x6d) applyCsi(this, final);
  }
}
