import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LaneTerminal } from '../../src/term/lane-terminal.js';
import type { TerminalEvent } from '../../src/term/types.js';
import { TerminalFixture } from '../helpers/terminal-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

/** 20 MB: forty times the flow-control high watermark, and enough to measure throughput. */
const FLOOD_BYTES = 20 * 1024 * 1024;
/** xterm discards data (and throws) above this many bytes pending. */
const XTERM_DISCARD_BYTES = 50_000_000;

let batch = '';
for (let i = 0; i < 1000; i++) batch += `\x1b[3${i % 8}m${'x'.repeat(70)} ${i}\x1b[0m\n`;
/** What the PTY delivers: every batch with each \n turned into \r\n (onlcr), then the end marker. */
const EXPECTED_BYTES = Math.ceil(FLOOD_BYTES / batch.length) * (batch.length + 1000) + 'FLOOD-END\r\n'.length;

let fixture: TerminalFixture;
let floodScript: string;
beforeEach(() => {
  fixture = new TerminalFixture();
  floodScript = join(fixture.dir, 'flood.mjs');
  writeFileSync(
    floodScript,
    [
      `const total = ${FLOOD_BYTES};`,
      `const batch = ${JSON.stringify(batch)};`,
      'let written = 0;',
      // Terminal stdout is synchronous in Node on Linux: each write blocks while the PTY is full.
      'while (written < total) { process.stdout.write(batch); written += batch.length; }',
      "process.stdout.write('FLOOD-END\\n');",
    ].join('\n'),
  );
});
afterEach(async () => {
  await fixture.dispose();
});

describe('a 20 MB coloured flood', () => {
  it('reaches the screen completely, parsed as it is read, with at most one output event per chunk', async () => {
    const startedAt = performance.now();
    const id = await fixture.spawn(process.execPath, [floodScript], { cols: 120, rows: 40 });
    expect(await fixture.waitForEvent(id, 'exit', 25_000)).toMatchObject({ code: 0 });
    const seconds = (performance.now() - startedAt) / 1000;
    const stats = fixture.host.terminal(id)?.flowStats();
    console.log(`flood: ${(FLOOD_BYTES / 2 ** 20 / seconds).toFixed(1)} MB/s (${seconds.toFixed(2)} s); ${JSON.stringify(stats)}`);
    expect(fixture.text(id)).toContain('FLOOD-END');
    expect(stats?.bytesRead).toBe(EXPECTED_BYTES);
    expect(stats?.pendingBytes).toBe(0);
    expect(stats?.maxPendingBytes).toBeLessThan(XTERM_DISCARD_BYTES);
    // Each chunk is parsed before the next is read: nothing piles up in the emulator's queue.
    expect(stats?.maxPendingBytes).toBeLessThan(256 * 1024);
    const outputEvents = fixture.events.filter((event) => event.id === id && event.type === 'output').length;
    expect(outputEvents).toBe(stats?.outputEvents);
    expect(outputEvents).toBeLessThanOrEqual(stats?.chunks ?? 0);
  });

  it('pauses and resumes the PTY when the emulator falls behind, losing nothing', async () => {
    const events: TerminalEvent[] = [];
    // Watermarks far below the defaults so that pause and resume happen many times, with every
    // chunk queued (a chunk parsed at once never waits: flow control covers the queue).
    const terminal = new LaneTerminal(
      {
        id: 'flood',
        command: process.execPath,
        args: [floodScript],
        cwd: fixture.dir,
        env: { PATH: process.env.PATH ?? '' },
        cols: 120,
        rows: 40,
        scrollback: 100,
      },
      (event) => events.push(event),
      { highWatermark: 16 * 1024, lowWatermark: 4 * 1024, isQueuedParse: true },
    );
    try {
      await terminal.start();
      await waitFor(() => events.some((event) => event.type === 'exit'), 25_000, 'the flood to end');
      const stats = terminal.flowStats();
      console.log(`flood with small watermarks: ${JSON.stringify(stats)}`);
      expect(stats.pauses).toBeGreaterThan(0);
      expect(stats.pendingBytes).toBe(0);
      // The queue parses many chunks per turn: output events are coalesced.
      expect(stats.outputEvents).toBeLessThan(stats.chunks / 2);
      expect(stats.bytesRead).toBe(EXPECTED_BYTES);
      expect(terminal.frame().lines.some((line) => line.includes('FLOOD-END'))).toBe(true);
    } finally {
      terminal.dispose();
    }
  });
});
