import { stripColumnMarks } from '../../src/core/screen.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalHost } from '../../src/host/local-host.js';
import type { TerminalEvent } from '../../src/term/types.js';
import { waitFor } from './wait-for.js';

/** SGR sequences removed: what a row shows. */
export const plain = (line: string): string => stripColumnMarks(line).replace(/\x1b\[[0-9;]*[mX]/g, '');

export interface SpawnOptions {
  cols?: number;
  rows?: number;
  scrollback?: number;
  cwd?: string;
  env?: Record<string, string>;
}

/** A LocalHost with a temp folder, an event log and screen helpers for one test. */
export class TerminalFixture {
  readonly host = new LocalHost();
  readonly events: TerminalEvent[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), 'lanes-term-'));
  private counter = 0;

  constructor() {
    this.host.onEvent((event) => this.events.push(event));
  }

  /** Start `command` and return its terminal id. */
  async spawn(command: string, args: string[] = [], options: SpawnOptions = {}): Promise<string> {
    this.counter += 1;
    const id = `lane-${this.counter}`;
    await this.host.spawn({
      id,
      command,
      args,
      cwd: options.cwd ?? this.dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.dir, LANG: 'C.UTF-8', ...options.env },
      cols: options.cols ?? 80,
      rows: options.rows ?? 24,
      scrollback: options.scrollback ?? 1000,
    });
    return id;
  }

  /** The visible rows of `id` as plain text with trailing blanks removed. */
  text(id: string, scrollOffset = 0): string[] {
    return (this.host.frame(id, scrollOffset)?.lines ?? []).map((line) => plain(line).trimEnd());
  }

  async waitForText(id: string, text: string, timeoutMs = 5_000): Promise<void> {
    await waitFor(() => this.text(id).some((line) => line.includes(text)), timeoutMs, () => `"${text}" on screen of ${id}:\n${this.text(id).join('\n')}`);
  }

  waitForEvent<T extends TerminalEvent['type']>(id: string, type: T, timeoutMs = 5_000): Promise<Extract<TerminalEvent, { type: T }>> {
    return waitFor(
      () => this.events.find((event): event is Extract<TerminalEvent, { type: T }> => event.id === id && event.type === type),
      timeoutMs,
      `${type} event of ${id}`,
    );
  }

  async dispose(): Promise<void> {
    await this.host.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
