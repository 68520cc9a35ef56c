/**
 * The soak (`--soak [MINUTES]`, default 30): 4 lanes streaming the spinner agent (20 coloured lines
 * a second each) for MINUTES, the UI attached all along. Every interval (30 s; a twelfth of the run
 * when that is shorter) the bench reads the RSS and anonymous memory (/proc/<pid>/smaps_rollup) of
 * the host and the UI, then their live JS heap (heapUsed after a full collection: both load
 * bench/heap-probe.mjs), and their CPU over the interval.
 *
 * Verdict, per series (host RSS, UI RSS, host heap, UI heap): the samples after the warm-up (the
 * first 5 minutes, or the first third of a shorter soak) are cut into thirds; the series is *flat*
 * when the median of the last third exceeds that of the first third by less than 10 MB or less than
 * 5 % of it (whichever allows more), and *GROWING* otherwise. A soak of 10 minutes or more that is
 * not flat fails the run; a shorter one is a quick check whose verdict is printed only.
 */
import { fileURLToPath } from 'node:url';
import { makeAgentSet } from './agent-set.mjs';
import { makeTempDir, releaseAgents, shellQuote } from './fixtures.mjs';
import { heapOptions, readHeap } from './heap.mjs';
import { benchNodeOptions, startLanes } from './lanes-rig.mjs';
import { anonMb, rssMb, threadDelta, threadSnapshot } from './procs.mjs';
import { median } from './stats.mjs';
import { num, table } from './table.mjs';

const STEADY_AGENT = fileURLToPath(new URL('./agents/steady.mjs', import.meta.url));

/** Warm-up: the first 5 minutes (V8's heap and lanes' caches grow to their working size). */
const WARMUP_MS = 5 * 60_000;
/** Sampling interval of a long soak. */
const INTERVAL_MS = 30_000;
/** A series is flat when its last third exceeds its first third by less than this… */
const FLAT_MB = 10;
/** …or by less than this fraction of it. */
const FLAT_FRACTION = 0.05;
/** Shorter soaks are quick checks: their verdict does not fail the run. */
export const JUDGED_MINUTES = 10;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The soak's timing for `minutes`: sampling interval and warm-up, in ms. */
export const soakPlan = (minutes) => {
  const totalMs = minutes * 60_000;
  return { totalMs, intervalMs: Math.min(INTERVAL_MS, totalMs / 12), warmupMs: Math.min(WARMUP_MS, totalMs / 3) };
};

/**
 * Judges one series of { atMs, value } samples: { first, last, growth, verdict } where first and
 * last are the medians of the first and last thirds after the warm-up.
 */
export const judgeSeries = (samples, warmupMs) => {
  const after = samples.filter((s) => s.atMs >= warmupMs && Number.isFinite(s.value)).map((s) => s.value);
  if (after.length < 3) return { first: Number.NaN, last: Number.NaN, growth: Number.NaN, verdict: 'too few samples' };
  const third = Math.floor(after.length / 3);
  const first = median(after.slice(0, third));
  const last = median(after.slice(after.length - third));
  const growth = last - first;
  const allowed = Math.max(FLAT_MB, FLAT_FRACTION * first);
  return { first, last, growth, verdict: growth < allowed ? 'flat' : 'GROWING' };
};

