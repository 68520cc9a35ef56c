/**
 * Terminal text helpers for the demo agent: colours, display widths, boxes. The agent runs as its
 * own process inside a lane's terminal, so this module uses nothing but the language itself.
 */

/** Widest line the agent prints, so it looks right in a 60-column pane. */
export const MAX_COLUMNS = 60;

const SGR = {
  bold: '1',
  dim: '2',
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
} as const;

export type Tone = keyof typeof SGR;

/** Colours on unless NO_COLOR is set (https://no-color.org). */
const isColor = (): boolean => !process.env.NO_COLOR;

export const paint = (tone: Tone | readonly Tone[], text: string): string => {
  if (!isColor()) return text;
  const codes = (typeof tone === 'string' ? [tone] : tone).map((name) => SGR[name]).join(';');
  return `\x1b[${codes}m${text}\x1b[0m`;
};

/** Carriage return + erase line: the next write replaces the current line. */
export const CLEAR_LINE = '\r\x1b[2K';

/** OSC 0: set the window (pane) title. */
export const setTitle = (title: string): string => `\x1b]0;${title}\x07`;

/** Drop escape sequences and control characters (typed input, width measurement). */
export const stripControls = (text: string): string =>
  text
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/[\x00-\x1f\x7f-\x9f]/g, '');

const isZeroWidth = (cp: number): boolean =>
  (cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f);

/** East Asian wide and emoji ranges common enough to matter for the demo's text. */
const isWide = (cp: number): boolean =>
  (cp >= 0x1100 && cp <= 0x115f) ||
  cp === 0x2728 ||
  (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
  (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xfe30 && cp <= 0xfe4f) ||
  (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) ||
  (cp >= 0x1f300 && cp <= 0x1f64f) ||
  (cp >= 0x1f680 && cp <= 0x1f6ff) ||
  (cp >= 0x1f900 && cp <= 0x1f9ff) ||
  (cp >= 0x20000 && cp <= 0x3fffd);

const charWidth = (char: string): number => {
  const cp = char.codePointAt(0) ?? 0;
  if (isZeroWidth(cp)) return 0;
  return isWide(cp) ? 2 : 1;
};

/** Columns a string takes in a terminal, ignoring escape sequences. */
export const displayWidth = (text: string): number => {
  let width = 0;
  for (const char of stripControls(text)) width += charWidth(char);
  return width;
};

/** Cut plain text to at most `columns`, ending in `…` when cut. */
export const truncate = (text: string, columns: number): string => {
  if (displayWidth(text) <= columns) return text;
  let out = '';
  let width = 0;
  for (const char of text) {
    const next = charWidth(char);
    if (width + next > columns - 1) break;
    out += char;
    width += next;
  }
  return `${out}…`;
};

/** Word-wrap plain text to `columns`; words longer than a line are truncated. */
export const wrap = (text: string, columns: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (displayWidth(candidate) <= columns) line = candidate;
    else {
      if (line) lines.push(line);
      line = truncate(word, columns);
    }
  }
  if (line) lines.push(line);
  return lines;
};

/** Pad plain text with spaces to exactly `columns` (after truncating). */
export const padTo = (text: string, columns: number): string => {
  const cut = truncate(text, columns);
  return cut + ' '.repeat(Math.max(0, columns - displayWidth(cut)));
};

/**
 * A rounded box around plain-text rows, `width` columns wide including the border. `paintRow`
 * styles each padded row (so colour never breaks the padding).
 */
export const box = (
  rows: readonly string[],
  width: number,
  tone: Tone,
  paintRow: (row: string, index: number) => string = (row) => row,
): string[] => {
  const inner = width - 4;
  const edge = (left: string, right: string): string => paint(tone, `${left}${'─'.repeat(width - 2)}${right}`);
  return [
    edge('╭', '╮'),
    ...rows.map((row, index) => `${paint(tone, '│')} ${paintRow(padTo(row, inner), index)} ${paint(tone, '│')}`),
    edge('╰', '╯'),
  ];
};

/**
 * Speed multiplier from `LANES_DEMO_SPEED` (tests use 50); anything missing, non-numeric or not
 * positive means normal speed.
 */
export const readSpeed = (value: string | undefined): number => {
  const speed = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(speed) && speed > 0 ? speed : 1;
};
