import { describe, expect, it } from 'vitest';
import { TARGETS, cpuChecks, floodChecks, groupPercentiles, judge, latencyChecks, memoryChecks, targetsReport } from '../../bench/floors.mjs';
import { judgeSeries, soakPlan } from '../../bench/soak.mjs';

const cpuRun = (cpuPercent, wakeups = {}) => ({
  cpuPercent,
  processes: ['lanes host', 'lanes UI process', 'lanes launcher'].map((what) => ({ what, cpuPercent: cpuPercent / 3, wakeups: wakeups[what] ?? 0 })),
});

describe('bench targets', () => {
  it('meets a target by the printed figure, and misses it beyond noise only when no repetition met it', () => {
    expect(judge(TARGETS.memory, [20, 24, 30]).verdict).toBe('met');
    expect(judge(TARGETS.memory, [24, 26, 30]).verdict).toBe('missed, within noise');
    const missed = judge(TARGETS.memory, [26, 27, 30]);
    expect(missed.verdict).toBe('MISSED');
    expect(missed.isFailure).toBe(true);
    // "< 0.05" is strict; "≤ 1.5" is not.
    expect(judge(TARGETS.idleCpu, [0.05]).verdict).toBe('MISSED');
    expect(judge(TARGETS.idleCpu, [0.049]).verdict).toBe('met');
    expect(judge(TARGETS.echoIdle, [1.5]).verdict).toBe('met');
  });

  it('judges "at least" targets from the other side', () => {
    expect(judge(TARGETS.flood, [1.1, 1.3, 1.4]).verdict).toBe('met');
    expect(judge(TARGETS.flood, [1.0, 1.1, 1.25]).verdict).toBe('missed, within noise');
    expect(judge(TARGETS.flood, [0.8, 0.9, 1.15]).isFailure).toBe(true);
  });

  it('never fails what was not measured', () => {
    const none = judge(TARGETS.title, [Number.NaN]);
    expect(none.verdict).toBe('not measured');
    expect(none.isFailure).toBe(false);
  });

  it('cuts probes into consecutive groups for the spread of a percentile', () => {
    expect(groupPercentiles([1, 1, 9, 9, 5], 2, 50)).toEqual([1, 7]);
    expect(groupPercentiles([3], 5, 50)).toEqual([3]);
  });

  it('reads flood and echo targets from the data each section collects', () => {
    const flood = floodChecks([{ label: 'mixed, 1 lane', runs: { lanes: [{ mbps: 12 }, { error: 'x' }], tmux: [{ mbps: 10 }, { mbps: 10 }] } }]);
    expect(flood[0].label).toContain('mixed, 1 lane');
    expect(flood[0].value).toBeCloseTo(1.2);
    expect(flood[0].verdict).toBe('met');
    const slow = Array.from({ length: 50 }, () => 20);
    const [idle, beside] = latencyChecks([
      { key: 'lanes-idle', runs: [{ latencies: [1, 1.2, 3], lost: 0 }] },
      { key: 'tmux-idle', runs: [{ latencies: [9], lost: 0 }] },
      { key: 'lanes-flood', runs: [{ latencies: slow, lost: 0 }] },
    ]);
    expect(idle.value).toBe(1.2);
    expect(idle.verdict).toBe('met');
    expect(beside.isFailure).toBe(true);
  });

  it('judges the CPU cases: against tmux, in % of a core, against the spinner case, and the wake-ups of each idle process', () => {
    const checks = cpuChecks([
      { kind: 'steady', runs: { lanes: [cpuRun(4), cpuRun(6)], tmux: [cpuRun(5), cpuRun(5)] } },
      { kind: 'title', runs: { lanes: [cpuRun(1.5), cpuRun(3)], tmux: [cpuRun(1), cpuRun(1)] } },
      { kind: 'scale', runs: { lanes: [cpuRun(12), cpuRun(9)], tmux: [cpuRun(5), cpuRun(5)] } },
      { kind: 'idle', runs: { lanes: [cpuRun(0, { 'lanes UI process': 2 }), cpuRun(0.01, { 'lanes UI process': 1 })], tmux: [cpuRun(0), cpuRun(0)] } },
    ]);
    const byLabel = Object.fromEntries(checks.map((c) => [c.label, c]));
    // Spinner: ratios 0.8 and 1.2, median 1.0.
    expect(byLabel[TARGETS.spinner.what].value).toBeCloseTo(1);
    expect(byLabel[TARGETS.spinner.what].verdict).toBe('met');
    expect(byLabel[TARGETS.title.what].verdict).toBe('missed, within noise');
    // 16 lanes ÷ spinner, paired: 12/4 = 3, 9/6 = 1.5.
    expect(byLabel[TARGETS.scale.what].value).toBeCloseTo(2.25);
    expect(byLabel[TARGETS.idleCpu.what].verdict).toBe('met');
    expect(byLabel['8 idle lanes, wake-ups of the UI process'].verdict).toBe('MISSED');
    expect(byLabel['8 idle lanes, wake-ups of the host'].verdict).toBe('met');
    // Without the spinner case there is nothing to compare the 16 lanes with.
    expect(cpuChecks([{ kind: 'scale', runs: { lanes: [cpuRun(1)], tmux: [cpuRun(1)] } }])).toEqual([]);
  });

  it('judges memory per lane from the slope of each repetition', () => {
    const [check] = memoryChecks({ lanes: { perLane: [20, 30] } });
    expect(check.value).toBe(25);
    expect(check.verdict).toBe('met');
  });

  it('prints each target with its figure, range and verdict', () => {
    const text = targetsReport([judge(TARGETS.memory, [26, 27, 30])]);
    expect(text).toContain('27.0 MB');
    expect(text).toContain('26.0–30.0');
    expect(text).toContain('≤ 25 MB');
    expect(text).toContain('MISSED');
    expect(targetsReport([], { isQuick: true })).toContain('do not fail');
  });
});

describe('bench soak', () => {
  it('samples every 30 s after a 5-minute warm-up, and scales both down for a short soak', () => {
    expect(soakPlan(30)).toEqual({ totalMs: 1_800_000, intervalMs: 30_000, warmupMs: 300_000 });
    expect(soakPlan(2)).toEqual({ totalMs: 120_000, intervalMs: 10_000, warmupMs: 40_000 });
  });

  it('calls a series flat when its last third grew by less than 10 MB or 5 %, warm-up left out', () => {
    const series = (values) => values.map((value, i) => ({ atMs: i * 1000, value }));
    // The warm-up (first 3 s) may grow as it likes.
    expect(judgeSeries(series([50, 80, 99, 100, 101, 100, 102, 105, 108]), 3000).verdict).toBe('flat');
    expect(judgeSeries(series([100, 100, 100, 105, 110, 115]), 0).verdict).toBe('GROWING');
    // 5 % of 400 MB is 20 MB: 15 MB of growth is flat there.
    expect(judgeSeries(series([400, 400, 405, 410, 415, 415]), 0).verdict).toBe('flat');
    expect(judgeSeries(series([1, 2]), 0).verdict).toBe('too few samples');
  });
});
