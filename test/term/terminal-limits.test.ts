import { describe, expect, it } from 'vitest';
import { clampSize, cleanTitle } from '../../src/term/terminal-limits.js';

describe('terminal limits', () => {
  it('clamps sizes to whole cells between the minimum and 4096', () => {
    expect(clampSize(0, 2)).toBe(2);
    expect(clampSize(-5, 1)).toBe(1);
    expect(clampSize(80.9, 2)).toBe(80);
    expect(clampSize(Number.NaN, 2)).toBe(2);
    expect(clampSize(Number.POSITIVE_INFINITY, 1)).toBe(1);
    expect(clampSize(1e9, 1)).toBe(4096);
  });

  it('removes control characters from titles and caps them at 256 code points', () => {
    expect(cleanTitle('a\x1b[31mb\x07c\x9bd\x7f')).toBe('a[31mbcd');
    const long = cleanTitle('😀'.repeat(300));
    expect(Array.from(long)).toHaveLength(256);
    expect(long.endsWith('😀')).toBe(true);
  });
});
