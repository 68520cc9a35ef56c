/**
 * The events the terminal input parser produces (see `input.ts`). Every event keeps the exact
 * characters it was decoded from in `raw`, so that type mode can forward them to an agent
 * unchanged.
 */

/**
 * A key press. `name` is the character itself for printable keys (`'a'`, `'A'`, `'é'`, `'中'`,
 * `'?'`; the space bar is `'space'`) or one of the named keys in `NAMED_KEYS`.
 * Letters carry their case in `name`; `shift` is also true for an upper-case letter.
 */
export interface KeyEvent {
  type: 'key';
  name: string;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  raw: string;
}

/** A bracketed paste. `text` is what was pasted; `raw` includes the start and end markers. */
export interface PasteEvent {
  type: 'paste';
  text: string;
  raw: string;
}

/** An SGR (or legacy X10) mouse report. Coordinates are 0-based cells. */
export interface MouseEvent {
  type: 'mouse';
  action: 'press' | 'release' | 'drag' | 'move' | 'wheelup' | 'wheeldown';
  /**
   * The xterm button number: 0 left, 1 middle, 2 right, 3 none (move), 4 wheel up, 5 wheel down,
   * 8 and up for extra buttons.
   */
  button: number;
  x: number;
  y: number;
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
  raw: string;
}

/** Characters the parser did not understand, kept whole. */
export interface UnknownEvent {
  type: 'unknown';
  raw: string;
}

export type InputEvent = KeyEvent | PasteEvent | MouseEvent | UnknownEvent;

/** Names of the non-character keys, as they appear in `KeyEvent.name`. */
export const NAMED_KEYS = [
  'up', 'down', 'left', 'right', 'home', 'end', 'pageup', 'pagedown', 'insert', 'delete',
  'backspace', 'tab', 'enter', 'escape', 'space',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12',
] as const;

export type NamedKey = (typeof NAMED_KEYS)[number];

export interface Modifiers {
  ctrl: boolean;
  alt: boolean;
  shift: boolean;
}

export const NO_MODIFIERS: Modifiers = { ctrl: false, alt: false, shift: false };

export const unknownEvent = (raw: string): UnknownEvent => ({ type: 'unknown', raw });

/** True for a string that is one upper-case letter (it has a different lower-case form). */
export const isUpperCaseLetter = (char: string): boolean =>
  char.toLowerCase() !== char && char.toUpperCase() === char;

/**
 * A key event with normalised letter case: a letter pressed with shift is reported upper-case,
 * and an upper-case letter always has `shift` set, whichever encoding the terminal used.
 */
export const keyEvent = (name: string, mods: Modifiers, raw: string): KeyEvent => {
  let key = name;
  let shift = mods.shift;
  if ([...name].length === 1) {
    if (shift && name.toUpperCase() !== name && name.toUpperCase().length === name.length) {
      key = name.toUpperCase();
    }
    if (isUpperCaseLetter(key)) shift = true;
  }
  return { type: 'key', name: key, ctrl: mods.ctrl, alt: mods.alt, shift, raw };
};
