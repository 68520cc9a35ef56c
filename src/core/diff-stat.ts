import type { DiffFile } from './patch.js';

/** One row of a `--stat` summary: ` path | 12 ` followed by `plus` `+` and `minus` `-`. */
export interface StatRow {
  text: string;
  plus: number;
  minus: number;
}

/** The narrowest bar and name column a summary gets, however narrow the terminal. */
const MIN_BAR = 10;
const MIN_NAME = 10;

const length = (text: string): number => [...text].length;

/** Cut a name from the left, as git does (`.../deep/path.ts`), to at most `width` characters. */
const cutLeft = (text: string, width: number): string => {
  const chars = [...text];
  return chars.length <= width ? text : `...${chars.slice(chars.length - (width - 3)).join('')}`;
};

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Totals over all files: added and deleted lines. */
export const diffTotals = (files: readonly DiffFile[]): { added: number; deleted: number } =>
  files.reduce((sum, f) => ({ added: sum.added + f.added, deleted: sum.deleted + f.deleted }), { added: 0, deleted: 0 });

/**
 * A `git diff --stat` style summary fitted to `width` columns: per file ` path | N +++--` (bars
 * scaled down when the largest change does not fit; `Bin` for binary files; `old => new` for
 * renames), and the total line ` 3 files changed, 10 insertions(+), 2 deletions(-)`.
 */
export const diffStat = (files: readonly DiffFile[], width: number): { rows: StatRow[]; total: string } => {
  const names = files.map((f) => (f.from === undefined ? f.path : `${f.from} => ${f.path}`));
  const counts = files.map((f) => (f.binary ? 'Bin' : String(f.added + f.deleted)));
  const countWidth = Math.max(0, ...counts.map(length));
  const nameWidth = Math.max(0, Math.min(Math.max(0, ...names.map(length)), Math.max(MIN_NAME, width - countWidth - 5 - MIN_BAR)));
  const barWidth = Math.max(MIN_BAR, width - nameWidth - countWidth - 5);
  const largest = Math.max(0, ...files.map((f) => f.added + f.deleted));
  const scale = largest > barWidth ? barWidth / largest : 1;
  const rows = files.map((file, i) => {
    const name = cutLeft(names[i] as string, nameWidth);
    const text = ` ${name}${' '.repeat(nameWidth - length(name))} | ${(counts[i] as string).padStart(countWidth)} `;
    const changed = file.added + file.deleted;
    if (file.binary || changed === 0) return { text, plus: 0, minus: 0 };
    const bar = Math.max(1, Math.round(changed * scale));
    const plus = file.added === 0 ? 0 : file.deleted === 0 ? bar : Math.max(1, Math.min(bar - 1, Math.round((bar * file.added) / changed)));
    return { text, plus, minus: bar - plus };
  });
  const { added, deleted } = diffTotals(files);
  let total = ` ${plural(files.length, 'file changed', 'files changed')}`;
  if (added > 0 || deleted === 0) total += `, ${plural(added, 'insertion(+)', 'insertions(+)')}`;
  if (deleted > 0 || added === 0) total += `, ${plural(deleted, 'deletion(-)', 'deletions(-)')}`;
  return { rows, total };
};

/** {@link diffStat} as plain text, one line per file and the total line, each ending in a newline. */
export const formatStat = (files: readonly DiffFile[], width: number): string => {
  const { rows, total } = diffStat(files, width);
  return [...rows.map((r) => `${r.text}${'+'.repeat(r.plus)}${'-'.repeat(r.minus)}`.trimEnd()), total].map((line) => `${line}\n`).join('');
};
