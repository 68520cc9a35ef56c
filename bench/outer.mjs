/**
 * The "outer terminal": a 120×40 pseudo-terminal that runs a multiplexer (lanes or a tmux client)
 * the way a person's terminal would, whose output the bench reads. Output is counted, scanned for
 * markers, followed by a cursor tracker, and, while asked to, fed to a headless emulator so that
 * setup steps can look at the screen (never during a measurement: parsing tmux's forwarded flood
 * would cost the harness a core).
 */
import xtermHeadless from '@xterm/headless';
import { spawn } from 'node-pty';
import { onCleanup } from './cleanup.mjs';
import { CursorTracker } from './cursor-tracker.mjs';
import { killTree } from './procs.mjs';

const { Terminal } = xtermHeadless;

/** Longest marker the stream scan finds across chunk boundaries. */
const MAX_MARKER = 64;

export class OuterPty {
  /**
   * @param {{ file: string, args: string[], cwd: string, env: Record<string,string>, cols?: number, rows?: number }} options
   */
  constructor({ file, args, cwd, env, cols = 120, rows = 40 }) {
    this.cols = cols;
    this.rows = rows;
    this.bytes = 0;
    this.tail = Buffer.alloc(0);
    this.waiters = new Set();
    this.tracker = new CursorTracker(cols, rows);
    this.screen = new Terminal({ cols, rows, scrollback: 0, allowProposedApi: true });
    this.isScreenOn = true;
    this.pendingScreenWrites = 0;
    this.pty = spawn(file, args, { name: 'xterm-256color', cols, rows, cwd, env, encoding: null });
    this.pid = this.pty.pid;
    this.exited = new Promise((resolve) => this.pty.onExit((e) => resolve(e)));
    this.hasExited = false;
    this.exited.then(() => (this.hasExited = true));
    // Answer the program's terminal queries (cursor position, device attributes) like a terminal.
    this.screen.onData((reply) => this.write(reply));
    this.pty.onData((data) => this.receive(data));
    this.dispose = onCleanup(() => this.kill());
  }

  /** @param {Buffer} data */
  receive(data) {
    const now = performance.now();
    /** When the chunk being fed arrived: what the cursor tracker's callbacks use as "now". */
    this.receivedAt = now;
    this.bytes += data.length;
    this.tracker.feed(data);
    if (this.isScreenOn) {
      this.pendingScreenWrites += 1;
      this.screen.write(data, () => (this.pendingScreenWrites -= 1));
    }
    if (this.waiters.size > 0) {
      const window = Buffer.concat([this.tail, data]);
      for (const waiter of [...this.waiters]) {
        if (window.indexOf(waiter.marker) >= 0) {
          this.waiters.delete(waiter);
          waiter.resolve(now);
        }
      }
    }
    this.tail = data.length >= MAX_MARKER ? data.subarray(data.length - MAX_MARKER) : Buffer.concat([this.tail, data]).subarray(-MAX_MARKER);
  }

  /** Resolves with the time (performance.now()) at which `marker` arrived in the output stream. */
  waitForMarker(marker, timeoutMs, what = marker) {
    return new Promise((resolve, reject) => {
      const waiter = { marker: Buffer.from(marker), resolve: (t) => (clearTimeout(timer), resolve(t)) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} in the output; screen was:\n${this.text()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves when every marker arrived; with the time of the last one. */
  async waitForMarkers(markers, timeoutMs) {
    const times = await Promise.all(markers.map((m) => this.waitForMarker(m, timeoutMs)));
    return Math.max(...times);
  }

  /** Stop (or restart) feeding the headless screen; it then shows what it had. */
  setScreen(isOn) {
    this.isScreenOn = isOn;
  }

  /** The visible screen as text, one line per row. */
  lines() {
    const buffer = this.screen.buffer.active;
    const out = [];
    for (let y = 0; y < this.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  text() {
    return this.lines().join('\n');
  }

  /** Row and column of `needle` on the screen. */
  find(needle) {
    const lines = this.lines();
    for (let row = 0; row < lines.length; row++) {
      const col = lines[row].indexOf(needle);
      if (col >= 0) return { row, col };
    }
    return undefined;
  }

  /** Wait until the screen (fully parsed) satisfies `predicate`; polled every 20 ms (setup only). */
  async waitForScreen(predicate, what, timeoutMs = 20_000) {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.pendingScreenWrites === 0 && predicate(this.text())) return;
      if (this.hasExited) throw new Error(`the program in the outer terminal exited while waiting for ${what}; screen was:\n${this.text()}`);
      if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; screen was:\n${this.text()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  write(data) {
    // Once killed, its exit event may still be on its way: a late reply of the headless screen
    // to a query would be written to a closed PTY (EBADF, which node-pty reports on stderr).
    if (!this.hasExited && !this.isKilled) this.pty.write(data);
  }

  /** Kill the program and everything it started; an exit is waited for at most 2 s (SIGKILL is quick). */
  async kill() {
    this.isKilled = true;
    if (!this.hasExited) killTree(this.pid);
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    this.screen.dispose();
  }
}
