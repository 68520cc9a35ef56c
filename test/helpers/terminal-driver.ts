import { spawn as spawnPty, type IPty } from 'node-pty';
import xtermHeadless from '@xterm/headless';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const { Terminal } = xtermHeadless;

/** The built CLI, as users run it. */
export const LANES_BIN = fileURLToPath(new URL('../../bin/lanes.js', import.meta.url));

export interface DriverOptions {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /**
   * A node script that leads the terminal's session and runs lanes as its child, the way a shell
   * does (see session-leader.js); without it lanes' launcher leads the session itself.
   */
  via?: string;
}

/**
 * Runs a program (normally the built `bin/lanes.js`) in a real pseudo-terminal and reads its screen
 * through a terminal emulator, the way a person sees it. Keys are sent as bytes.
 */
export class TerminalDriver {
  /** Every driver started and not yet ended, for cleanup after each test (see e2e-setup.ts). */
  static readonly live = new Set<TerminalDriver>();
  readonly term: InstanceType<typeof Terminal>;
  readonly pty: IPty;
  /** Everything the program wrote, for checks on escape sequences. */
  raw = '';
  readonly exited: Promise<{ code: number; signal: number }>;
  private pendingWrites = 0;

  private readonly via: string | undefined;

  constructor(options: DriverOptions) {
    this.via = options.via;
    const cols = options.cols ?? 120;
    const rows = options.rows ?? 40;
    this.term = new Terminal({ cols, rows, allowProposedApi: true, scrollback: 0 });
    this.pty = spawnPty(process.execPath, [...(options.via === undefined ? [] : [options.via, process.execPath]), LANES_BIN, ...options.args], {
      name: 'xterm-256color',
      cols,
      rows,
      cwd: options.cwd,
      env: options.env,
    });
    this.pty.onData((data) => {
      this.raw += data;
      this.pendingWrites += 1;
      this.term.write(data, () => {
        this.pendingWrites -= 1;
      });
    });
    // Answer the program's terminal queries the way a real terminal does.
    this.term.onData((data) => this.pty.write(data));
    TerminalDriver.live.add(this);
    this.exited = new Promise((resolve) => this.pty.onExit(({ exitCode, signal }) => resolve({ code: exitCode, signal: signal ?? 0 })));
  }

  /** The visible screen, one string per row (trailing spaces trimmed). */
  lines(): string[] {
    const buffer = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true, 0, this.term.cols) ?? '');
    return out;
  }

  screen(): string {
    return this.lines().join('\n');
  }

  /** Row and column of the first occurrence of `text` on screen, if any. */
  find(text: string): { row: number; col: number } | undefined {
    const lines = this.lines();
    for (let row = 0; row < lines.length; row++) {
      const col = (lines[row] as string).indexOf(text);
      if (col >= 0) return { row, col };
    }
    return undefined;
  }

  /**
   * True while the program is inside a synchronized update (DEC 2026) whose end has not arrived:
   * a paint can reach us in several chunks, and a screen checked between them is half old.
   */
  private isMidPaint(): boolean {
    return this.raw.lastIndexOf('\x1b[?2026h') > this.raw.lastIndexOf('\x1b[?2026l');
  }

  /**
   * Wait until the screen satisfies `predicate`, checked only between whole paints; fails with
   * the screen in the message.
   */
  async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.pendingWrites === 0 && !this.isMidPaint() && predicate(this.screen())) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; screen was:\n${this.screen()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  waitForText(text: string, timeoutMs?: number): Promise<void> {
    return this.waitFor((s) => s.includes(text), JSON.stringify(text), timeoutMs);
  }

  write(data: string): void {
    this.pty.write(data);
  }

  resize(cols: number, rows: number): void {
    this.pty.resize(cols, rows);
    this.term.resize(cols, rows);
  }

  /** The UI process: the launcher's child running node. */
  uiPid(): number {
    return childRunning(this.launcherPid(), 'entry.js');
  }

  /** The launcher: the pty's process, or its child when the driver runs lanes `via` a leader. */
  launcherPid(): number {
    return this.via === undefined ? this.pty.pid : childRunning(this.pty.pid, LANES_BIN);
  }

  kill(): void {
    try {
      this.pty.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** The child of `parent` whose command line contains `text`. */
const childRunning = (parent: number, text: string): number => {
  const children = readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/).map(Number);
  const pid = children.find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(text));
  if (!pid) throw new Error(`no child running ${text} under ${parent}: ${children.join(',')}`);
  return pid;
};

/** Key bytes as a terminal sends them. */
export const KEYS = {
  enter: '\r',
  escape: '\x1b',
  tab: '\t',
  ctrlQ: '\x11',
  up: '\x1b[A',
  down: '\x1b[B',
  right: '\x1b[C',
  left: '\x1b[D',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
} as const;
