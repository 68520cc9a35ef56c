/** Small statistics helpers: medians, percentiles, ranges. */

const sorted = (values) => values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);

/** The p-th percentile (0–100) by linear interpolation between closest ranks; NaN when empty. */
export const percentile = (values, p) => {
  const s = sorted(values);
  if (s.length === 0) return Number.NaN;
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo] + (s[hi] - s[lo]) * (rank - lo);
};

export const median = (values) => percentile(values, 50);

export const min = (values) => sorted(values)[0] ?? Number.NaN;

export const max = (values) => sorted(values).at(-1) ?? Number.NaN;

/** Ratios a[i]/b[i] of runs paired by index (measured in the same repetition). */
export const pairedRatios = (a, b) => a.map((value, i) => value / b[i]).filter((r) => Number.isFinite(r));
