import { describe, expect, it } from 'vitest';
import { diffStat, diffTotals, formatStat } from '../../src/core/diff-stat.js';
import type { DiffFile } from '../../src/core/patch.js';

const file = (path: string, added: number, deleted: number, extra: Partial<DiffFile> = {}): DiffFile => ({ path, added, deleted, binary: false, ...extra });

describe('formatStat', () => {
  it('prints path | count (right-aligned, Bin for binary) and a +/- bar per file, then the total line', () => {
    const files = [file('src/a.ts', 3, 2), file('img.png', 0, 0, { binary: true }), file('new.ts', 1, 0, { from: 'old.ts' })];
    expect(formatStat(files, 80)).toBe(
      [' src/a.ts         |   5 +++--', ' img.png          | Bin', ' old.ts => new.ts |   1 +', ' 3 files changed, 4 insertions(+), 2 deletions(-)', ''].join('\n'),
    );
  });

  it('scales bars down to the width, keeping at least one mark for a small change', () => {
    const { rows } = diffStat([file('big', 300, 100), file('small', 1, 0)], 40);
    const big = rows[0]!;
    const small = rows[1]!;
    expect(big.text.length + big.plus + big.minus).toBeLessThanOrEqual(40);
    expect(big.plus).toBeGreaterThan(big.minus * 2);
    expect(small).toMatchObject({ plus: 1, minus: 0 });
  });

  it('cuts long names from the left, like git', () => {
    const long = `${'deep/'.repeat(20)}file.ts`;
    const [row] = diffStat([file(long, 1, 1)], 50).rows;
    expect(row!.text.startsWith(' ...')).toBe(true);
    expect(row!.text).toContain('file.ts |');
    expect(row!.text.length).toBeLessThanOrEqual(40);
  });

  it('words the total like git: singular, and no zero part unless both are zero', () => {
    expect(diffStat([file('a', 1, 0)], 80).total).toBe(' 1 file changed, 1 insertion(+)');
    expect(diffStat([file('a', 0, 2)], 80).total).toBe(' 1 file changed, 2 deletions(-)');
    expect(diffStat([file('a', 0, 0, { binary: true })], 80).total).toBe(' 1 file changed, 0 insertions(+), 0 deletions(-)');
    expect(diffTotals([file('a', 1, 2), file('b', 3, 4)])).toEqual({ added: 4, deleted: 6 });
  });
});
