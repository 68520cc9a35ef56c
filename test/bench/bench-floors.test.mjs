import { describe, expect, it } from 'vitest';
import { FLOORS, attachChecks, cpuChecks, floodChecks, floorsReport, groupPercentiles, judge, latencyChecks } from '../../bench/floors.mjs';

describe('bench floors', () => {
  it('meets a floor by the printed figure, and misses it beyond noise only when no repetition met it', () => {
    expect(judge(FLOORS.attach, [200, 250, 400]).verdict).toBe('met');
    expect(judge(FLOORS.attach, [280, 350, 400]).verdict).toBe('missed, within noise');
    const missed = judge(FLOORS.attach, [310, 350, 400]);
    expect(missed.verdict).toBe('MISSED');
    expect(missed.isFailure).toBe(true);
    // "< 300" is strict; "≤ 2.5" is not.
    expect(judge(FLOORS.attach, [300]).verdict).toBe('MISSED');
    expect(judge(FLOORS.echoIdle, [2.5]).verdict).toBe('met');
  });

  it('judges "at least" floors from the other side', () => {
    expect(judge(FLOORS.flood, [0.9, 1.1, 1.2]).verdict).toBe('met');
    expect(judge(FLOORS.flood, [0.8, 0.9, 1.05]).verdict).toBe('missed, within noise');
    expect(judge(FLOORS.flood, [0.8, 0.9, 0.95]).isFailure).toBe(true);
  });

  it('never fails what was not measured', () => {
    const none = judge(FLOORS.spinner, [Number.NaN]);
    expect(none.verdict).toBe('not measured');
    expect(none.isFailure).toBe(false);
  });

  it('cuts probes into consecutive groups for the spread of a percentile', () => {
    expect(groupPercentiles([1, 1, 9, 9, 5], 2, 50)).toEqual([1, 7]);
    expect(groupPercentiles([3], 5, 50)).toEqual([3]);
  });

  it('reads the floors from the data each section collects', () => {
    const flood = floodChecks([{ label: 'mixed, 1 lane', runs: { lanes: [{ mbps: 12 }, { error: 'x' }], tmux: [{ mbps: 10 }, { mbps: 10 }] } }]);
    expect(flood[0].label).toContain('mixed, 1 lane');
    expect(flood[0].value).toBeCloseTo(1.2);
    const slow = Array.from({ length: 50 }, () => 20);
    const [idle, beside] = latencyChecks([
      { key: 'lanes-idle', runs: [{ latencies: [1, 2, 3], lost: 0 }] },
      { key: 'tmux-idle', runs: [{ latencies: [9], lost: 0 }] },
      { key: 'lanes-flood', runs: [{ latencies: slow, lost: 0 }] },
    ]);
    expect(idle.value).toBe(2);
    expect(idle.verdict).toBe('met');
    expect(beside.isFailure).toBe(true);
    expect(cpuChecks([{ kind: 'idle', runs: { lanes: [{ cpuPercent: 9 }] } }, { kind: 'steady', runs: { lanes: [{ cpuPercent: 4 }] } }]).map((c) => c.verdict)).toEqual(['met']);
    expect(attachChecks({ lanes: [{ ms: 120 }, { error: 'timed out' }] })[0].value).toBe(120);
  });

  it('prints each floor with its figure, range and verdict', () => {
    const text = floorsReport([judge(FLOORS.attach, [310, 350, 400])]);
    expect(text).toContain('350.0 ms');
    expect(text).toContain('310.0–400.0');
    expect(text).toContain('< 300 ms');
    expect(text).toContain('MISSED');
    expect(floorsReport([], { isQuick: true })).toContain('do not fail');
  });
});
