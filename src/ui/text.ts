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