/** Runs the soak; resolves with { text, isFailure }. */
export const runSoak = async (minutes, progress) => {
  const { totalMs, intervalMs, warmupMs } = soakPlan(minutes);
  const heapDir = await makeTempDir('lanes-bench-soak-heap-');
  const options = [...benchNodeOptions(), ...heapOptions(heapDir)];
  const set = await makeAgentSet('s', 4, { hostNodeOptions: options });
  const session = await startLanes(set.repo, { nodeOptions: options });
  session.outer.setScreen(false);
  const samples = [];
  let release;
  try {
    release = await releaseAgents(set.agents.lanes, (agent, stop) => `node ${shellQuote(STEADY_AGENT)} ${agent.id} ${shellQuote(stop)} 50`);
    const start = performance.now();
    const procs = { host: session.host, ui: session.ui };
    let before = { host: threadSnapshot(procs.host), ui: threadSnapshot(procs.ui), at: start, bytes: session.outer.bytes };
    for (let n = 0; ; n++) {
      const due = start + n * intervalMs;
      await sleep(Math.max(0, due - performance.now()));
      if (session.outer.hasExited) throw new Error('the lanes UI exited during the soak');
      const now = performance.now();
      const after = { host: threadSnapshot(procs.host), ui: threadSnapshot(procs.ui), at: now, bytes: session.outer.bytes };
      const seconds = (after.at - before.at) / 1000;
      const cpu = (key) => (n === 0 ? Number.NaN : (threadDelta(procs[key], before[key], after[key]).cpuSeconds / seconds) * 100);
      const sample = {
        atMs: now - start,
        hostRss: rssMb(procs.host),
        hostAnon: anonMb(procs.host),
        uiRss: rssMb(procs.ui),
        uiAnon: anonMb(procs.ui),
        cpu: cpu('host') + cpu('ui'),
        kbps: n === 0 ? Number.NaN : (after.bytes - before.bytes) / 1000 / seconds,
      };
      // RSS first: the collection the heap reading forces would lower it.
      sample.hostHeap = (await readHeap(procs.host, heapDir))?.heapMb;
      sample.uiHeap = (await readHeap(procs.ui, heapDir))?.heapMb;
      samples.push(sample);
      progress(`soak ${(sample.atMs / 60_000).toFixed(1)} min: host ${num(sample.hostRss)} MB (heap ${num(sample.hostHeap)}), UI ${num(sample.uiRss)} MB (heap ${num(sample.uiHeap)}), CPU ${num(sample.cpu)} %`);
      before = after;
      if (now - start >= totalMs) break;
    }
  } finally {
    await session.dispose();
    await release?.stop(10_000).catch(() => undefined);
  }
  return soakReport(samples, { minutes, intervalMs, warmupMs });
};

const SERIES = [
  ['host RSS', 'hostRss'],
  ['UI RSS', 'uiRss'],
  ['host JS heap', 'hostHeap'],
  ['UI JS heap', 'uiHeap'],
];

/** The samples over time, and the verdict of each series. */
export const soakReport = (samples, { minutes, intervalMs, warmupMs }) => {
  const rows = samples.map((s) => [
    `${(s.atMs / 60_000).toFixed(1)}${s.atMs < warmupMs ? ' (warm-up)' : ''}`,
    num(s.hostRss),
    num(s.hostAnon),
    num(s.hostHeap),
    num(s.uiRss),
    num(s.uiAnon),
    num(s.uiHeap),
    num(s.cpu, 2),
    num(s.kbps),
  ]);
  const verdicts = SERIES.map(([label, key]) => ({ label, ...judgeSeries(samples.map((s) => ({ atMs: s.atMs, value: s[key] })), warmupMs) }));
  const isJudged = minutes >= JUDGED_MINUTES;
  const isGrowing = verdicts.some((v) => v.verdict === 'GROWING');
  const overall = isGrowing ? 'GROWING' : verdicts.every((v) => v.verdict === 'flat') ? 'flat' : 'not judged (too few samples after warm-up)';
  const text = [
    `Soak: 4 lanes × 20 lines/s for ${minutes} min, the UI attached; a sample every ${intervalMs / 1000} s, warm-up ${(warmupMs / 60_000).toFixed(1)} min`,
    table(['minute', 'host RSS MB', 'host anon MB', 'host heap MB', 'UI RSS MB', 'UI anon MB', 'UI heap MB', 'CPU % host+UI', 'out KB/s'], rows),
    '',
    table(
      ['after warm-up', 'first third MB', 'last third MB', 'growth MB', 'verdict'],
      verdicts.map((v) => [v.label, num(v.first), num(v.last), num(v.growth), v.verdict]),
    ),
    `flat: the median of the last third of the samples after warm-up exceeds that of the first third by less than ${FLAT_MB} MB or ${FLAT_FRACTION * 100} % of it; heap: heapUsed after a full collection (bench/heap-probe.mjs), anon: Anonymous of /proc/<pid>/smaps_rollup`,
    `soak verdict: ${overall}${isJudged ? '' : ` (a soak shorter than ${JUDGED_MINUTES} min is a quick check: its verdict does not fail the run)`}`,
  ].join('\n');
  return { text, isFailure: isJudged && overall !== 'flat' };
};
