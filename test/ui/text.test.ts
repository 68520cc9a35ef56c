import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { columnMark } from '../../src/core/screen.js';
import { fit, fitRow, sanitize, truncate, wrapWords } from '../../src/ui/text.js';

describe('truncate', () => {
  it('keeps text that fits, and cuts longer text to the width with an ellipsis', () => {
    expect(truncate('lanes', 5)).toBe('lanes');
    expect(truncate('lanes/alpha', 6)).toBe('lanes…');
    expect(truncate('lanes', 0)).toBe('');
  });

  it('counts wide characters as two columns', () => {
    expect(truncate('日本語のタイトル', 7)).toBe('日本語…');
    expect(stringWidth(truncate('日本語のタイトル', 6))).toBeLessThanOrEqual(6);
  });

  it('never returns more columns than asked, whatever the characters', () => {
    const texts = ['⚠️ build failing', '❤️❤️❤️ hearts', '1️⃣2️⃣3️⃣ keycaps', '👨‍👩‍👧 family', '🇯🇵🇫🇷 flags', 'e\u0301e\u0301 accents', '日本 mixed ascii'];
    for (const text of texts) {
      for (let width = 1; width <= stringWidth(text) + 1; width += 1) {
        const cut = truncate(text, width);
        expect(stringWidth(cut), `${JSON.stringify(text)} at ${width}: ${JSON.stringify(cut)}`).toBeLessThanOrEqual(width);
      }
    }
  });
});

describe('fit', () => {
  it('pads or cuts to exactly the width', () => {
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(stringWidth(fit('日本語', 5))).toBe(5);
  });
});

describe('sanitize', () => {
  it('removes C0 and C1 control characters and DEL', () => {
    expect(sanitize('a\x00b\x07c\x1b[31md\x7fe\x9bf')).toBe('abc[31mdef');
  });
});

describe('wrapWords', () => {
  it('breaks at spaces into lines no wider than the width', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('fits', 10)).toEqual(['fits']);
    expect(wrapWords('', 10)).toEqual(['']);
  });

  it('cuts a word longer than a line, and measures wide characters', () => {
    expect(wrapWords('a verylongword b', 6)).toEqual(['a', 'veryl…', 'b']);
    expect(wrapWords('日本 語', 4)).toEqual(['日本', '語']);
  });
});

describe('fitRow', () => {
  it('cuts a wider styled row at the width, keeping its styles and never splitting a wide character', () => {
    const row = `\x1b[0;1mab\x1b[0m界cd`;
    expect(fitRow(row, 6, 4)).toBe('\x1b[0;1mab\x1b[0m界\x1b[0m');
    expect(fitRow(row, 6, 3)).toBe('\x1b[0;1mab\x1b[0m\x1b[0m ');
    expect(stringWidth(fitRow(row, 6, 3))).toBe(3);
  });

  it('pads a narrower row and leaves a row of the right width alone', () => {
    expect(fitRow('abc', 3, 5)).toBe('abc\x1b[0m  ');
    expect(fitRow('abc', 3, 3)).toBe('abc');
  });

  it('follows column marks and stops at one past the width', () => {
    const row = `a👍🏽${columnMark(3)}b${columnMark(4)}cd`;
    expect(fitRow(row, 6, 4)).toBe(`a👍🏽${columnMark(3)}b\x1b[0m`);
  });
});
