import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Release, readyMarker, releaseAgents, shellQuote, writeLoopAgent } from '../../bench/fixtures.mjs';
import { waitFor } from '../helpers/wait-for.js';

/** The bench's looping agent run in a plain shell: its output, and a way to end it. */
const startAgent = (agent) => {
  const child = spawn('sh', ['-c', agent.command], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const run = { child, output: '' };
  child.stdout.on('data', (data) => (run.output += data.toString()));
  return run;
};

const count = (text, part) => text.split(part).length - 1;

describe('bench agents', () => {
  const cleanups = [];
  afterEach(async () => {
    for (const undo of cleanups.splice(0).reverse()) await undo();
  });

  const setup = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lanes-bench-agent-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const agent = await writeLoopAgent(dir, 'x');
    const run = startAgent(agent.lanes);
    cleanups.push(() => {
      try {
        process.kill(-run.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    });
    return { dir, agent, run };
  };

  it('runs one command per release, marks its end, and waits again (so a lanes host agent serves every repetition)', async () => {
    const { agent, run } = await setup();
    await waitFor(() => run.output.includes(readyMarker('x')), 10_000, 'READY');
    const first = new Release([agent.lanes]);
    const second = new Release([agent.lanes]);
    expect(second.markers[0]).not.toBe(first.markers[0]);
    await first.start(() => 'echo one');
    await first.finished(10_000);
    await waitFor(() => run.output.includes(first.markers[0]), 10_000, 'the first DONE marker');
    await second.start(() => 'echo two');
    await second.finished(10_000);
    await waitFor(() => count(run.output, readyMarker('x')) === 3, 10_000, () => `READY after each command in ${JSON.stringify(run.output)}`);
    expect(run.output.indexOf('one')).toBeLessThan(run.output.indexOf(first.markers[0]));
    expect(run.output.indexOf(first.markers[0])).toBeLessThan(run.output.indexOf('two'));
    expect(run.output).toContain(second.markers[0]);
    // Each multiplexer has a FIFO of its own: the lanes agent never reads tmux's.
    expect(agent.tmux.fifo).not.toBe(agent.lanes.fifo);
  });

  it('stops a command that runs until told to, then waits again', async () => {
    const { agent, run, dir } = await setup();
    const looping = await releaseAgents([agent.lanes], (_a, stop) => `while [ ! -e ${shellQuote(stop)} ]; do sleep 0.01; done; echo stopped`);
    await looping.stop(10_000);
    expect(run.output).toContain('stopped');
    await waitFor(() => run.output.includes(looping.markers[0]), 10_000, 'the DONE marker');
    expect((await readdir(dir)).some((name) => name.includes('.stop-'))).toBe(true);
  });

  it('says which agent did not finish in time', async () => {
    const { agent } = await setup();
    const slow = await releaseAgents([agent.lanes], () => 'sleep 5');
    await expect(slow.finished(100)).rejects.toThrow(/agent x did not finish/);
  });

  /** Runs a streaming agent script until `isEnough(output)`, then touches its stop file; resolves with its output once it ended. */
  const runScript = async (name, periodMs, isEnough) => {
    const dir = await mkdtemp(join(tmpdir(), 'lanes-bench-agent-test-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const stop = join(dir, 'stop');
    const script = fileURLToPath(new URL(`../../bench/agents/${name}.mjs`, import.meta.url));
    const child = spawn(process.execPath, [script, 'x', stop, String(periodMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (data) => (output += data.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(() => isEnough(output), 10_000, () => `more output than ${JSON.stringify(output)}`);
    await writeFile(stop, '');
    await exited;
    return output;
  };

  it('the title agent only sets its title (OSC 0, a spinner and a task) at its period, until its stop file exists', async () => {
    const output = await runScript('title', 20, (text) => count(text, '\x07') >= 5);
    const titles = output.match(/\x1b\]0;[^\x07]*\x07/g) ?? [];
    expect(titles.length).toBeGreaterThanOrEqual(5);
    expect(titles.join('')).toBe(output);
    expect(titles[0]).toMatch(/^\x1b\]0;[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] x: \w/);
  });

  it('the steady agent prints one status line per period, until its stop file exists', async () => {
    const output = await runScript('steady', 20, (text) => count(text, '\n') >= 5);
    expect(output).toContain('x step 1 ');
  });
});
