import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../bench/options.mjs';

describe('bench options', () => {
  it('defaults to the full run, and --quick shrinks it', () => {
    const full = parseOptions([]);
    const quick = parseOptions(['--quick']);
    expect(full.sections).toEqual(['throughput', 'latency', 'steady', 'idle', 'overlap', 'attach']);
    expect(quick.settings.floodBytes).toBeLessThan(full.settings.floodBytes);
    expect(quick.isQuick).toBe(true);
    // The attach bench keeps its 5,000 lines of history even when quick: that is what it measures.
    expect(quick.settings.attachLines).toBe(5000);
    expect(quick.settings.attachReps).toBeLessThan(full.settings.attachReps);
  });

  it('selects sections and repetitions, and refuses unknown ones', () => {
    expect(parseOptions(['--only', 'latency,idle']).sections).toEqual(['latency', 'idle']);
    expect(parseOptions(['--only=attach']).sections).toEqual(['attach']);
    expect(parseOptions(['--reps=3']).settings.floodReps).toBe(3);
    expect(parseOptions(['--only', 'nope']).error).toContain('unknown section');
    expect(parseOptions(['--frobnicate']).error).toContain('unknown option');
  });

  it('takes a folder for CPU profiles', () => {
    expect(parseOptions(['--cpu-prof', 'profiles']).profileDir).toBe('profiles');
    expect(parseOptions(['--cpu-prof']).error).toContain('needs a folder');
  });
});
