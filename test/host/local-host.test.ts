import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalHost } from '../../src/host/local-host.js';
import type { SpawnRequest } from '../../src/term/types.js';
import { TerminalFixture } from '../helpers/terminal-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

let fixture: TerminalFixture;
beforeEach(() => {
  fixture = new TerminalFixture();
});
afterEach(async () => {
  await fixture.dispose();
});

const request = (id: string, command: string, args: string[]): SpawnRequest => ({
  id,
  command,
  args,
  cwd: fixture.dir,
  env: { PATH: process.env.PATH ?? '' },
  cols: 40,
  rows: 5,
  scrollback: 10,
});

describe('LocalHost', () => {
  it('never starts a second agent under a running id, also while the first is starting: it answers false', async () => {
    const host = fixture.host;
    const first = host.spawn(request('a', 'cat', []));
    expect(await host.spawn(request('a', 'cat', []))).toBe(false);
    expect(await first).toBe(true);
    expect(await host.spawn(request('a', 'cat', []))).toBe(false);
    expect(host.running()).toEqual(['a']);
  });

  it('starts a new agent under the id of one that exited, and releases only exited terminals', async () => {
    const host = fixture.host;
    await host.spawn(request('b', 'sleep', ['100']));
    expect(() => host.release('b')).toThrow('still running');
    await host.kill('b');
    // The first agent's exit may be reported too: only the second one's counts below.
    await fixture.waitForEvent('b', 'exit');
    fixture.events.splice(0);
    await host.spawn(request('b', 'sh', ['-c', 'echo second']));
    await fixture.waitForText('b', 'second');
    await fixture.waitForEvent('b', 'exit');
    host.release('b');
    expect(host.frame('b')).toBeUndefined();
    expect(host.modes('b')).toBeUndefined();
  });

  it('ignores input, resizes and signals for unknown ids', async () => {
    const host = fixture.host;
    host.write('nobody', 'x');
    host.resize('nobody', 10, 10);
    host.signal('nobody', 'SIGTERM');
    await host.kill('nobody');
    expect(host.frame('nobody')).toBeUndefined();
  });

  it('stops fanning out to a listener once it is disposed', async () => {
    const host = fixture.host;
    const seen: string[] = [];
    const subscription = host.onEvent((event) => seen.push(event.type));
    await host.spawn(request('c', 'sh', ['-c', 'exit 3']));
    await fixture.waitForEvent('c', 'exit');
    expect(seen).toContain('exit');
    subscription.dispose();
    const count = seen.length;
    await host.spawn(request('d', 'sh', ['-c', 'exit 4']));
    await fixture.waitForEvent('d', 'exit');
    expect(seen).toHaveLength(count);
  });

  it('dispose ends every agent in parallel, stubborn ones included', async () => {
    const host = new LocalHost();
    const stubborn = ['sh', ['-c', "trap '' HUP TERM; echo ready; sleep 1000"]] as const;
    const ids = ['w', 'x', 'y', 'v'];
    for (const id of ids) await host.spawn(request(id, stubborn[0], [...stubborn[1]]));
    await host.spawn(request('z', 'cat', []));
    expect(host.running().sort()).toEqual(['v', 'w', 'x', 'y', 'z']);
    const isReady = (id: string): boolean => host.frame(id)?.lines[0]?.startsWith('ready') === true;
    await waitFor(() => ids.every(isReady), 10_000, 'the stubborn agents to trap the signals');
    const startedAt = performance.now();
    await host.dispose();
    const elapsed = performance.now() - startedAt;
    // One grace period (3 s) for all: one after another would take at least 12 s.
    expect(elapsed).toBeGreaterThan(2_900);
    expect(elapsed).toBeLessThan(9_000);
    expect(host.running()).toEqual([]);
    await expect(host.spawn(request('x', 'cat', []))).rejects.toThrow('shut down');
  });
});
