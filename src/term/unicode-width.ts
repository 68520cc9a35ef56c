import type { IUnicodeVersionProvider, Terminal } from '@xterm/headless';

/**
 * Character widths for the emulator that match what agents and outer terminals use today.
 *
 * xterm headless ships only Unicode 6 widths, in which emoji such as ✅ or 😀 are one column wide.
 * Agents measure them as two (string-width, wcwidth of current C libraries) and so do modern
 * terminals, so with Unicode 6 the emulator would place the agent's text one column off after
 * every emoji, and a snapshot row would print one column wider than its pane. This provider keeps
 * the classic rules (Markus Kuhn's wcwidth: combining marks 0, East Asian wide and fullwidth 2)
 * and adds the current Emoji_Presentation characters as wide, taken from the JavaScript engine's
 * Unicode data.
 */
const VERSION = 'lanes';

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI_WIDE = /^\p{Emoji_Presentation}$/u;

/** East Asian wide and fullwidth ranges of Kuhn's wcwidth (inclusive pairs). */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], // Hangul Jamo initial consonants
  [0x2329, 0x232a], // angle brackets
  [0x2e80, 0x303e], // CJK radicals .. CJK symbols (U+303F, half-fill space, is narrow)
  [0x3040, 0xa4cf], // kana .. Yi
  [0xac00, 0xd7a3], // Hangul syllables
  [0xf900, 0xfaff], // CJK compatibility ideographs
  [0xfe10, 0xfe19], // vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small forms
  [0xff00, 0xff60], // fullwidth forms
  [0xffe0, 0xffe6], // fullwidth signs
  [0x20000, 0x2fffd], // CJK extension B and later
  [0x30000, 0x3fffd],
];

const computeWidth = (codepoint: number): 0 | 1 | 2 => {
  if (codepoint < 32 || (codepoint >= 0x7f && codepoint < 0xa0)) return 0;
  if (codepoint < 0x7f) return 1;
  const char = String.fromCodePoint(codepoint);
  // Soft hyphen is a format character that terminals nevertheless print one column wide.
  if (codepoint !== 0xad && ZERO_WIDTH.test(char)) return 0;
  // Hangul Jamo medial vowels and final consonants combine with the preceding syllable.
  if (codepoint >= 0x1160 && codepoint <= 0x11ff) return 0;
  if (EMOJI_WIDE.test(char)) return 2;
  for (const [first, last] of WIDE_RANGES) if (codepoint >= first && codepoint <= last) return 2;
  return 1;
};

/** Widths of the Basic Multilingual Plane, computed once per process (about 20 ms). */
let bmpWidths: Uint8Array | undefined;
const bmpTable = (): Uint8Array => {
  if (bmpWidths === undefined) {
    bmpWidths = new Uint8Array(0x10000);
    for (let codepoint = 0; codepoint < 0x10000; codepoint++) bmpWidths[codepoint] = computeWidth(codepoint);
  }
  return bmpWidths;
};

/** Astral characters seen so far (emoji mostly); bounded by the few thousand that are assigned wide or zero. */
const astralWidths = new Map<number, 0 | 1 | 2>();

export const charWidth = (codepoint: number): 0 | 1 | 2 => {
  if (codepoint < 0x10000) return bmpTable()[codepoint] as 0 | 1 | 2;
  let width = astralWidths.get(codepoint);
  if (width === undefined) {
    width = computeWidth(codepoint);
    // Only remember what differs from the default, so the map cannot grow past the table itself.
    if (width !== 1) astralWidths.set(codepoint, width);
  }
  return width;
};

/**
 * xterm packs a character's properties as (state << 3) | (width << 1) | shouldJoin (its
 * UnicodeService.createPropertyValue, not public API); the state is the provider's own. The widths
 * test in test/term guards this.
 */
const packProperties = (width: number, shouldJoin: boolean, state = 0): number => (state << 3) | ((width & 3) << 1) | (shouldJoin ? 1 : 0);
const widthOf = (properties: number): number => (properties >> 1) & 3;
const stateOf = (properties: number): number => properties >> 3;

/** What the cell so far is, for the emoji sequences that join (the provider's state). */
const PLAIN = 0;
/** A pictograph (✅, ⚠, 👨…): a variation selector, skin tone or joiner may follow. */
const PICTOGRAPH = 1;
/** A pictograph and a zero-width joiner: the next pictograph joins the same cell (👨‍👩‍👧). */
const JOINER = 2;
/** One regional indicator: a second one makes a flag (🇫🇷) in the same cell. */
const FLAG_HALF = 3;
/** A keycap base (`#`, `*`, a digit), possibly with VS16: U+20E3 makes it a keycap (1️⃣). */
const KEYCAP_BASE = 4;

