import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProcessStat } from '../../src/term/process-tree.js';
import { TerminalFixture } from '../helpers/terminal-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

const PAUSE_AGENT = fileURLToPath(new URL('../helpers/agents/pause-agent.js', import.meta.url));

let fixture: TerminalFixture;
let pids: number[] = [];
beforeEach(() => {
  fixture = new TerminalFixture();
});
afterEach(async () => {
  // The setsid'd child outlives its agent: ending it is teardown's job, not this one's.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  pids = [];
  await fixture.dispose();
});

const file = (name: string): string => join(fixture.dir, name);
const read = (name: string): string => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : '');
const size = (name: string): number => (existsSync(file(name)) ? statSync(file(name)).size : 0);
const tickCount = (): number => read('ticks.txt').split('\n').filter(Boolean).length;
const state = async (pid: number): Promise<string | undefined> => (await readProcessStat(pid))?.state;

/** Start the pause agent; resolves once its setsid'd child is ticking. */
const startAgent = async (): Promise<{ id: string; agent: number; child: number }> => {
  const id = await fixture.spawn(process.execPath, [PAUSE_AGENT, fixture.dir], { cols: 80, rows: 24 });
  await fixture.waitForText(id, 'READY');
  const agent = Number(read('agent.pid'));
  const child = Number(read('child.pid'));
  pids.push(agent, child);
  // The child really is in a session of its own: a group signal would miss it.
  expect((await readProcessStat(child))?.session).toBe(child);
  await waitFor(() => tickCount() >= 3, 5_000, 'the child to tick');
  return { id, agent, child };
};

describe('pausing an agent whose child runs in its own session', () => {
  it('stops every write during the pause, refuses keys, and writes again after resume', async () => {
    const { host } = fixture;
    const { id, agent, child } = await startAgent();
    await host.pause(id);
    expect(host.isPaused(id)).toBe(true);
    expect(fixture.events).toContainEqual({ type: 'paused', id, paused: true });
    expect(await state(agent)).toBe('T');
    expect(await state(child)).toBe('T');

    const before = read('ticks.txt');
    expect(host.write(id, 'rm -rf build\r')).toBe(false);
    // A fixed wait on purpose: what is measured is that nothing happens during it (ten ticks' worth).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(read('ticks.txt')).toBe(before);
    expect(host.write(id, 'still paused')).toBe(false);

    await host.resume(id);
    expect(host.isPaused(id)).toBe(false);
    expect(fixture.events).toContainEqual({ type: 'paused', id, paused: false });
    await waitFor(() => size('ticks.txt') > before.length, 5_000, 'the child to tick again');
    expect(host.write(id, 'after')).toBe(true);
    await waitFor(() => read('input.txt').includes('after'), 5_000, 'the agent to read input typed after the resume');
    // Refused keys were never queued in the terminal: the agent read only what came after.
    expect(read('input.txt')).toBe('after');
  });

  it('applies a resize made during the pause on resume: one SIGWINCH, the last size', async () => {
    const { host } = fixture;
    const { id } = await startAgent();
    await host.pause(id);
    host.resize(id, 60, 20);
    host.resize(id, 50, 15);
    // The pane keeps its screen at the new size while the agent is stopped.
    expect(host.frame(id)?.cols).toBe(50);
    expect(host.frame(id)?.lines.join('\n')).toContain('READY');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(read('sizes.txt')).toBe('');
    await host.resume(id);
    await waitFor(() => read('sizes.txt') !== '', 5_000, 'the agent to see its new size');
    // Input after the resume is read after any SIGWINCH that was due: by then all of them came in.
    host.write(id, 'x');
    await waitFor(() => read('input.txt') === 'x', 5_000, 'the agent to read x');
    expect(read('sizes.txt')).toBe('50x15\n');
  });

  it('kill() ends a paused agent and leaves none of its processes stopped', async () => {
    const { host } = fixture;
    const { id, agent, child } = await startAgent();
    await host.pause(id);
    expect(await state(child)).toBe('T');
    const startedAt = performance.now();
    await host.kill(id);
    const exit = await fixture.waitForEvent(id, 'exit');
    // Ended by its own signal handler, well within the grace period (not by the SIGKILL after it).
    expect(exit.code).toBe(0);
    expect(read('ended.txt')).toBe(`ended ${agent}\n`);
    expect(performance.now() - startedAt).toBeLessThan(2_900);
    expect(host.running()).not.toContain(id);
    await waitFor(async () => !['T', 'S', 'R', 'D'].includes((await state(agent)) ?? 'gone'), 5_000, 'the agent process to be gone');
    expect(await state(child)).not.toBe('T');
    expect(host.isPaused(id)).toBe(false);
  });

  it('resumes what outlived an agent that died while paused', async () => {
    const { host } = fixture;
    const { id, agent, child } = await startAgent();
    await host.pause(id);
    expect(await state(child)).toBe('T');
    process.kill(agent, 'SIGKILL');
    await fixture.waitForEvent(id, 'exit');
    await waitFor(async () => (await state(child)) !== 'T', 5_000, 'the orphaned child to run again');
    const ticks = size('ticks.txt');
    await waitFor(() => size('ticks.txt') > ticks, 5_000, 'the orphaned child to tick again');
    await waitFor(() => !host.isPaused(id), 5_000, 'the pause to end');
  });

  it('dispose() of a paused terminal leaves none of its processes stopped', async () => {
    const { host } = fixture;
    const { id, child } = await startAgent();
    await host.pause(id);
    expect(await state(child)).toBe('T');
    host.terminal(id)?.dispose();
    await waitFor(async () => (await state(child)) !== 'T', 5_000, 'the child to run again');
  });
});
