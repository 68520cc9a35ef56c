/** Plain-text tables and number formats for the report. */
import { max, median, min } from './stats.mjs';

/** Renders rows (arrays of strings) under headers, columns padded; the first column left-aligned. */
export const table = (headers, rows) => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c ?? '').padEnd(widths[i]) : String(c ?? '').padStart(widths[i]))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
};

/** A number with `digits` decimals, or "—" when missing. */
export const num = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** Median of several runs, with the range when there is more than one: "12.3 (11.0–13.1)". */
export const spread = (values, digits = 1) => {
  const ok = values.filter(Number.isFinite);
  if (ok.length === 0) return '—';
  if (ok.length === 1) return num(ok[0], digits);
  return `${num(median(ok), digits)} (${num(min(ok), digits)}–${num(max(ok), digits)})`;
};

/** A ratio as "0.83×". */
export const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—');