const VS16 = 0xfe0f;
const ZWJ = 0x200d;
const KEYCAP = 0x20e3;
const PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
/** Pictographs of the Basic Multilingual Plane as met: 0 unknown, 1 no, 2 yes. */
const bmpPictographs = new Uint8Array(0x10000);
const astralPictographs = new Map<number, boolean>();
const isPictograph = (codepoint: number): boolean => {
  if (codepoint < 0xa9) return false;
  if (codepoint < 0x10000) {
    let known = bmpPictographs[codepoint];
    if (known === 0) {
      known = PICTOGRAPHIC.test(String.fromCodePoint(codepoint)) ? 2 : 1;
      bmpPictographs[codepoint] = known;
    }
    return known === 2;
  }
  let is = astralPictographs.get(codepoint);
  if (is === undefined) {
    is = PICTOGRAPHIC.test(String.fromCodePoint(codepoint));
    // Bounded: output full of rare characters must not grow the cache without end.
    if (astralPictographs.size < 8192) astralPictographs.set(codepoint, is);
  }
  return is;
};
const isSkinTone = (codepoint: number): boolean => codepoint >= 0x1f3fb && codepoint <= 0x1f3ff;
const isRegionalIndicator = (codepoint: number): boolean => codepoint >= 0x1f1e6 && codepoint <= 0x1f1ff;
const isKeycapBase = (codepoint: number): boolean => codepoint === 0x23 || codepoint === 0x2a || (codepoint >= 0x30 && codepoint <= 0x39);

/**
 * Emoji sequences take the cell of their first character, two columns wide, as current agents
 * (string-width) and terminals measure them: a text-style pictograph made emoji by VS16 (⚠️),
 * skin tones (👍🏽), joined families and professions (👨‍👩‍👧), flags (🇫🇷), keycaps (1️⃣).
 * Undefined when `codepoint` does not continue a sequence.
 */
const emojiSequence = (codepoint: number, preceding: number): number | undefined => {
  const state = stateOf(preceding);
  const precedingWidth = widthOf(preceding);
  if (preceding === 0 || precedingWidth === 0 || state === PLAIN) return undefined;
  if (state === PICTOGRAPH && (codepoint === VS16 || isSkinTone(codepoint))) return packProperties(2, true, PICTOGRAPH);
  if (state === PICTOGRAPH && codepoint === ZWJ) return packProperties(precedingWidth, true, JOINER);
  if (state === JOINER && isPictograph(codepoint)) return packProperties(2, true, PICTOGRAPH);
  if (state === FLAG_HALF && isRegionalIndicator(codepoint)) return packProperties(2, true, PLAIN);
  if (state === KEYCAP_BASE && codepoint === VS16) return packProperties(precedingWidth, true, KEYCAP_BASE);
  if (state === KEYCAP_BASE && codepoint === KEYCAP) return packProperties(2, true, PLAIN);
  return undefined;
};

const ASCII_PROPERTIES = packProperties(1, false, PLAIN);
const KEYCAP_BASE_PROPERTIES = packProperties(1, false, KEYCAP_BASE);

/**
 * The provider for one terminal. xterm widens a cell by a join without regard to insert mode (the
 * extra column overwrites the next character), and with autowrap off it joins onto the cell
 * before a base it dropped at the right margin: in those modes sequences are not joined.
 */
const providerFor = (terminal: Terminal): IUnicodeVersionProvider => ({
  version: VERSION,
  wcwidth: charWidth,
  // xterm's Unicode 6 rule (a zero-width character joins the cell before it), plus emoji sequences.
  charProperties(codepoint: number, preceding: number): number {
    // Printable ASCII, most of any output: one column, joins nothing (a keycap base may start one).
    if (codepoint >= 0x20 && codepoint < 0x7f) return isKeycapBase(codepoint) ? KEYCAP_BASE_PROPERTIES : ASCII_PROPERTIES;
    const sequence = emojiSequence(codepoint, preceding);
    if (sequence !== undefined && !terminal.modes.insertMode && terminal.modes.wraparoundMode) return sequence;
    let width: number = charWidth(codepoint);
    let shouldJoin = width === 0 && preceding !== 0;
    if (shouldJoin) {
      const precedingWidth = widthOf(preceding);
      if (precedingWidth === 0) shouldJoin = false;
      else if (precedingWidth > width) width = precedingWidth;
    }
    if (shouldJoin) return packProperties(width, true, PLAIN);
    // A lone regional indicator is one column (as string-width has it); its pair widens the cell.
    if (isRegionalIndicator(codepoint)) return packProperties(1, false, FLAG_HALF);
    return packProperties(width, false, isPictograph(codepoint) ? PICTOGRAPH : PLAIN);
  },
});

/** Make `terminal` measure characters with the provider above. Needs `allowProposedApi`. */
export const useCurrentWidths = (terminal: Terminal): void => {
  terminal.unicode.register(providerFor(terminal));
  terminal.unicode.activeVersion = VERSION;
};
