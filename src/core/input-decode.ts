/**
 * Decoding of single characters and complete escape sequences into input events. The splitting of
 * the input into sequences (and the state across chunks) lives in `input.ts`.
 */
import {
  keyEvent,
  NO_MODIFIERS,
  unknownEvent,
  type InputEvent,
  type Modifiers,
  type MouseEvent,
} from './input-events.js';

const CONTROL_NAMES: Record<number, string> = {
  0x00: 'space',
  0x08: 'backspace',
  0x09: 'tab',
  0x0a: 'enter',
  0x0d: 'enter',
  0x1b: 'escape',
  0x1c: '\\',
  0x1d: ']',
  0x1e: '^',
  0x1f: '_',
};

/**
 * One character (a whole code point) typed on its own, or after an ESC when `alt` is set.
 * Control characters become ctrl + letter, except the ones with a key of their own.
 */
export const decodeChar = (char: string, raw: string, alt: boolean): InputEvent => {
  const code = char.codePointAt(0) ?? 0;
  const mods = { ...NO_MODIFIERS, alt };
  if (code === 0x7f) return keyEvent('backspace', mods, raw);
  const named = CONTROL_NAMES[code];
  if (named !== undefined) {
    const isCtrl = code === 0x00 || code >= 0x1c;
    return keyEvent(named, { ...mods, ctrl: isCtrl }, raw);
  }
  if (code < 0x20) return keyEvent(String.fromCharCode(code + 0x60), { ...mods, ctrl: true }, raw);
  // C1 controls and lone surrogates are not keys.
  if ((code >= 0x80 && code < 0xa0) || (code >= 0xd800 && code < 0xe000)) return unknownEvent(raw);
  return keyEvent(char === ' ' ? 'space' : char, mods, raw);
};

/** The xterm modifier parameter (1 + bits: shift 1, alt 2, ctrl 4; higher bits ignored). */
export const decodeModifiers = (param: number | undefined): Modifiers => {
  const bits = param === undefined || param < 1 ? 0 : param - 1;
  return { shift: (bits & 1) !== 0, alt: (bits & 2) !== 0, ctrl: (bits & 4) !== 0 };
};

/** Final characters of `CSI 1;m X` and SS3 `X` sequences. */
const LETTER_KEYS: Record<string, string> = {
  A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end',
  P: 'f1', Q: 'f2', R: 'f3', S: 'f4',
};

/** First parameters of `CSI n ~` sequences. */
const TILDE_KEYS: Record<number, string> = {
  1: 'home', 2: 'insert', 3: 'delete', 4: 'end', 5: 'pageup', 6: 'pagedown', 7: 'home', 8: 'end',
  11: 'f1', 12: 'f2', 13: 'f3', 14: 'f4', 15: 'f5',
  17: 'f6', 18: 'f7', 19: 'f8', 20: 'f9', 21: 'f10', 23: 'f11', 24: 'f12',
};

/** Code points with a key name in CSI-u and modifyOtherKeys reports. */
const CODE_KEYS: Record<number, string> = {
  8: 'backspace', 9: 'tab', 13: 'enter', 27: 'escape', 32: 'space', 127: 'backspace',
};

/** A key reported by its code point (CSI-u, xterm modifyOtherKeys). */
const decodeCodePoint = (code: number | undefined, mods: Modifiers, raw: string): InputEvent => {
  if (code === undefined) return unknownEvent(raw);
  const named = CODE_KEYS[code];
  if (named !== undefined) return keyEvent(named, mods, raw);
  const isPrintable = code > 0x20 && code <= 0x10ffff && !(code >= 0x7f && code < 0xa0)
    && !(code >= 0xd800 && code < 0xe000);
  if (!isPrintable) return unknownEvent(raw);
  // Functional keys of the kitty protocol live in the private use area: not characters.
  if (code >= 0xe000 && code <= 0xf8ff) return unknownEvent(raw);
  return keyEvent(String.fromCodePoint(code), mods, raw);
};

/** `"1;5"` → `[1, 5]`; empty fields are undefined; `:` sub-parameters keep their first part. */
const parseParams = (params: string): Array<number | undefined> =>
  params === ''
    ? []
    : params.split(';').map((field) => {
        const first = field.split(':')[0] ?? '';
        return /^\d{1,7}$/.test(first) ? Number(first) : undefined;
      });

