import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../bench/options.mjs';

describe('bench options', () => {
  it('defaults to the full run, and --quick shrinks it', () => {
    const full = parseOptions([]);
    const quick = parseOptions(['--quick']);
    expect(full.sections).toEqual(['throughput', 'latency', 'steady', 'title', 'scale', 'idle', 'overlap', 'attach', 'memory']);
    // Two repetitions of every CPU case, even in the full run's shorter windows.
    expect(full.settings.cpuRuns).toBe(2);
    expect(full.soakMinutes).toBeUndefined();
    expect(quick.settings.floodBytes).toBeLessThan(full.settings.floodBytes);
    expect(quick.isQuick).toBe(true);
    // The attach bench keeps its 5,000 lines of history even when quick: that is what it measures.
    expect(quick.settings.attachLines).toBe(5000);
    expect(quick.settings.attachReps).toBeLessThan(full.settings.attachReps);
  });

  it('selects sections and repetitions, and refuses unknown ones', () => {
    expect(parseOptions(['--only', 'latency,idle']).sections).toEqual(['latency', 'idle']);
    expect(parseOptions(['--only=attach']).sections).toEqual(['attach']);
    expect(parseOptions(['--only', 'title,scale,memory']).sections).toEqual(['title', 'scale', 'memory']);
    expect(parseOptions(['--reps=3']).settings.floodReps).toBe(3);
    expect(parseOptions(['--only', 'nope']).error).toContain('unknown section');
    expect(parseOptions(['--frobnicate']).error).toContain('unknown option');
  });

  it('runs the soak alone, 30 minutes unless told', () => {
    expect(parseOptions(['--soak']).soakMinutes).toBe(30);
    expect(parseOptions(['--soak', '2']).soakMinutes).toBe(2);
    expect(parseOptions(['--soak=5', '--quick']).soakMinutes).toBe(5);
    expect(parseOptions(['--soak', '--quick']).isQuick).toBe(true);
    expect(parseOptions(['--soak=soon']).error).toContain('minutes');
  });

  it('takes Node options for the lanes processes, split at spaces', () => {
    expect(parseOptions(['--node-options', '--perf-basic-prof --interpreted-frames-native-stack']).nodeOptions).toEqual(['--perf-basic-prof', '--interpreted-frames-native-stack']);
    expect(parseOptions(['--node-options=--perf-basic-prof']).nodeOptions).toEqual(['--perf-basic-prof']);
    expect(parseOptions([]).nodeOptions).toEqual([]);
    expect(parseOptions(['--node-options']).error).toContain('needs Node options');
    expect(parseOptions(['--node-options', 'perf']).error).toContain('options only');
  });

  it('takes a folder for CPU profiles', () => {
    expect(parseOptions(['--cpu-prof', 'profiles']).profileDir).toBe('profiles');
    expect(parseOptions(['--cpu-prof']).error).toContain('needs a folder');
  });
});
