/**
 * Raw terminal input → key, paste and mouse events.
 *
 * The parser is fed the characters read from the terminal, in whatever chunks they arrive, and
 * keeps what cannot be decided yet (a partial escape sequence, an open bracketed paste) for the
 * next chunk. Nothing is ever dropped or cut in two: the `raw` fields of all events, in order, are
 * exactly the characters fed, so type mode can forward them to an agent unchanged.
 *
 * A lone ESC is ambiguous: the Escape key, or the start of a sequence whose rest has not arrived.
 * It stays pending; the caller calls `flush()` once no more input arrived for a short while.
 * 25 ms is a good wait: terminals write a whole sequence at once, so its parts arrive within a
 * millisecond or two even over ssh, while a person cannot notice a 25 ms delay on Escape.
 *
 * Not decoded (reported as `unknown`, whole): OSC/DCS strings, query responses, kitty key
 * release events, horizontal wheel. ESC followed by any other character is that character with
 * alt. Combining characters and emoji sequences arrive as one key event per code point.
 */
import { decodeChar, decodeCsi, decodeLinuxFunctionKey, decodeSs3, decodeX10Mouse } from './input-decode.js';
import { keyEvent, NO_MODIFIERS, unknownEvent, type InputEvent, type PasteEvent } from './input-events.js';

export * from './input-events.js';

const ESC = '\x1b';
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

/**
 * Longest escape sequence waited for. Real key and mouse reports are under 30 characters; a
 * longer run without a final character is not a sequence, and must not hold input back forever.
 */
const MAX_SEQUENCE = 64;

/** The outcome of scanning at one position: an event, the start of a paste, or "wait for more". */
type Scan = { event: InputEvent; next: number } | { pasteFrom: number } | undefined;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code < 0xdc00;

/** ESC followed by a character that does not continue a sequence: that character with alt. */
const altKey = (char: string): InputEvent => keyEvent(char, { ...NO_MODIFIERS, alt: true }, ESC + char);

export class InputParser {
  /** Characters not yet decoded: the start of an escape sequence (always short). */
  private pending = '';
  /** An open bracketed paste: the text so far and a tail that may be the start of the end marker. */
  private paste: { parts: string[]; tail: string } | undefined;

  /** Decode a chunk; what cannot be decided yet is kept for the next call. */
  feed(chunk: string): InputEvent[] {
    const events: InputEvent[] = [];
    this.consume(chunk, events, false);
    return events;
  }

  /**
   * Emit what is pending as it is: a lone ESC as the Escape key, `ESC [` or `ESC O` as alt+`[` /
   * alt+`O`, any other partial sequence as `unknown`. An open paste is kept (a large paste may
   * arrive with pauses) unless `endPaste` is set; then the text so far is emitted as a paste
   * whose raw lacks the end marker. Use that only after a long silence (a second or more).
   */
  flush(options: { endPaste?: boolean } = {}): InputEvent[] {
    const events: InputEvent[] = [];
    if (this.paste) {
      if (!options.endPaste) return events;
      const text = this.paste.parts.join('') + this.paste.tail;
      this.paste = undefined;
      events.push({ type: 'paste', text, raw: PASTE_START + text });
    }
    this.consume('', events, true);
    return events;
  }

  /** True when characters are held back: a partial escape sequence or an open paste. */
  hasPending(): boolean {
    return this.pending !== '' || this.paste !== undefined;
  }

  /** True while inside a bracketed paste whose end marker has not arrived. */
  isPasting(): boolean {
    return this.paste !== undefined;
  }

  private consume(chunk: string, events: InputEvent[], isFinal: boolean): void {
    let text = chunk;
    for (;;) {
      if (this.paste) {
        const rest = this.continuePaste(text, events);
        if (rest === undefined) return;
        text = rest;
      }
      const data = this.pending + text;
      this.pending = '';
      let index = 0;
      let pasteFrom: number | undefined;
      while (index < data.length && pasteFrom === undefined) {
        const scan = scanAt(data, index, isFinal);
        if (scan === undefined) {
          this.pending = data.slice(index);
          return;
        }
        if ('pasteFrom' in scan) pasteFrom = scan.pasteFrom;
        else {
          events.push(scan.event);
          index = scan.next;
        }
      }
      if (pasteFrom === undefined) return;
      this.paste = { parts: [], tail: '' };
      text = data.slice(pasteFrom);
    }
  }

  /** Add text to the open paste; returns what follows its end marker, or undefined if still open. */
  private continuePaste(text: string, events: InputEvent[]): string | undefined {
    const paste = this.paste;
    if (!paste) return text;
    const data = paste.tail + text;
    const end = data.indexOf(PASTE_END);
    if (end < 0) {
      // Keep the longest tail that could still be the beginning of the end marker.
      const keep = Math.min(data.length, PASTE_END.length - 1);
      paste.parts.push(data.slice(0, data.length - keep));
      paste.tail = data.slice(data.length - keep);
      return undefined;
    }
    paste.parts.push(data.slice(0, end));
    const pasted = paste.parts.join('');
    const event: PasteEvent = { type: 'paste', text: pasted, raw: PASTE_START + pasted + PASTE_END };
    events.push(event);
    this.paste = undefined;
    return data.slice(end + PASTE_END.length);
  }
}

