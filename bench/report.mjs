/** Turns the results of each benchmark into the tables the bench prints. */
import { max, median, pairedRatios, percentile } from './stats.mjs';
import { num, ratio, spread, table } from './table.mjs';

const field = (runs, key) => runs.map((r) => (r && !r.error ? r[key] : Number.NaN));

const errorsOf = (label, runs) => runs.filter((r) => r?.error).map((r) => `  ${label}: ${r.error}`);

/** Flood throughput: MB/s of each variant, and ratios of runs from the same repetition. */
export const throughputReport = (scenarios) => {
  const rows = [];
  const detail = [];
  const notes = [];
  for (const s of scenarios) {
    const lanes = field(s.runs.lanes, 'mbps');
    const tmux = field(s.runs.tmux, 'mbps');
    const raw = field(s.runs.raw, 'mbps');
    rows.push([s.label, spread(lanes), spread(tmux), spread(raw), ratio(median(pairedRatios(lanes, tmux))), ratio(median(pairedRatios(lanes, raw))), ratio(median(pairedRatios(tmux, raw)))]);
    detail.push([
      s.label,
      spread(field(s.runs.lanes, 'seconds'), 2),
      spread(field(s.runs.tmux, 'seconds'), 2),
      spread(field(s.runs.lanes, 'muxCpu').map((c) => c * 100), 0),
      spread(field(s.runs.tmux, 'muxCpu').map((c) => c * 100), 0),
      spread(field(s.runs.lanes, 'outerMb'), 2),
      spread(field(s.runs.tmux, 'outerMb'), 2),
    ]);
    for (const v of ['lanes', 'tmux', 'raw']) notes.push(...errorsOf(`${s.label}, ${v}`, s.runs[v]));
  }
  return [
    table(['flood (MB/s, median (min–max))', 'lanes', 'tmux', 'raw floor', 'lanes/tmux', 'lanes/raw', 'tmux/raw'], rows),
    '',
    table(['same floods, detail', 'lanes s', 'tmux s', 'lanes CPU % (host+UI+launcher)', 'tmux CPU % (server+client)', 'lanes out MB', 'tmux out MB'], detail),
    ...(notes.length > 0 ? ['', 'failed runs:', ...notes] : []),
  ].join('\n');
};

/** Echo latency percentiles, pooled over the runs of each variant. */
export const latencyReport = (variants) => {
  const rows = [];
  const notes = [];
  const stats = {};
  for (const v of variants) {
    const ok = v.runs.filter((r) => !r.error);
    const all = ok.flatMap((r) => r.latencies);
    const lost = ok.reduce((n, r) => n + r.lost, 0);
    stats[v.key] = { p50: percentile(all, 50), p99: percentile(all, 99) };
    rows.push([v.label, String(all.length), num(percentile(all, 50), 2), num(percentile(all, 90), 2), num(percentile(all, 99), 2), num(max(all), 1), String(lost)]);
    notes.push(...errorsOf(v.label, v.runs));
  }
  const ratioRow = (label, a, b) => [label, '', ratio(stats[a]?.p50 / stats[b]?.p50), '', ratio(stats[a]?.p99 / stats[b]?.p99), '', ''];
  rows.push(ratioRow('lanes/tmux, idle', 'lanes-idle', 'tmux-idle'), ratioRow('lanes/tmux, flooding neighbour', 'lanes-flood', 'tmux-flood'));
  rows.push(ratioRow('lanes flood/idle', 'lanes-flood', 'lanes-idle'));
  return [table(['echo latency (ms)', 'keys', 'p50', 'p90', 'p99', 'max', 'lost'], rows), ...(notes.length > 0 ? ['', 'failed runs:', ...notes] : [])].join('\n');
};

/** One process's figure in each successful run. */
const perProcessField = (runs, what, key) => runs.filter((r) => r && !r.error).map((r) => r.processes.find((p) => p.what === what)?.[key] ?? Number.NaN);

/**
 * The CPU cases (cpu.mjs): CPU % of one core and wake-ups per second, summed over the
 * multiplexer's processes, per case; the 16-lane case against the spinner case; then each process
 * in each case.
 */
