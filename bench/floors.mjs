/**
 * The targets of issue 11 (lanes through its host, against tmux in the same run), judged on a run's
 * figures. A target is *met* when the figure the tables print meets it; *missed, within noise* when
 * it does not but one repetition (for echo latency: one fifth of the probes, in order) did;
 * *MISSED* when none did — missed by more than the run's noise, which fails the bench.
 */
import { max, median, min, pairedRatios, percentile } from './stats.mjs';
import { num, table } from './table.mjs';

export const TARGETS = {
  spinner: { what: 'spinner case (4 × 20 lines/s), CPU lanes/tmux', op: '≤', limit: 1, unit: '×' },
  title: { what: 'title spinner (4 × 10 Hz), lanes CPU', op: '≤', limit: 2, unit: '% core' },
  scale: { what: '16 lanes × 5 lines/s ÷ spinner case, lanes CPU', op: '≤', limit: 2, unit: '×' },
  echoIdle: { what: 'echo p50, other lane idle', op: '≤', limit: 1.5, unit: 'ms' },
  echoFlood: { what: 'echo p50, beside a flooding lane', op: '≤', limit: 4, unit: 'ms' },
  flood: { what: 'flood lanes/tmux', op: '≥', limit: 1.2, unit: '×' },
  // "0.0 %": what rounds to 0.0 in the tables.
  idleCpu: { what: '8 idle lanes, lanes CPU', op: '<', limit: 0.05, unit: '% core' },
  // No periodic wake-ups: what a file watcher may legitimately need, per process, after warm-up.
  idleWakeups: { what: '8 idle lanes, wake-ups', op: '≤', limit: 0.5, unit: '/s' },
  memory: { what: 'memory per lane (host + UI RSS, 5,000 lines each)', op: '≤', limit: 25, unit: 'MB' },
};

/** Probes of a latency run are cut into this many consecutive groups to see how much p50 moves. */
const LATENCY_GROUPS = 5;

const meets = (target, value) => (target.op === '≥' ? value >= target.limit : target.op === '<' ? value < target.limit : value <= target.limit);

/**
 * Judge one figure: `value` (what the report prints; default the median of `samples`) and
 * `samples`, one per repetition. Resolves with what the targets table shows.
 */
export const judge = (target, samples, value = median(samples), label = target.what) => {
  const ok = samples.filter(Number.isFinite);
  if (ok.length === 0 || !Number.isFinite(value)) return { label, target, value: Number.NaN, lo: Number.NaN, hi: Number.NaN, verdict: 'not measured', isFailure: false };
  const best = target.op === '≥' ? max(ok) : min(ok);
  const verdict = meets(target, value) ? 'met' : meets(target, best) ? 'missed, within noise' : 'MISSED';
  return { label, target, value, lo: min(ok), hi: max(ok), verdict, isFailure: verdict === 'MISSED' };
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
    return judge(TARGETS.flood, ratios, median(ratios), `flood lanes/tmux, ${s.label}`);
  });

/** Echo latency p50, idle and beside a flood: the pooled p50, and that of each group of probes. */
export const latencyChecks = (variants) =>
  [
    ['lanes-idle', TARGETS.echoIdle],
    ['lanes-flood', TARGETS.echoFlood],
  ].flatMap(([key, target]) => {
    const v = variants.find((x) => x.key === key);
    if (!v) return [];
    const all = v.runs.filter((r) => !r.error).flatMap((r) => r.latencies);
    return [judge(target, groupPercentiles(all, LATENCY_GROUPS, 50), percentile(all, 50))];
  });

/** One process's figure per run (NaN for a failed run). */
const processField = (runs, what, key) => runs.map((r) => (r && !r.error ? (r.processes.find((p) => p.what === what)?.[key] ?? Number.NaN) : Number.NaN));

/**
 * The CPU cases (cpu.mjs, keyed by `kind`): the spinner case against tmux (lanes/tmux per
 * repetition), the title spinner in % of a core, the 16-lane case against the spinner case (lanes,
 * paired by repetition), and the idle case: lanes' summed CPU, and the wake-ups of each lanes
 * process (every thread).
 */
export const cpuChecks = (scenarios) => {
  const of = (kind) => scenarios.find((s) => s.kind === kind);
  const checks = [];
  const steady = of('steady');
  const title = of('title');
  const scale = of('scale');
  const idle = of('idle');
  if (steady) {
    const ratios = pairedRatios(ok(steady.runs.lanes, 'cpuPercent'), ok(steady.runs.tmux, 'cpuPercent'));
    checks.push(judge(TARGETS.spinner, ratios));
  }
  if (title) checks.push(judge(TARGETS.title, ok(title.runs.lanes, 'cpuPercent')));
  if (scale && steady) checks.push(judge(TARGETS.scale, pairedRatios(ok(scale.runs.lanes, 'cpuPercent'), ok(steady.runs.lanes, 'cpuPercent'))));
  if (idle) {
    checks.push(judge(TARGETS.idleCpu, ok(idle.runs.lanes, 'cpuPercent')));
    for (const what of ['lanes host', 'lanes UI process', 'lanes launcher']) {
      checks.push(judge(TARGETS.idleWakeups, processField(idle.runs.lanes, what, 'wakeups'), undefined, `8 idle lanes, wake-ups of the ${what.replace(/^lanes /, '')}`));
    }
  }
  return checks;
};

/** Memory: MB per lane (host + UI), one slope per repetition (memory.mjs). */
export const memoryChecks = (result) => [judge(TARGETS.memory, result.lanes.perLane)];

const digitsOf = (target) => (target.unit === 'ms' || target.unit === 'MB' ? 1 : 2);

/** The targets table and one line on how they were judged. */
export const targetsReport = (checks, { isQuick = false } = {}) => {
  const rows = checks.map((c) => {
    const d = digitsOf(c.target);
    const range = Number.isFinite(c.lo) && c.lo !== c.hi ? `${num(c.lo, d)}–${num(c.hi, d)}` : '';
    return [c.label, `${num(c.value, d)}${Number.isFinite(c.value) ? ` ${c.target.unit}` : ''}`, range, `${c.target.op} ${c.target.limit} ${c.target.unit}`, c.verdict];
  });
  return [
    table(['target (issue 11)', 'lanes', 'range', 'target', 'verdict'], rows),
    `range: over repetitions (echo: over ${LATENCY_GROUPS} groups of probes); MISSED = no repetition met the target (beyond the run's noise)${isQuick ? '; --quick: verdicts do not fail the run' : ', which fails the run'}`,
  ].join('\n');
};
