/**
 * Flow control watermarks for bytes handed to xterm but not parsed yet. xterm throws ("write data
 * discarded") above 50 MB pending, and a big backlog also means a stale screen. Above the high mark
 * the PTY is paused, so the agent blocks in write() once the kernel's ~17 KB buffer is full: the
 * emulator may back-pressure the agent, but nothing else may (the UI never reads the PTY itself).
 * 512 KiB is about 25 ms of parsing at xterm's ~20 MB/s: enough slack that a burst never pauses,
 * small enough that the screen is never far behind. Resuming at 128 KiB (not just under 512 KiB)
 * keeps the PTY from toggling pause/resume on every chunk.
 */
const HIGH_WATERMARK_BYTES = 512 * 1024;
const LOW_WATERMARK_BYTES = 128 * 1024;

export interface FlowControlOptions {
  /** Watermarks in bytes; tests lower them to exercise pause and resume. */
  highWatermark?: number;
  lowWatermark?: number;
}

/** Counters of one terminal's output path, for tests and the bench. */
export interface FlowStats {
  /** Bytes read from the PTY so far. */
  bytesRead: number;
  /** Chunks read from the PTY so far. */
  chunks: number;
  /** Bytes handed to the emulator and not parsed yet. */
  pendingBytes: number;
  /** The largest `pendingBytes` seen. */
  maxPendingBytes: number;
  /** How many times the PTY was paused because the emulator fell behind. */
  pauses: number;
}

/** What flow control pauses: the PTY's reading side. */
export interface Pausable {
  pause(): void;
  resume(): void;
}

/** Counts bytes between the PTY and the emulator's parser and pauses the PTY while too many wait. */
export class FlowControl {
  readonly stats: FlowStats = { bytesRead: 0, chunks: 0, pendingBytes: 0, maxPendingBytes: 0, pauses: 0 };
  private readonly source: Pausable;
  private readonly highWatermark: number;
  private readonly lowWatermark: number;
  private isPaused = false;

  constructor(source: Pausable, options: FlowControlOptions = {}) {
    this.source = source;
    this.highWatermark = options.highWatermark ?? HIGH_WATERMARK_BYTES;
    this.lowWatermark = Math.min(options.lowWatermark ?? LOW_WATERMARK_BYTES, this.highWatermark);
  }

  /** A chunk of `size` bytes was read and handed to the emulator. */
  received(size: number): void {
    const stats = this.stats;
    stats.bytesRead += size;
    stats.chunks += 1;
    stats.pendingBytes += size;
    if (stats.pendingBytes > stats.maxPendingBytes) stats.maxPendingBytes = stats.pendingBytes;
    if (!this.isPaused && stats.pendingBytes > this.highWatermark) {
      this.isPaused = true;
      stats.pauses += 1;
      this.source.pause();
    }
  }

  /** The emulator finished parsing a chunk of `size` bytes (its write callback ran). */
  parsed(size: number): void {
    this.stats.pendingBytes -= size;
    if (this.isPaused && this.stats.pendingBytes < this.lowWatermark) {
      this.isPaused = false;
      this.source.resume();
    }
  }
}
