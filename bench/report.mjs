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

/** CPU % of one core, per scenario; per process, with memory at the end of the steady run. */
export const cpuReport = (scenarios) => {
  const rows = [];
  const notes = [];
  const perProcess = new Map();
  for (const s of scenarios) {
    const lanes = field(s.runs.lanes, 'cpuPercent');
    const tmux = field(s.runs.tmux, 'cpuPercent');
    rows.push([s.label, spread(lanes, 2), spread(tmux, 2), ratio(median(pairedRatios(lanes, tmux))), spread(field(s.runs.lanes, 'outerKbps'), 1), spread(field(s.runs.tmux, 'outerKbps'), 1)]);
    for (const v of ['lanes', 'tmux']) {
      notes.push(...errorsOf(`${s.label}, ${v}`, s.runs[v]));
      for (const run of s.runs[v].filter((r) => r && !r.error)) {
        for (const p of run.processes) {
          if (!perProcess.has(p.what)) perProcess.set(p.what, { steady: [], idle: [], mb: undefined });
          const entry = perProcess.get(p.what);
          entry[s.kind].push(p.cpuPercent);
          if (s.kind === 'steady') entry.mb = p.mb;
        }
      }
    }
  }
  const processRows = [...perProcess].map(([what, e]) => [what, spread(e.steady, 2), spread(e.idle, 2), num(e.mb, 1)]);
  const parts = [table(['CPU (% of one core, median (min–max))', 'lanes', 'tmux', 'lanes/tmux', 'lanes out KB/s', 'tmux out KB/s'], rows)];
  if (processRows.length > 0) parts.push('', table(['per process', 'steady CPU %', 'idle CPU %', 'RSS MB (end of steady run)'], processRows));
  if (notes.length > 0) parts.push('', 'failed runs:', ...notes);
  return parts.join('\n');
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
