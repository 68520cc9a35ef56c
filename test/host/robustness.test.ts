import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TerminalFixture } from '../helpers/terminal-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

const HOSTILE = fileURLToPath(new URL('../helpers/agents/hostile-flood.js', import.meta.url));

let fixture: TerminalFixture;
beforeEach(() => {
  fixture = new TerminalFixture();
});
afterEach(async () => {
  await fixture.dispose();
});

describe('a misbehaving agent next to healthy ones (notes §7 #28)', () => {
  it('survives a missing command, an agent that exits 1, 50 MB of invalid UTF-8 with a 1 MB line, and 100 resizes down to 10×5, while healthy agents keep answering', async () => {
    const missing = await fixture.spawn('definitely-not-a-command-xyz');
    await waitFor(() => fixture.events.some((e) => e.type === 'failed' && e.id === missing), 5_000, 'the missing command to fail');
    const quitter = await fixture.spawn('sh', ['-c', 'exit 1']);
    await waitFor(() => fixture.events.some((e) => e.type === 'exit' && e.id === quitter && e.code === 1), 5_000, 'the agent to exit 1');

    const healthy = [await fixture.spawn('cat'), await fixture.spawn('cat')];
    const flood = await fixture.spawn(process.execPath, [HOSTILE], { cols: 80, rows: 24 });
    // 100 resizes down to 10×5 and back while it floods (never a 0-sized terminal).
    for (let i = 0; i < 100; i++) {
      const [cols, rows] = i % 2 ? [80, 24] : [10, 5];
      fixture.host.resize(flood, cols, rows);
      fixture.host.resize(healthy[0] as string, cols, rows);
      await new Promise((resolve) => setImmediate(resolve));
    }
    let round = 0;
    // While the flood runs: the healthy agents keep echoing, and the flooding lane is resized.
    while (!fixture.text(flood).some((line) => line.includes('DONE'))) {
      round += 1;
      for (const id of healthy) {
        fixture.host.write(id, `ping-${round}\r`);
        await fixture.waitForText(id, `ping-${round}`, 10_000);
      }
      if (round > 2000) throw new Error('the flood never finished');
    }
    // Input kept flowing during the flood, every time.
    expect(round).toBeGreaterThan(1);
    // The sizes settle back; nothing was ever sized to 0.
    fixture.host.resize(flood, 80, 24);
    const frame = fixture.host.frame(flood);
    expect(frame?.cols).toBe(80);
    expect(frame?.lines.every((line) => typeof line === 'string')).toBe(true);
  }, 180_000);
});
