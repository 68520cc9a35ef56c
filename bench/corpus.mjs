/**
 * Deterministic flood corpora (the same bytes on every run and machine):
 *
 * - mixed: lines 0–200 columns wide of words; about 30 % of the words coloured (16-colour, 256-colour,
 *   truecolor, bold), each reset after the word; about 1 % of the words CJK (two columns a character);
 * - seq: what `seq 1 N` prints, short lines that make the PTY and the emulators scroll a lot;
 * - history: numbered mixed lines, what agents printed before a UI attaches (the attach bench).
 *
 * Files are cut at a line end at or just below the size asked for.
 */
import { open } from 'node:fs/promises';

/** mulberry32: a tiny seeded PRNG, good enough to vary text. */
export const prng = (seed) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-';
const CJK = '的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长';

const sgrFor = (rand) => {
  const kind = rand();
  if (kind < 0.4) return `\x1b[${(rand() < 0.5 ? 30 : 90) + Math.floor(rand() * 8)}m`;
  if (kind < 0.7) return `\x1b[38;5;${Math.floor(rand() * 256)}m`;
  if (kind < 0.9) return `\x1b[38;2;${Math.floor(rand() * 256)};${Math.floor(rand() * 256)};${Math.floor(rand() * 256)}m`;
  return '\x1b[1m';
};

/** One line of the mixed corpus (0–`maxWidth` columns), without its newline; `rand` is the corpus PRNG. */
export const mixedLine = (rand, maxWidth = 200) => {
  const target = Math.floor(rand() * (maxWidth + 1));
  let line = '';
  let width = 0;
  while (width < target) {
    const roll = rand();
    let word;
    let wordWidth;
    if (roll < 0.01) {
      const count = 1 + Math.floor(rand() * 4);
      word = '';
      for (let i = 0; i < count; i++) word += CJK[Math.floor(rand() * CJK.length)];
      wordWidth = count * 2;
    } else {
      wordWidth = 1 + Math.floor(rand() * 10);
      word = '';
      for (let i = 0; i < wordWidth; i++) word += LETTERS[Math.floor(rand() * LETTERS.length)];
    }
    // A space between words; the line never goes past its target width.
    const gap = line === '' ? 0 : 1;
    if (width + gap + wordWidth > target) break;
    if (gap) line += ' ';
    line += rand() < 0.3 ? `${sgrFor(rand)}${word}\x1b[0m` : word;
    width += gap + wordWidth;
  }
  return line;
};

/** Generates `bytes` of a corpus into `path`. `lineOf(i)` returns line i without its newline. */
const writeLines = async (path, bytes, lineOf) => {
  const file = await open(path, 'w');
  try {
    let written = 0;
    let i = 0;
    const CHUNK = 1 << 20;
    for (;;) {
      let chunk = '';
      while (chunk.length < CHUNK) chunk += `${lineOf(i++)}\n`;
      let buffer = Buffer.from(chunk, 'utf8');
      if (written + buffer.length > bytes) {
        const cut = buffer.lastIndexOf(0x0a, bytes - written - 1);
        buffer = buffer.subarray(0, cut + 1);
        await file.write(buffer);
        return written + buffer.length;
      }
      await file.write(buffer);
      written += buffer.length;
    }
  } finally {
    await file.close();
  }
};

/** Writes the mixed corpus (`bytes` long, cut at a line end); resolves with the bytes written. */
export const writeMixedCorpus = (path, bytes, seed = 1) => {
  const rand = prng(seed);
  return writeLines(path, bytes, () => mixedLine(rand));
};

/**
 * Writes `lines` lines of history (what an agent printed before a UI attached): numbered lines of
 * mixed text up to 100 columns, the width of an agent's usual output.
 */
export const writeHistoryCorpus = async (path, lines, seed = 3) => {
  const rand = prng(seed);
  const file = await open(path, 'w');
  try {
    let chunk = '';
    for (let i = 1; i <= lines; i++) {
      chunk += `${i} ${mixedLine(rand, 100)}\n`;
      if (chunk.length > 1 << 16) {
        await file.write(chunk);
        chunk = '';
      }
    }
    await file.write(chunk);
  } finally {
    await file.close();
  }
};

/** Writes `seq 1 N` output up to `bytes`; resolves with the bytes written. */
export const writeSeqCorpus = (path, bytes) => writeLines(path, bytes, (i) => String(i + 1));