/**
 * A complete CSI sequence `ESC [ <params> <intermediates> <final>`, with the text between `[` and
 * the final character in `body`.
 */
export const decodeCsi = (body: string, final: string, raw: string): InputEvent => {
  if (body.startsWith('<')) return decodeSgrMouse(body.slice(1), final, raw);
  if (!/^[\d;:]*$/.test(body)) return unknownEvent(raw);
  const params = parseParams(body);
  if (final === '~') {
    const [first, second, third] = params;
    if (first === 27 && params.length >= 3) return decodeCodePoint(third, decodeModifiers(second), raw);
    const name = first === undefined ? undefined : TILDE_KEYS[first];
    return name === undefined ? unknownEvent(raw) : keyEvent(name, decodeModifiers(second), raw);
  }
  if (final === 'u') {
    // The third field of the modifier parameter is the kitty event type: 3 is a key release.
    const eventType = (body.split(';')[1] ?? '').split(':')[1];
    if (eventType === '3') return unknownEvent(raw);
    return decodeCodePoint(params[0], decodeModifiers(params[1]), raw);
  }
  if (final === 'Z') return keyEvent('tab', { ...decodeModifiers(params[1]), shift: true }, raw);
  const name = LETTER_KEYS[final];
  if (name !== undefined && params.length <= 2) return keyEvent(name, decodeModifiers(params[1]), raw);
  return unknownEvent(raw);
};

/** An SS3 sequence `ESC O <digits> <final>` (application cursor keys, keypad, F1–F4). */
export const decodeSs3 = (digits: string, final: string, raw: string): InputEvent => {
  if (final === 'M') return keyEvent('enter', decodeModifiers(digits === '' ? undefined : Number(digits)), raw);
  const name = LETTER_KEYS[final];
  if (name === undefined) return unknownEvent(raw);
  return keyEvent(name, decodeModifiers(digits === '' ? undefined : Number(digits)), raw);
};

/** The linux console's F1–F5: `ESC [ [ A` … `ESC [ [ E`. */
export const decodeLinuxFunctionKey = (letter: string, raw: string): InputEvent => {
  const index = 'ABCDE'.indexOf(letter);
  return index < 0 ? unknownEvent(raw) : keyEvent(`f${index + 1}`, NO_MODIFIERS, raw);
};

/** Turn an xterm mouse button code into an event; undefined for horizontal wheels. */
const mouseEvent = (
  code: number,
  x: number,
  y: number,
  isRelease: boolean,
  raw: string,
): MouseEvent | undefined => {
  const low = code & 3;
  const isMotion = (code & 32) !== 0;
  const isWheel = (code & 64) !== 0;
  const button = low + (isWheel ? 4 : 0) + ((code & 128) !== 0 ? 8 : 0);
  let action: MouseEvent['action'];
  if (isWheel) {
    if (low > 1) return undefined;
    action = low === 0 ? 'wheelup' : 'wheeldown';
  } else if (isMotion) {
    action = low === 3 ? 'move' : 'drag';
  } else {
    action = isRelease ? 'release' : 'press';
  }
  return {
    type: 'mouse',
    action,
    button,
    x: Math.max(0, x - 1),
    y: Math.max(0, y - 1),
    shift: (code & 4) !== 0,
    alt: (code & 8) !== 0,
    ctrl: (code & 16) !== 0,
    raw,
  };
};

/** SGR mouse: `ESC [ < b ; x ; y M` (press, motion, wheel) or `… m` (release). */
const decodeSgrMouse = (params: string, final: string, raw: string): InputEvent => {
  const match = /^(\d{1,5});(\d{1,5});(\d{1,5})$/.exec(params);
  if (!match || (final !== 'M' && final !== 'm')) return unknownEvent(raw);
  const [code, x, y] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return mouseEvent(code, x, y, final === 'm', raw) ?? unknownEvent(raw);
};

/** Legacy X10 mouse: `ESC [ M` followed by three characters, each a value plus 32. */
export const decodeX10Mouse = (bytes: string, raw: string): InputEvent => {
  const [code, x, y] = [...bytes].map((char) => (char.codePointAt(0) ?? 32) - 32);
  if (code === undefined || x === undefined || y === undefined || code < 0) return unknownEvent(raw);
  const isRelease = (code & 3) === 3 && (code & 96) === 0;
  return mouseEvent(code, x, y, isRelease, raw) ?? unknownEvent(raw);
};