/** When the input ends inside a sequence (`flush`): emit it as it is. */
const finalFallback = (data: string, index: number): Scan => {
  const rest = data.slice(index);
  if (rest === ESC || rest.startsWith(ESC + ESC)) {
    return { event: keyEvent('escape', NO_MODIFIERS, ESC), next: index + 1 };
  }
  if (rest === ESC + '[' || rest === ESC + 'O') return { event: altKey(rest.charAt(1)), next: data.length };
  return { event: unknownEvent(rest), next: data.length };
};

/** Decode the event starting at `index`; undefined when it may continue past the end of `data`. */
const scanAt = (data: string, index: number, isFinal: boolean): Scan => {
  const scan = scanSequence(data, index);
  return scan === undefined && isFinal ? finalFallback(data, index) : scan;
};

const scanSequence = (data: string, index: number): Scan => {
  const code = data.charCodeAt(index);
  if (code !== 0x1b) {
    if (isHighSurrogate(code) && index + 1 >= data.length) return undefined;
    const char = String.fromCodePoint(data.codePointAt(index) ?? code);
    return { event: decodeChar(char, char, false), next: index + char.length };
  }
  if (index + 1 >= data.length) return undefined;
  const second = data.charAt(index + 1);
  if (second === '[') return scanCsi(data, index);
  if (second === 'O') return scanSs3(data, index);
  if (second === ESC) return scanEscEsc(data, index);
  const secondCode = data.charCodeAt(index + 1);
  if (isHighSurrogate(secondCode) && index + 2 >= data.length) return undefined;
  const char = String.fromCodePoint(data.codePointAt(index + 1) ?? secondCode);
  return { event: decodeChar(char, ESC + char, true), next: index + 1 + char.length };
};

/**
 * `ESC ESC [ …` and `ESC ESC O …` are a key sequence with alt (how xterm-likes send alt+arrow
 * without modifier parameters). Any other ESC ESC is two Escape presses.
 */
const scanEscEsc = (data: string, index: number): Scan => {
  if (index + 2 >= data.length) return undefined;
  const escape = { event: keyEvent('escape', NO_MODIFIERS, ESC), next: index + 1 };
  const third = data.charAt(index + 2);
  if (third !== '[' && third !== 'O') return escape;
  const inner = scanSequence(data, index + 1);
  if (inner === undefined) return undefined;
  if ('pasteFrom' in inner || inner.event.type !== 'key' || inner.event.raw.length <= 2) return escape;
  return { event: { ...inner.event, alt: true, raw: ESC + inner.event.raw }, next: inner.next };
};

const isParamCode = (code: number): boolean => code >= 0x30 && code <= 0x3f;
const isIntermediateCode = (code: number): boolean => code >= 0x20 && code <= 0x2f;
const isFinalCode = (code: number): boolean => code >= 0x40 && code <= 0x7e;

/** `ESC [ params intermediates final`, plus the linux console F-keys and the X10 mouse. */
const scanCsi = (data: string, index: number): Scan => {
  const start = index + 2;
  if (start >= data.length) return undefined;
  const first = data.charAt(start);
  if (first === '[') {
    if (start + 1 >= data.length) return undefined;
    const raw = data.slice(index, start + 2);
    return { event: decodeLinuxFunctionKey(data.charAt(start + 1), raw), next: start + 2 };
  }
  if (first === 'M') {
    if (start + 4 > data.length) return undefined;
    const raw = data.slice(index, start + 4);
    return { event: decodeX10Mouse(raw.slice(3), raw), next: start + 4 };
  }
  // Scanning stops at the same place however the input was chunked: never past MAX_SEQUENCE.
  const limit = Math.min(data.length, index + MAX_SEQUENCE);
  let end = start;
  while (end < limit && isParamCode(data.charCodeAt(end))) end++;
  while (end < limit && isIntermediateCode(data.charCodeAt(end))) end++;
  if (end === index + MAX_SEQUENCE) return { event: unknownEvent(data.slice(index, end)), next: end };
  if (end >= data.length) return undefined;
  if (!isFinalCode(data.charCodeAt(end))) {
    // Not a sequence after all: ESC [ alone is alt+[, a broken sequence is kept whole.
    if (end === start) return { event: altKey('['), next: start };
    return { event: unknownEvent(data.slice(index, end)), next: end };
  }
  const body = data.slice(start, end);
  const final = data.charAt(end);
  if (body === '200' && final === '~') return { pasteFrom: end + 1 };
  return { event: decodeCsi(body, final, data.slice(index, end + 1)), next: end + 1 };
};

/** `ESC O digits final`: application cursor keys, keypad Enter, F1–F4. */
const scanSs3 = (data: string, index: number): Scan => {
  const start = index + 2;
  let end = start;
  while (end < data.length && end - start < 3 && /\d/.test(data.charAt(end))) end++;
  if (end >= data.length) return undefined;
  if (!isFinalCode(data.charCodeAt(end))) {
    if (end === start) return { event: altKey('O'), next: start };
    return { event: unknownEvent(data.slice(index, end)), next: end };
  }
  const raw = data.slice(index, end + 1);
  return { event: decodeSs3(data.slice(start, end), data.charAt(end), raw), next: end + 1 };
};
