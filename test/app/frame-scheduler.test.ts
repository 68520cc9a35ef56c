import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameScheduler } from '../../src/app/frame-scheduler.js';

describe('FrameScheduler', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('paints on the leading edge when nothing was painted during the last period', () => {
    const paint = vi.fn();
    const frames = new FrameScheduler(paint, 30, () => now);
    frames.request();
    expect(paint).not.toHaveBeenCalled();
    vi.runOnlyPendingTimers();
    expect(paint).toHaveBeenCalledTimes(1);
  });

  it('coalesces a burst into one paint per frame period', () => {
    const paint = vi.fn();
    const frames = new FrameScheduler(paint, 10, () => now);
    frames.request();
    vi.runOnlyPendingTimers();
    expect(paint).toHaveBeenCalledTimes(1);
    // Within the 100 ms period: many requests, one deferred paint.
    now = 10;
    for (let i = 0; i < 50; i++) frames.request();
    vi.advanceTimersByTime(50);
    expect(paint).toHaveBeenCalledTimes(1);
    now = 100;
    vi.advanceTimersByTime(50);
    expect(paint).toHaveBeenCalledTimes(2);
  });

  it('flush paints at once and dispose stops painting', () => {
    const paint = vi.fn();
    const frames = new FrameScheduler(paint, 30, () => now);
    frames.flush();
    expect(paint).toHaveBeenCalledTimes(1);
    frames.request();
    frames.dispose();
    vi.runAllTimers();
    expect(paint).toHaveBeenCalledTimes(1);
  });

  it('flushSoon paints on the next turn even inside a frame period (a keystroke echo)', () => {
    const paint = vi.fn();
    const frames = new FrameScheduler(paint, 10, () => now);
    frames.request();
    vi.runOnlyPendingTimers();
    now = 10;
    frames.request();
    frames.flushSoon();
    vi.advanceTimersByTime(1);
    expect(paint).toHaveBeenCalledTimes(2);
    // The deferred paint it replaced does not run on top.
    now = 200;
    vi.advanceTimersByTime(200);
    expect(paint).toHaveBeenCalledTimes(2);
  });
});
