/**
 * Key specifications as users write them in the key map (`ctrl+q`, `C-q`, `shift+tab`, `?`), their
 * display form for help and hints (`Ctrl-q`, `Shift-Tab`, `?`), and matching against key events.
 *
 * A printable character carries its own case and shift: `Q` is the character Q, `shift+q` is
 * written the same way, and `shift` is not compared when matching characters (whether a terminal
 * reports shift for `?` or `Q` depends on the keyboard layout and protocol). With ctrl, an
 * upper-case letter folds to lower case (`ctrl+Q` is `ctrl+q`), because most terminals send the
 * same byte for both; `ctrl+shift+q` names the upper-case form that only the kitty keyboard
 * protocol can report.
 */
import { isUpperCaseLetter, NAMED_KEYS, type KeyEvent, type NamedKey } from './input-events.js';

export interface KeySpec {
  /** A single printable character (`'q'`, `'Q'`, `'?'`) or a named key (`'tab'`, `'pageup'`, `'f1'`). */
  name: string;
  ctrl: boolean;
  alt: boolean;
  /** Only meaningful for named keys; always false for characters (their case says it). */
  shift: boolean;
}

type Modifier = 'ctrl' | 'alt' | 'shift';

const MODIFIERS: Record<string, Modifier> = {
  ctrl: 'ctrl', control: 'ctrl', c: 'ctrl',
  alt: 'alt', meta: 'alt', option: 'alt', opt: 'alt', m: 'alt',
  shift: 'shift', s: 'shift',
};

/** Display form of each named key; also accepted when parsing. */
const DISPLAY: Record<NamedKey, string> = {
  up: '↑', down: '↓', left: '←', right: '→', home: 'Home', end: 'End',
  pageup: 'PgUp', pagedown: 'PgDn', insert: 'Ins', delete: 'Del', backspace: 'Backspace',
  tab: 'Tab', enter: 'Enter', escape: 'Esc', space: 'Space',
  f1: 'F1', f2: 'F2', f3: 'F3', f4: 'F4', f5: 'F5', f6: 'F6',
  f7: 'F7', f8: 'F8', f9: 'F9', f10: 'F10', f11: 'F11', f12: 'F12',
};

const ALIASES: Record<string, NamedKey> = {
  ...Object.fromEntries(NAMED_KEYS.map((name) => [name, name])),
  ...Object.fromEntries(NAMED_KEYS.map((name) => [DISPLAY[name].toLowerCase(), name])),
  pgdown: 'pagedown', 'page-up': 'pageup', 'page-down': 'pagedown', return: 'enter', ret: 'enter',
  esc: 'escape', spc: 'space', bs: 'backspace',
};

/** True when `name` is a single character rather than a named key. */
export const isCharacterKey = (name: string): boolean => [...name].length === 1;

const isPrintable = (char: string): boolean => {
  const code = char.codePointAt(0) ?? 0;
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0);
};

const KEY_HELP = 'expected one character or a key name (enter, esc, tab, space, backspace, up, down, '
  + 'left, right, home, end, pageup, pagedown, insert, delete, f1–f12), optionally after ctrl+, alt+ or shift+';

/** Parse a key as written in the configuration; returns an error sentence when it is not one. */
export const parseKeySpec = (text: string): KeySpec | string => {
  let rest = text.trim();
  if (rest === '') return `empty key: ${KEY_HELP}`;
  const mods = { ctrl: false, alt: false, shift: false };
  for (;;) {
    const match = /^([a-z]+)[+-](.+)$/is.exec(rest);
    if (!match || ALIASES[rest.toLowerCase()] !== undefined) break;
    const modifier = MODIFIERS[(match[1] ?? '').toLowerCase()];
    if (modifier === undefined) {
      return `unknown modifier "${match[1]}" in "${text.trim()}": expected ctrl, alt or shift`;
    }
    mods[modifier] = true;
    rest = match[2] ?? '';
  }
  const named = ALIASES[rest.toLowerCase()];
  if (named !== undefined) return { name: named, ...mods };
  if (!isCharacterKey(rest) || !isPrintable(rest)) return `unknown key "${rest}": ${KEY_HELP}`;
  return characterSpec(rest, mods, text.trim());
};

const characterSpec = (char: string, mods: Record<Modifier, boolean>, text: string): KeySpec | string => {
  const upper = char.toUpperCase();
  const hasCase = upper !== char.toLowerCase() && [...upper].length === 1;
  let name = char;
  if (mods.shift) {
    if (!hasCase) return `"${text}": write the character shift gives (such as ! or ?) instead of shift+`;
    name = upper;
  } else if (mods.ctrl && isUpperCaseLetter(char)) {
    name = char.toLowerCase();
  }
  return { name, ctrl: mods.ctrl, alt: mods.alt, shift: false };
};

/** How a key is shown in help and hints: `Ctrl-q`, `Alt-x`, `Shift-Tab`, `PgUp`, `↑`, `?`. */
export const formatKeySpec = (spec: KeySpec): string => {
  const isCharacter = isCharacterKey(spec.name);
  // Ctrl with an upper-case letter is only distinct from the lower-case one when shift is spelt out.
  const showShift = isCharacter ? spec.ctrl && isUpperCaseLetter(spec.name) : spec.shift;
  const prefix = `${spec.ctrl ? 'Ctrl-' : ''}${spec.alt ? 'Alt-' : ''}${showShift ? 'Shift-' : ''}`;
  const display = (DISPLAY as Record<string, string>)[spec.name] ?? spec.name;
  return prefix + display;
};

/**
 * True when the key event is the key the spec names. The parser already maps every encoding of a
 * key (legacy control bytes, CSI-u, modifyOtherKeys) to the same event, so this compares fields.
 */
export const matchesKey = (event: KeyEvent, spec: KeySpec): boolean => {
  if (event.ctrl !== spec.ctrl || event.alt !== spec.alt || event.name !== spec.name) return false;
  return isCharacterKey(spec.name) || event.shift === spec.shift;
};
