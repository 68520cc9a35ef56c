import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixedLine, prng, writeHistoryCorpus } from '../../bench/corpus.mjs';
import { median, pairedRatios, percentile } from '../../bench/stats.mjs';
import { spread, table } from '../../bench/table.mjs';

const visibleWidth = (line) => {
  let width = 0;
  for (const char of line.replace(/\x1b\[[0-9;]*m/g, '')) width += char.codePointAt(0) > 0x2e80 ? 2 : 1;
  return width;
};

describe('bench corpus', () => {
  it('is the same for the same seed', () => {
    const a = prng(7);
    const b = prng(7);
    const linesA = Array.from({ length: 50 }, () => mixedLine(a));
    expect(Array.from({ length: 50 }, () => mixedLine(b))).toEqual(linesA);
  });

  it('has lines of 0–200 columns, about 30 % coloured words, a little CJK, every colour reset', () => {
    const rand = prng(1);
    const lines = Array.from({ length: 3000 }, () => mixedLine(rand));
    const widths = lines.map(visibleWidth);
    expect(Math.max(...widths)).toBeLessThanOrEqual(200);
    expect(Math.min(...widths)).toBe(0);
    const words = lines.flatMap((l) => l.split(' ').filter(Boolean));
    const coloured = words.filter((w) => w.startsWith('\x1b[')).length / words.length;
    expect(coloured).toBeGreaterThan(0.25);
    expect(coloured).toBeLessThan(0.35);
    const cjk = words.filter((w) => /[\u4e00-\u9fff]/.test(w)).length / words.length;
    expect(cjk).toBeGreaterThan(0.003);
    expect(cjk).toBeLessThan(0.03);
    expect(lines.join('\n')).toContain('\x1b[38;2;');
    expect(lines.join('\n')).toContain('\x1b[38;5;');
    for (const word of words.filter((w) => w.startsWith('\x1b['))) expect(word.endsWith('\x1b[0m')).toBe(true);
  });
});

describe('bench stats', () => {
  it('interpolates percentiles and ignores missing values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([0, 10], 90)).toBe(9);
    expect(median([Number.NaN, 4])).toBe(4);
    expect(Number.isNaN(median([]))).toBe(true);
  });

  it('pairs ratios by repetition', () => {
    expect(pairedRatios([2, 6, Number.NaN], [1, 3, 1])).toEqual([2, 2]);
  });
});

describe('bench report helpers', () => {
  it('formats a median with its range, and a dash when nothing was measured', () => {
    expect(spread([3, 1, 2])).toBe('2.0 (1.0–3.0)');
    expect(spread([Number.NaN])).toBe('—');
  });

  it('aligns table columns', () => {
    expect(table(['a', 'bb'], [['x', '1'], ['yyy', '22']]).split('\n')).toEqual(['a    bb', '---  --', 'x     1', 'yyy  22']);
  });
});

describe('bench history corpus', () => {
  it('has exactly the lines asked for, numbered, each at most 100 columns after its number', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lanes-bench-history-test-'));
    try {
      const file = join(dir, 'history.txt');
      await writeHistoryCorpus(file, 5000);
      const lines = (await readFile(file, 'utf8')).split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(5000);
      lines.forEach((line, i) => {
        const [number, ...rest] = line.split(' ');
        expect(number).toBe(String(i + 1));
        expect(visibleWidth(rest.join(' '))).toBeLessThanOrEqual(100);
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