export const cpuReport = (scenarios) => {
  const rows = [];
  const notes = [];
  for (const s of scenarios) {
    const lanes = field(s.runs.lanes, 'cpuPercent');
    const tmux = field(s.runs.tmux, 'cpuPercent');
    rows.push([
      s.label,
      spread(lanes, 2),
      spread(tmux, 2),
      ratio(median(pairedRatios(lanes, tmux))),
      spread(field(s.runs.lanes, 'wakeups'), 1),
      spread(field(s.runs.tmux, 'wakeups'), 1),
      spread(field(s.runs.lanes, 'outerKbps'), 1),
      spread(field(s.runs.tmux, 'outerKbps'), 1),
    ]);
    for (const v of ['lanes', 'tmux']) notes.push(...errorsOf(`${s.label}, ${v}`, s.runs[v]));
  }
  const steady = scenarios.find((s) => s.kind === 'steady');
  const scale = scenarios.find((s) => s.kind === 'scale');
  if (steady && scale) {
    const growth = (mux) => ratio(median(pairedRatios(field(scale.runs[mux], 'cpuPercent'), field(steady.runs[mux], 'cpuPercent'))));
    rows.push(['16-lane case ÷ spinner case (same lines/s in total)', growth('lanes'), growth('tmux'), '', '', '', '', '']);
  }
  const parts = [table(['CPU (% of one core) and wake-ups/s, median (min–max)', 'lanes CPU', 'tmux CPU', 'lanes/tmux', 'lanes wake/s', 'tmux wake/s', 'lanes out KB/s', 'tmux out KB/s'], rows)];
  const names = [...new Set(scenarios.flatMap((s) => ['lanes', 'tmux'].flatMap((v) => s.runs[v].filter((r) => r && !r.error).flatMap((r) => r.processes.map((p) => p.what)))))];
  if (names.length > 0) {
    const muxOf = (what) => (what.startsWith('lanes') ? 'lanes' : 'tmux');
    const cpuRows = names.map((what) => [what, ...scenarios.map((s) => spread(perProcessField(s.runs[muxOf(what)], what, 'cpuPercent'), 2))]);
    const wakeRows = names.map((what) => [
      what,
      ...scenarios.map((s) => {
        const all = median(perProcessField(s.runs[muxOf(what)], what, 'wakeups'));
        const main = median(perProcessField(s.runs[muxOf(what)], what, 'mainWakeups'));
        return Number.isFinite(all) ? `${num(all, 1)} (${num(main, 1)})` : '—';
      }),
    ]);
    const rssRows = names.map((what) => [what, ...scenarios.map((s) => num(median(perProcessField(s.runs[muxOf(what)], what, 'mb')), 1))]);
    const heads = scenarios.map((s) => s.short);
    parts.push('', table(['per process: CPU % of one core', ...heads], cpuRows));
    parts.push('', table(['per process: wake-ups/s, all threads (main thread)', ...heads], wakeRows));
    parts.push('', table(['per process: RSS MB at the end of the window', ...heads], rssRows));
  }
  parts.push('wake-ups: voluntary + nonvoluntary context switches over the window, from /proc/<pid>/task/*/status; CPU: scheduler time of every thread (schedstat); medians over the runs');
  if (notes.length > 0) parts.push('', 'failed runs:', ...notes);
  return parts.join('\n');
};

/**
 * Memory (memory.mjs): RSS of lanes' host and UI and of tmux's server and client with each number of
 * lanes, the live JS heap of lanes' host and UI (after a full collection), and MB per lane: the
 * slope from the fewest to the most lanes.
 */
export const memoryReport = (result) => {
  const { levels, lanes, tmux } = result;
  const first = levels[0];
  const last = levels.at(-1);
  const rows = levels.map((n, i) => [
    `${n} lane${n === 1 ? '' : 's'}`,
    spread(lanes.hostMb[i], 1),
    spread(lanes.uiMb[i], 1),
    spread(lanes.totalMb[i], 1),
    num(lanes.hostHeapMb[i], 1),
    num(lanes.hostExternalMb[i], 1),
    spread(lanes.uiHeapMb[i], 1),
    spread(tmux.serverMb[i], 1),
    spread(tmux.clientMb[i], 1),
    spread(tmux.totalMb[i], 1),
  ]);
  const slope = (values) => spread(values, 2);
  rows.push([`MB per lane (${last} − ${first} lanes) ÷ ${last - first}`, slope(lanes.hostPerLane), slope(lanes.uiPerLane), slope(lanes.perLane), slope(lanes.hostHeapPerLane), slope(lanes.hostExternalPerLane), '', slope(tmux.serverPerLane), '', slope(tmux.perLane)]);
  return [
    table(['memory, MB (median (min–max) of attaches)', 'host RSS', 'UI RSS', 'host+UI', 'host heap', 'host ext.', 'UI heap', 'tmux server', 'tmux client', 'server+client'], rows),
    `every lane printed ${result.lines} lines of history; RSS from /proc/<pid>/status ${result.settleMs / 1000} s after each attach; heap: heapUsed after a full collection, ext.: external + array buffers (process.memoryUsage, through bench/heap-probe.mjs)`,
    ...(result.errors.length > 0 ? ['', 'failed steps:', ...result.errors.map((e) => `  ${e}`)] : []),
  ].join('\n');
};

/** Attach time of each client: median (min–max) over the attaches, and the paired ratio. */
export const attachReport = (label, runs) => {
  const lanes = field(runs.lanes, 'ms');
  const tmux = field(runs.tmux, 'ms');
  const notes = [...errorsOf(`${label}, lanes`, runs.lanes), ...errorsOf(`${label}, tmux`, runs.tmux)];
  return [
    table(['attach (ms, median (min–max))', 'lanes', 'tmux', 'lanes/tmux'], [[label, spread(lanes, 0), spread(tmux, 0), ratio(median(pairedRatios(lanes, tmux)))]]),
    ...(notes.length > 0 ? ['', 'failed runs:', ...notes] : []),
  ].join('\n');
};
