/**
 * One leading-edge frame clock. A frame is painted at once when none was painted during the last
 * frame period (so a keystroke's echo shows within a millisecond or two, not a whole frame later),
 * and bursts are coalesced to at most `maxFps` paints a second. There is no other throttle: two
 * stacked throttles halve the frame rate and add latency (performance notes, pitfall 3).
 */
export class FrameScheduler {
  private lastPaintAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly periodMs: number;
  private isDisposed = false;

  constructor(
    private readonly paint: () => void,
    maxFps: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.periodMs = 1000 / Math.max(1, maxFps);
  }

  /** Something changed on screen: paint soon. */
  request(): void {
    if (this.isDisposed || this.timer || this.immediate) return;
    const wait = this.lastPaintAt + this.periodMs - this.now();
    if (wait <= 0) {
      // setImmediate, not a synchronous paint: output chunks parsed in the same turn of the event
      // loop share one paint.
      this.immediate = setImmediate(this.run);
    } else {
      this.timer = setTimeout(this.run, wait);
    }
  }

  /**
   * Paint on the next macrotask whatever the frame clock says (the echo of a keystroke): output
   * parsed in the same turn still shares the paint. A pending later paint is replaced by it.
   */
  flushSoon(): void {
    if (this.isDisposed || this.immediate) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate = setImmediate(this.run);
  }

  /** Paint now (after a resize or an overlay change), cancelling a pending paint. */
  flush(): void {
    this.cancel();
    this.run();
  }

  dispose(): void {
    this.isDisposed = true;
    this.cancel();
  }

  private cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  private readonly run = (): void => {
    this.timer = undefined;
    this.immediate = undefined;
    if (this.isDisposed) return;
    this.lastPaintAt = this.now();
    this.paint();
  };
}
