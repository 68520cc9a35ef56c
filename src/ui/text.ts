import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Cut plain text to at most `width` columns, ending in `…` when cut. Measured per character as
 * drawn (a grapheme: an emoji with its variation selector is one two-column character).
 */
export const truncate = (text: string, width: number): string => {
  if (width <= 0) return '';
  if (stringWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment: ch } of graphemes.segment(text)) {
    const w = stringWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
};

/** Pad plain text with spaces to exactly `width` columns (cutting it first when longer). */
export const fit = (text: string, width: number): string => {
  const cut = truncate(text, width);
  return cut + ' '.repeat(Math.max(0, width - stringWidth(cut)));
};

/**
 * Break plain text into lines of at most `width` columns at spaces; a word longer than a line is
 * cut with `…`. Always at least one line.
 */
export const wrapWords = (text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (stringWidth(candidate) <= width || line === '') line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines.map((l) => truncate(l, width));
};

export { stringWidth };

/** Remove control characters from text an agent controls (its title) before showing it. */
export const sanitize = (text: string): string => text.replace(/[\x00-\x1f\x7f-\x9f]/g, '');

const SGR_RESET = '\x1b[0m';
/** An escape sequence (CSI … final byte) or a column mark (`\0<col>\x01`, see core/screen.ts). */
const CONTROL = /\x1b\[[0-9;:?]*[ -/]*[@-~]|\0(\d+)\x01/g;

/**
 * A styled terminal row (SGR sequences and column marks, as ScreenFrame rows are) shown in exactly
 * `width` columns: cut when wider (a wide character that would straddle the edge is left out),
 * padded with spaces when narrower. For a screen of another size than its pane (another UI sets
 * the size of a shared lane): the top left part shows, as in tmux.
 */
export const fitRow = (row: string, rowWidth: number, width: number): string => {
  if (rowWidth === width) return row;
  if (rowWidth < width) return `${row}${SGR_RESET}${' '.repeat(width - rowWidth)}`;
  let out = '';
  let col = 0;
  let at = 0;
  /** Text up to the next control, grapheme by grapheme; false once the edge is reached. */
  const text = (run: string): boolean => {
    for (const { segment } of graphemes.segment(run)) {
      const w = segment.length === 1 && segment < '\x7f' ? 1 : stringWidth(segment);
      if (col + w > width) return false;
      out += segment;
      col += w;
    }
    return true;
  };
  for (const control of row.matchAll(CONTROL)) {
    if (!text(row.slice(at, control.index))) return `${out}${SGR_RESET}${' '.repeat(width - col)}`;
    at = control.index + control[0].length;
    if (control[1] !== undefined) {
      const to = Number(control[1]);
      if (to >= width) return `${out}${SGR_RESET}${' '.repeat(Math.max(0, width - col))}`;
      col = to;
    }
    out += control[0];
  }
  text(row.slice(at));
  return `${out}${SGR_RESET}${' '.repeat(Math.max(0, width - col))}`;
};
