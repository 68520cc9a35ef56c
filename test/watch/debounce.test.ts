import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Debouncer } from '../../src/watch/debounce.js';

describe('Debouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs once, waitMs after the last trigger of a short burst', () => {
    const fn = vi.fn();
    const debouncer = new Debouncer(fn, 150, 200);
    debouncer.trigger();
    vi.advanceTimersByTime(100);
    debouncer.trigger();
    vi.advanceTimersByTime(99);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs at least every maxWaitMs during a continuous stream of triggers', () => {
    const fn = vi.fn();
    const debouncer = new Debouncer(fn, 150, 200);
    for (let t = 0; t < 1_000; t += 50) {
      debouncer.trigger();
      vi.advanceTimersByTime(50);
    }
    // Triggers at 0, 50, …, 950 never leave 150 ms of quiet: runs at 200, 400, 600, 800, 1000.
    expect(fn).toHaveBeenCalledTimes(5);
    // The run at 1000 came after the last trigger: nothing is left to report.
    vi.advanceTimersByTime(1_000);
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('cancel drops a pending run', () => {
    const fn = vi.fn();
    const debouncer = new Debouncer(fn, 150, 200);
    debouncer.trigger();
    debouncer.cancel();
    vi.advanceTimersByTime(1_000);
    expect(fn).not.toHaveBeenCalled();
  });
});
