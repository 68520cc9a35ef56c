import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readProcessStat } from '../../src/term/process-tree.js';
import { setup, type Setup } from '../helpers/e2e-setup.js';
import { KEYS, LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

const PAUSE_AGENT = fileURLToPath(new URL('../helpers/agents/pause-agent.js', import.meta.url));

let driver: TerminalDriver | undefined;
let current: Setup | undefined;
let dir: string;
let pids: number[] = [];

afterEach(async () => {
  driver?.kill();
  await driver?.exited;
  driver = undefined;
  // The agent's setsid'd child outlives it (ending it is teardown's job): end it here.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
  pids = [];
  await current?.cleanup();
  current = undefined;
  rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

const read = (name: string): string => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');
const size = (name: string): number => (existsSync(join(dir, name)) ? statSync(join(dir, name)).size : 0);
const state = async (pid: number): Promise<string | undefined> => (await readProcessStat(pid))?.state;
/** The pane title of lane 1 (the row that names it). */
const title = (): string => driver?.lines().find((line) => line.includes('1 alpha')) ?? '';

/** lanes with one lane running the pause agent; resolves with its pids once its child ticks. */
const start = async (): Promise<{ agent: number; child: number }> => {
  dir = mkdtempSync(join(tmpdir(), 'lanes-e2e-pause-'));
  current = await setup([['alpha', `node ${JSON.stringify(PAUSE_AGENT)} ${JSON.stringify(dir)}`]]);
  // The launcher's pause ledger goes to <runtime>/lanes: a folder of this test's own.
  mkdirSync(join(dir, 'runtime'), { mode: 0o700 });
  driver = new TerminalDriver({ args: [], cwd: current.dir, env: { ...current.env, XDG_RUNTIME_DIR: join(dir, 'runtime') } });
  await driver.waitForText('READY');
  await waitFor(() => read('child.pid') !== '' && size('ticks.txt') > 0, 10_000, 'the agent and its ticking child');
  const agent = Number(read('agent.pid'));
  const child = Number(read('child.pid'));
  pids.push(agent, child);
  return { agent, child };
};

const pause = async (pids: number[]): Promise<void> => {
  driver?.write('p');
  await driver?.waitFor(() => title().includes('paused'), 'the title to say paused');
  for (const pid of pids) expect(await state(pid)).toBe('T');
};

describe('pause end to end (built binary in a pseudo-terminal)', () => {
  it('p pauses the focused lane, keys typed into it are refused with a notice, p resumes it', async () => {
    const { agent, child } = await start();
    await pause([agent, child]);
    driver!.write(KEYS.enter);
    await driver!.waitForText('TYPE');
    expect(driver!.screen()).not.toContain('lane alpha is paused');
    driver!.write('hello\r');
    await driver!.waitForText('lane alpha is paused: p resumes it (Ctrl-q first)');
    driver!.write(KEYS.ctrlQ);
    await driver!.waitForText('NAV');
    driver!.write('p');
    await driver!.waitForText('lane alpha resumed');
    expect(title()).not.toContain('paused');
    expect(await state(child)).not.toBe('T');
    const ticks = size('ticks.txt');
    await waitFor(() => size('ticks.txt') > ticks, 5_000, 'the child to tick again');
    driver!.write(KEYS.enter);
    await driver!.waitForText('TYPE');
    driver!.write('after\r');
    await waitFor(() => read('input.txt').includes('\r'), 5_000, 'the agent to read a line');
    // What was typed during the pause never reached the agent, also not after the resume.
    expect(read('input.txt')).toBe('after\r');
  });

  it('q then e ends every agent: a paused lane leaves no process stopped', async () => {
    const { agent, child } = await start();
    await pause([agent, child]);
    driver!.write('q');
    await driver!.waitForText('Quit lanes?');
    driver!.write('e');
    expect((await driver!.exited).code).toBe(0);
    // The agent ran again and ended by handling its hang-up or SIGTERM, not by the SIGKILL after
    // the grace period; its setsid'd child was resumed and ended with it (the whole tree ends).
    expect(read('ended.txt')).toBe(`ended ${agent}\n`);
    await waitFor(async () => (await state(agent)) === undefined, 5_000, 'the agent to be gone');
    await waitFor(async () => [undefined, 'Z'].includes(await state(child)), 5_000, 'the setsid child to be gone');
  });

  it('q then y detaches: the paused lane stays paused in the host, and shows paused when lanes attaches again', async () => {
    const { agent, child } = await start();
    await pause([agent, child]);
    driver!.write('q');
    await driver!.waitForText('1 agent keeps running in the lanes host');
    driver!.write('y');
    expect((await driver!.exited).code).toBe(0);
    expect(await state(agent)).toBe('T');
    expect(await state(child)).toBe('T');
    driver = new TerminalDriver({ args: [], cwd: current!.dir, env: current!.env });
    await driver.waitFor(() => title().includes('paused'), 'the lane shown paused again');
    driver.write('p');
    await driver.waitFor(() => !title().includes('paused'), 'the lane resumed');
    const ticks = size('ticks.txt');
    await waitFor(() => size('ticks.txt') > ticks, 5_000, 'the child to tick again');
    expect(read('ended.txt')).toBe('');
  });

  it('the host holds the pause when the UI is killed outright; a killed host\'s pause is undone by the next host', async () => {
    const { agent, child } = await start();
    await pause([agent, child]);
    const runtime = join(current!.env.XDG_RUNTIME_DIR ?? '', 'lanes');
    // The host's ledger lists what the pause stopped, in the private folder, readable by this user only.
    const ledger = readdirSync(runtime).find((name) => name.startsWith('lanes-paused-'));
    expect(ledger).toMatch(/^lanes-paused-(\d+)-\1\.json$/);
    expect(statSync(join(runtime, ledger!)).mode & 0o777).toBe(0o600);
    const listed = (JSON.parse(readFileSync(join(runtime, ledger!), 'utf8')) as { stopped: Array<{ pid: number }> }).stopped.map((p) => p.pid);
    expect(listed).toEqual(expect.arrayContaining([agent, child]));
    process.kill(driver!.uiPid(), 'SIGKILL');
    expect((await driver!.exited).code).toBe(137);
    expect(driver!.raw).toContain('its agents keep running in the lanes host');
    // Nothing the UI did: the host still holds the agent, paused.
    expect(await state(agent)).toBe('T');
    expect(await state(child)).toBe('T');
    const hostPid = Number(/^lanes-paused-(\d+)-/.exec(ledger!)?.[1]);
    process.kill(hostPid, 'SIGKILL');
    // The agent gets its hang-up with the terminal; the setsid'd child stays stopped until the
    // next host starts (here: the next lanes) and resumes what the killed one had stopped.
    await waitFor(async () => (await state(agent)) === undefined, 5_000, 'the agent to be gone with its host');
    const ticks = size('ticks.txt');
    driver = new TerminalDriver({ args: [], cwd: current!.dir, env: current!.env });
    await waitFor(() => size('ticks.txt') > ticks, 10_000, 'the child to tick again');
    expect(await state(child)).not.toBe('T');
    await driver.waitFor(() => title().includes('exited'), 'the lane shown exited');
    await waitFor(() => !readdirSync(runtime).some((name) => name === ledger), 5_000, 'the old ledger to be gone');
  });

  it('R on a paused lane resumes it, then restarts its agent', async () => {
    const { agent, child } = await start();
    await pause([agent, child]);
    driver!.write('R');
    await driver!.waitForText('agent restarted');
    await waitFor(() => read('agent.pid') !== '' && Number(read('agent.pid')) !== agent, 10_000, 'a new agent');
    pids.push(Number(read('agent.pid')), Number(read('child.pid')));
    await driver!.waitFor(() => !title().includes('paused'), 'the title not to say paused');
    await waitFor(async () => (await state(agent)) === undefined, 5_000, 'the old agent to be gone');
    expect(read('ended.txt')).toBe(`ended ${agent}\n`);
    expect(await state(child)).not.toBe('T');
  });
});
