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
 * UnicodeService.createPropertyValue, not public API). The widths test in test/term guards this.
 */
const packProperties = (width: number, shouldJoin: boolean): number => ((width & 3) << 1) | (shouldJoin ? 1 : 0);
const widthOf = (properties: number): number => (properties >> 1) & 3;

const provider: IUnicodeVersionProvider = {
  version: VERSION,
  wcwidth: charWidth,
  // The same rule as xterm's Unicode 6 provider: a zero-width character joins the cell before it.
  charProperties(codepoint: number, preceding: number): number {
    let width: number = charWidth(codepoint);
    let shouldJoin = width === 0 && preceding !== 0;
    if (shouldJoin) {
      const precedingWidth = widthOf(preceding);
      if (precedingWidth === 0) shouldJoin = false;
      else if (precedingWidth > width) width = precedingWidth;
    }
    return packProperties(width, shouldJoin);
  },
};

/** Make `terminal` measure characters with the provider above. Needs `allowProposedApi`. */
export const useCurrentWidths = (terminal: Terminal): void => {
  terminal.unicode.register(provider);
  terminal.unicode.activeVersion = VERSION;
};
