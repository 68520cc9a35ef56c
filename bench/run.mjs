#!/usr/bin/env node
/**
 * lanes benchmark: flood throughput, keystroke echo latency, CPU and wake-ups while agents stream
 * (spinner lines, title spinners, 16 lanes) and while they idle, overlap flag latency, time to
 * attach, memory per lane — lanes (its agents in the lanes host, the UI attached to it) side by
 * side with tmux (and the raw PTY floor) in one run, on this machine, with the targets of issue 11
 * judged at the end. `--soak` runs the memory soak alone.
 * Usage: npm run bench [-- --quick]   (see options.mjs and bench/README.md).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupAll, installCleanupHandlers } from './cleanup.mjs';
import { writeMixedCorpus, writeSeqCorpus } from './corpus.mjs';
import { growAgentSet, makeAgentSet } from './agent-set.mjs';
import { CPU_CASES, runCpuVariant } from './cpu.mjs';
import { makeTempDir } from './fixtures.mjs';
import { logLanesProcessesTo, profileLanesInto, stopAllHosts, useNodeOptions } from './lanes-rig.mjs';
import { runMemory } from './memory.mjs';
import { runSoak } from './soak.mjs';
import { prepareLatency, runLatencyVariant } from './latency.mjs';
import { parseOptions } from './options.mjs';
import { OVERLAP_TARGET_MS, meetsOverlapTarget, overlapReport, runOverlapLatency } from './overlap.mjs';
import { attachReport, cpuReport, latencyReport, memoryReport, throughputReport } from './report.mjs';
import { prepareAttach, runAttachVariant } from './attach.mjs';
import { cpuChecks, floodChecks, latencyChecks, memoryChecks, targetsReport } from './floors.mjs';
import { VARIANTS, runFloodVariant } from './throughput.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const startedAt = performance.now();
const progress = (text) => process.stderr.write(`bench ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s: ${text}\n`);

/** `list` rotated left by `n`: each repetition starts with another variant. */
const rotate = (list, n) => list.map((_, i) => list[(i + n) % list.length]);

