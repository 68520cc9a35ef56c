/**
 * The floors of issue 8 (lanes through its host), judged on a run's figures. A floor is *met* when
 * the figure the tables print meets it; *missed, within noise* when it does not but one repetition
 * (for echo latency: one fifth of the probes, in order) did; *MISSED* when none did — missed by
 * more than the run's noise, which fails the bench.
 */
import { max, median, min, pairedRatios, percentile } from './stats.mjs';
import { num, table } from './table.mjs';

export const FLOORS = {
  echoIdle: { what: 'echo p50, other lane idle', op: '≤', limit: 2.5, unit: 'ms' },
  echoFlood: { what: 'echo p50, beside a flooding lane', op: '≤', limit: 10, unit: 'ms' },
  spinner: { what: 'spinner CPU (4 × 20 lines/s; host + UI + launcher)', op: '≤', limit: 5, unit: '% core' },
  flood: { what: 'flood lanes/tmux', op: '≥', limit: 1, unit: '×' },
  attach: { what: 'attach, 8 lanes × 5,000 lines', op: '<', limit: 300, unit: 'ms' },
};

/** Probes of a latency run are cut into this many consecutive groups to see how much p50 moves. */
const LATENCY_GROUPS = 5;

const meets = (floor, value) => (floor.op === '≥' ? value >= floor.limit : floor.op === '<' ? value < floor.limit : value <= floor.limit);

/**
 * Judge one figure: `value` (what the report prints; default the median of `samples`) and
 * `samples`, one per repetition. Resolves with what the floors table shows.
 */
export const judge = (floor, samples, value = median(samples), label = floor.what) => {
  const ok = samples.filter(Number.isFinite);
  if (ok.length === 0 || !Number.isFinite(value)) return { label, floor, value: Number.NaN, lo: Number.NaN, hi: Number.NaN, verdict: 'not measured', isFailure: false };
  const best = floor.op === '≥' ? max(ok) : min(ok);
  const verdict = meets(floor, value) ? 'met' : meets(floor, best) ? 'missed, within noise' : 'MISSED';
  return { label, floor, value, lo: min(ok), hi: max(ok), verdict, isFailure: verdict === 'MISSED' };
};

/** p`p` of each of `groups` consecutive slices of `values` (fewer when there are too few values). */
export const groupPercentiles = (values, groups, p) => {
  const size = Math.max(1, Math.ceil(values.length / groups));
  const out = [];
  for (let i = 0; i < values.length; i += size) out.push(percentile(values.slice(i, i + size), p));
  return out;
};

const ok = (runs, key) => runs.map((r) => (r && !r.error ? r[key] : Number.NaN));

/** Flood: lanes/tmux per repetition, for each scenario (mixed and seq, 1 and 4 lanes). */
export const floodChecks = (scenarios) =>
  scenarios.map((s) => {
    const ratios = pairedRatios(ok(s.runs.lanes, 'mbps'), ok(s.runs.tmux, 'mbps'));
    return judge(FLOORS.flood, ratios, median(ratios), `flood lanes/tmux, ${s.label}`);
  });

/** Echo latency p50, idle and beside a flood: the pooled p50, and that of each group of probes. */
export const latencyChecks = (variants) =>
  [
    ['lanes-idle', FLOORS.echoIdle],
    ['lanes-flood', FLOORS.echoFlood],
  ].flatMap(([key, floor]) => {
    const v = variants.find((x) => x.key === key);
    if (!v) return [];
    const all = v.runs.filter((r) => !r.error).flatMap((r) => r.latencies);
    return [judge(floor, groupPercentiles(all, LATENCY_GROUPS, 50), percentile(all, 50))];
  });

/** The spinner case: lanes' summed CPU per run. */
export const cpuChecks = (scenarios) => scenarios.filter((s) => s.kind === 'steady').map((s) => judge(FLOORS.spinner, ok(s.runs.lanes, 'cpuPercent')));

/** Attach: lanes' time per attach. */
export const attachChecks = (runs) => [judge(FLOORS.attach, ok(runs.lanes, 'ms'))];

const digitsOf = (floor) => (floor.unit === '×' ? 2 : floor.unit === 'ms' ? 1 : 2);

/** The floors table and one line on how they were judged. */
export const floorsReport = (checks, { isQuick = false } = {}) => {
  const rows = checks.map((c) => {
    const d = digitsOf(c.floor);
    const range = Number.isFinite(c.lo) && c.lo !== c.hi ? `${num(c.lo, d)}–${num(c.hi, d)}` : '';
    return [c.label, `${num(c.value, d)}${Number.isFinite(c.value) ? ` ${c.floor.unit}` : ''}`, range, `${c.floor.op} ${c.floor.limit} ${c.floor.unit}`, c.verdict];
  });
  return [
    table(['floor (issue 8)', 'lanes', 'range', 'floor', 'verdict'], rows),
    `range: over repetitions (echo: over ${LATENCY_GROUPS} groups of probes); MISSED = no repetition met the floor (beyond the run's noise)${isQuick ? '; --quick: verdicts do not fail the run' : ', which fails the run'}`,
  ].join('\n');
};