const tryRun = (file, args) => {
  try {
    return execFileSync(file, args, { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

const checkPrerequisites = () => {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'entry.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  if (tryRun('tmux', ['-V']) === undefined) throw new Error('tmux is not installed: the bench compares lanes with tmux');
  if (!existsSync('/proc/self/stat')) throw new Error('the bench reads /proc: Linux only');
};

const header = (settings, sections, { isQuick, profileDir, nodeOptions, soakMinutes }) => {
  const mb = (bytes) => `${bytes / 1e6} MB`;
  return [
    `lanes bench${soakMinutes ? ` --soak ${soakMinutes}` : ''}${isQuick ? ' (--quick: a smoke test, the numbers mean little)' : ''}${profileDir ? ' (lanes profiled: slower than it is)' : ''}${nodeOptions.length > 0 ? ` (lanes with node ${nodeOptions.join(' ')})` : ''}`,
    `lanes ${tryRun('git', ['rev-parse', '--short', 'HEAD']) ?? '?'} · node ${process.version} · ${tryRun('tmux', ['-V']) ?? 'tmux ?'} · ${cpus().length} × ${cpus()[0]?.model ?? '?'} · load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    soakMinutes ? 'lanes: agents in the lanes host (started by the bench, with the heap probe), the UI attached to it' : 'lanes: agents in the lanes host (started by lanes new), the UI attached to it; tmux: a private server, its client attached',
    `outer terminal 120×40${!soakMinutes && sections.includes('throughput') ? ` · floods: ${mb(settings.floodBytes)} through 1 lane, 4 lanes × ${mb(settings.floodBytesEach4)} (${mb(4 * settings.floodBytesEach4)} in total), ${settings.floodReps} interleaved repetitions` : ''}`,
    '',
  ].join('\n');
};

const section = async (name, fn) => {
  const start = performance.now();
  progress(`${name}…`);
  const text = await fn();
  progress(`${name} done in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  return text;
};

/** The targets judged so far (floors.mjs), in the order their sections ran. */
const checks = [];

/**
 * Agent sets are made once and shared by the scenarios with as many lanes: one lane (a1), and one
 * set (q1…) that grows with `lanes new` from 4 to 8 to 16 lanes as scenarios need more. It never
 * shrinks: the sections run in an order in which no scenario needs fewer lanes than one before.
 */
const sets = {};
const agentSet = async (count) => {
  if (count === 1) return (sets.a ??= await makeAgentSet('a', 1));
  if (!sets.q) return (sets.q = await makeAgentSet('q', count));
  const size = sets.q.agents.lanes.length;
  if (count < size) throw new Error(`the shared agent set has grown to ${size} lanes: a ${count}-lane scenario must run before it grew`);
  if (count > size) sets.q = await growAgentSet(sets.q, count);
  return sets.q;
};

const throughput = async (settings, corpora) => {
  const plan = [
    { label: 'mixed, 1 lane', file: corpora.mixed, lanes: 1 },
    { label: 'seq, 1 lane', file: corpora.seq, lanes: 1 },
    { label: 'mixed, 4 lanes', file: corpora.mixedEach, lanes: 4 },
    { label: 'seq, 4 lanes', file: corpora.seqEach, lanes: 4 },
  ];
  const scenarios = [];
  for (const s of plan) {
    scenarios.push({ ...s, set: await agentSet(s.lanes), totalBytes: statSync(s.file).size * s.lanes, runs: { lanes: [], tmux: [], raw: [] } });
  }
  for (let rep = 0; rep < settings.floodReps; rep++) {
    for (const [i, s] of scenarios.entries()) {
      for (const variant of rotate(VARIANTS, rep + i)) {
        const result = await runFloodVariant(variant, s, { timeoutMs: settings.floodTimeoutMs });
        s.runs[variant][rep] = result;
        progress(`flood ${rep + 1}/${settings.floodReps} ${s.label} ${variant}: ${result.error ?? `${result.mbps.toFixed(1)} MB/s`}`);
      }
    }
  }
  checks.push(...floodChecks(scenarios));
  return throughputReport(scenarios);
};

const latency = async (settings, floodFile) => {
  const prepared = await prepareLatency();
  const variants = [
    { key: 'lanes-idle', label: 'lanes, other lane idle', mux: 'lanes', isFlood: false, runs: [] },
    { key: 'tmux-idle', label: 'tmux, other pane idle', mux: 'tmux', isFlood: false, runs: [] },
    { key: 'lanes-flood', label: 'lanes, other lane flooding', mux: 'lanes', isFlood: true, runs: [] },
    { key: 'tmux-flood', label: 'tmux, other pane flooding', mux: 'tmux', isFlood: true, runs: [] },
  ];
  for (let run = 0; run < settings.latencyRuns; run++) {
    for (const v of rotate(variants, run)) {
      const result = await runLatencyVariant(v.mux, v.isFlood, prepared, { keys: settings.latencyKeys, seed: run + 1, floodFile });
      v.runs.push(result);
      progress(`latency ${run + 1}/${settings.latencyRuns} ${v.label}: ${result.error ?? `${result.latencies.length} keys`}`);
    }
  }
  checks.push(...latencyChecks(variants));
  return latencyReport(variants);
};

/** The CPU cases run so far (cpu.mjs), each { kind, label, short, runs: { lanes, tmux } }. */
const cpuScenarios = [];

/** One CPU case, `settings.cpuRuns` times, lanes and tmux interleaved. */
const cpuCase = async (settings, kind) => {
  const cpuCase = CPU_CASES[kind];
  const set = await agentSet(cpuCase.lanes);
  const runs = { lanes: [], tmux: [] };
  const warmupMs = cpuCase.isIdle ? settings.idleWarmupMs : kind === 'scale' ? settings.scaleWarmupMs : settings.cpuWarmupMs;
  const options = { seconds: settings.cpuSeconds, warmupMs };
  for (let run = 0; run < settings.cpuRuns; run++) {
    for (const mux of rotate(['lanes', 'tmux'], run)) {
      const result = await runCpuVariant(mux, set, cpuCase, options);
      runs[mux][run] = result;
      progress(`cpu ${cpuCase.label} ${run + 1}/${settings.cpuRuns} ${mux}: ${result.error ?? `${result.cpuPercent.toFixed(2)} %, ${result.wakeups.toFixed(1)} wake-ups/s`}`);
    }
  }
  cpuScenarios.push({ kind, label: `${cpuCase.label}, ${options.seconds} s`, short: cpuCase.short, runs });
};

/** The CPU cases in the order of the report, whatever order they ran in. */
const cpuText = () => {
  const order = Object.keys(CPU_CASES);
  const scenarios = [...cpuScenarios].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  checks.push(...cpuChecks(scenarios));
  return cpuReport(scenarios);
};

const attach = async (settings) => {
  const prepared = await prepareAttach(await agentSet(8), { lines: settings.attachLines });
  const runs = { lanes: [], tmux: [] };
  for (let rep = 0; rep < settings.attachReps; rep++) {
    for (const mux of rotate(['lanes', 'tmux'], rep)) {
      const result = await runAttachVariant(mux, prepared);
      runs[mux][rep] = result;
      progress(`attach ${rep + 1}/${settings.attachReps} ${mux}: ${result.error ?? `${result.ms.toFixed(0)} ms`}`);
    }
  }
  return attachReport(`8 lanes × ${settings.attachLines} lines of history`, runs);
};

/** The flood corpora, generated into a temporary folder. */
const makeCorpora = async (settings, sections) => {
  const dir = await makeTempDir('lanes-bench-corpus-');
  const corpora = { mixed: join(dir, 'mixed.txt'), mixedEach: join(dir, 'mixed-each.txt'), seq: join(dir, 'seq.txt'), seqEach: join(dir, 'seq-each.txt') };
  progress('generating corpora');
  await writeMixedCorpus(corpora.mixed, settings.floodBytes);
  if (sections.includes('throughput')) {
    await writeMixedCorpus(corpora.mixedEach, settings.floodBytesEach4, 2);
    await writeSeqCorpus(corpora.seq, settings.floodBytes);
    await writeSeqCorpus(corpora.seqEach, settings.floodBytesEach4);
  }
  return corpora;
};

const memory = async (settings) => {
  const result = await runMemory({ levels: settings.memoryLevels, lines: settings.memoryLines, reps: settings.memoryReps, settleMs: settings.memorySettleMs }, progress);
  checks.push(...memoryChecks(result));
  return memoryReport(result);
};

/** Runs the sections asked for; resolves with the report's parts and the overlap samples. */
const runSections = async (settings, sections, isQuick, out) => {
  let overlapSamples;
  const has = (name) => sections.includes(name);
  const corpora = has('throughput') || has('latency') ? await makeCorpora(settings, sections) : undefined;
  if (has('throughput')) {
    out.push('1. Flood throughput (time from "cat" to every DONE marker on the outer terminal)', await section('throughput', () => throughput(settings, corpora)), '');
  }
  if (has('latency')) {
    out.push('2. Keystroke echo latency (cat in cooked mode; probe written to the outer terminal until echoed on it)', await section('latency', () => latency(settings, corpora.mixed)), '');
  }
  // Run order follows the shared agent set as it grows (4 → 8 → 16 lanes); the CPU cases are
  // printed together once the last of them ran, where the CPU section stands.
  const cpuAt = out.length;
  let isCpuPrinted = false;
  const printCpu = () => {
    if (isCpuPrinted || cpuScenarios.length === 0) return;
    isCpuPrinted = true;
    out.splice(cpuAt, 0, '3, 4, 7–9. CPU and wake-ups of the multiplexer processes, summed (lanes: launcher + UI + host; tmux: server + client; agents excluded)', cpuText(), '');
  };
  try {
    for (const kind of ['steady', 'title', 'idle'].filter(has)) await section(`cpu ${kind}`, () => cpuCase(settings, kind));
    if (has('overlap')) {
      out.push(
        '5. Overlap flag latency (the same file written in a second lane → the overlap shown on the outer terminal)',
        await section('overlap', async () => {
          overlapSamples = await runOverlapLatency({ reps: settings.overlapReps });
          return overlapReport(overlapSamples);
        }),
        '',
      );
    }
    if (has('attach')) {
      out.push('6. Time to attach (from starting lanes, or tmux attach, until every pane shows its last line on the outer terminal)', await section('attach', () => attach(settings)), '');
    }
    if (has('scale')) await section('cpu scale', () => cpuCase(settings, 'scale'));
  } finally {
    // Also when a later section failed: what was measured is worth seeing.
    printCpu();
  }
  if (has('memory')) {
    out.push('10. Memory per lane (lanes: host + UI; tmux: server + client; every lane with 5,000 lines of history, attached)', await section('memory', () => memory(settings)), '');
  }
  if (checks.length > 0) out.push('Targets of issue 11', targetsReport(checks, { isQuick }), '');
  return overlapSamples;
};

const main = async () => {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed.help) {
    console.log(parsed.help);
    return 0;
  }
  if (parsed.error) {
    console.error(parsed.error);
    return 2;
  }
  const { settings, sections, isQuick, profileDir, nodeOptions, soakMinutes } = parsed;
  checkPrerequisites();
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    profileLanesInto(resolve(profileDir));
  }
  useNodeOptions(nodeOptions);
  logLanesProcessesTo(progress);
  installCleanupHandlers();
  const start = performance.now();
  const out = [header(settings, sections, parsed)];
  /** The overlap latencies, when that section ran. */
  let overlapSamples;
  let soak;
  try {
    if (soakMinutes) {
      soak = await section(`soak, ${soakMinutes} min`, () => runSoak(soakMinutes, progress));
      out.push(soak.text, '');
    } else overlapSamples = await runSections(settings, sections, isQuick, out);
  } catch (error) {
    // What was measured before the failure is still worth seeing.
    console.log(out.join('\n'));
    throw error;
  } finally {
    await stopAllHosts();
    await cleanupAll();
  }
  out.push(`total ${((performance.now() - start) / 1000).toFixed(0)} s · load at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(out.join('\n'));
  // A missed spec target fails the run (the numbers above say by how much).
  let code = 0;
  if (overlapSamples !== undefined && !meetsOverlapTarget(overlapSamples)) {
    console.error(`bench: the overlap flag missed its target (p90 ≥ ${OVERLAP_TARGET_MS} ms, SPEC §5)`);
    code = 1;
  }
  // A target missed beyond the run's noise fails it too; a --quick run is too small to judge.
  const missed = checks.filter((c) => c.isFailure);
  if (missed.length > 0 && !isQuick) {
    console.error(`bench: ${missed.length} target${missed.length === 1 ? '' : 's'} of issue 11 missed beyond the run's noise: ${missed.map((c) => c.label).join('; ')}`);
    code = 1;
  }
  if (soak?.isFailure) {
    console.error('bench: the soak grew after warm-up (see its verdicts)');
    code = 1;
  }
  return code;
};

main().then(
  (code) => (process.exitCode = code),
  async (error) => {
    await cleanupAll();
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
