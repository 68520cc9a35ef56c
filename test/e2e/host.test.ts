import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { runLanes } from '../helpers/run-cli.js';
import { KEYS, LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';

const HISTORY_AGENT = fileURLToPath(new URL('../helpers/agents/history-agent.js', import.meta.url));

afterEach(endE2E);

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

const lanes = async (current: Setup, args: string[]): Promise<string> => {
  const result = await runLanes(args, { cwd: current.dir, env: current.env });
  if (result.code !== 0) throw new Error(`lanes ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
};

/** Each lane's agent pid as `lanes ls --json` reports it. */
const agentPids = async (current: Setup): Promise<Record<string, number | null>> =>
  Object.fromEntries((JSON.parse(await lanes(current, ['ls', '--json'])) as Array<{ name: string; pid: number | null }>).map((lane) => [lane.name, lane.pid]));

/** `lanes` in a pseudo-terminal, once the panes of `names` are drawn. */
const attach = async (current: Setup, names: string[], size: { cols?: number; rows?: number } = {}): Promise<TerminalDriver> => {
  const driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env, ...size });
  await driver.waitFor((s) => names.every((name, index) => s.includes(`${index + 1} ${name}`)), `the panes of ${names.join(', ')}`);
  return driver;
};

/** Type a line into lane `n` (focus it, type mode, the line, back to navigate mode). */
const typeLine = async (driver: TerminalDriver, n: number, line: string): Promise<void> => {
  driver.write(String(n));
  driver.write(KEYS.enter);
  await driver.waitForText('TYPE');
  driver.write(`${line}\r`);
  driver.write(KEYS.ctrlQ);
  await driver.waitForText('NAV');
};

describe('the host keeps agents across UIs (built binary in a pseudo-terminal)', () => {
  it('SIGKILL of the UI: lanes again shows the same screens, the same agent pids, and typing works', async () => {
    const current = await setup(['alpha', 'beta']);
    const first = await attach(current, ['alpha', 'beta']);
    await first.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    await typeLine(first, 1, 'before-alpha');
    await typeLine(first, 2, 'before-beta');
    await first.waitFor((s) => s.includes('GOT-alpha:before-alpha') && s.includes('GOT-beta:before-beta'), 'both echoes');
    const texts = ['READY-alpha', 'GOT-alpha:before-alpha', 'READY-beta', 'GOT-beta:before-beta'];
    const where = texts.map((text) => first.find(text));
    const pids = await agentPids(current);
    expect(pids.alpha).toEqual(expect.any(Number));
    expect(pids.beta).toEqual(expect.any(Number));
    process.kill(first.uiPid(), 'SIGKILL');
    await first.exited;

    const second = await attach(current, ['alpha', 'beta']);
    // Every line each agent printed, where it was (the panes have the same size as before).
    await second.waitFor((s) => texts.every((text) => s.includes(text)), 'the screens of both agents as they were');
    expect(texts.map((text) => second.find(text))).toEqual(where);
    expect(await agentPids(current)).toEqual(pids);
    await typeLine(second, 2, 'after-beta');
    await second.waitForText('GOT-beta:after-beta');
    await typeLine(second, 1, 'after-alpha');
    await second.waitForText('GOT-alpha:after-alpha');
    expect(await agentPids(current)).toEqual(pids);
  });

  it('q then y detaches; lanes again reaches a marker printed 2,000 lines earlier with PageUp', async () => {
    const current = await setup([['hist', `node ${JSON.stringify(HISTORY_AGENT)} hist 2000`]]);
    const first = await attach(current, ['hist']);
    await first.waitForText('END-hist');
    const pid = (await agentPids(current)).hist;
    first.write('q');
    await first.waitForText('1 agent keeps running in the lanes host');
    first.write('y');
    expect((await first.exited).code).toBe(0);

    const second = await attach(current, ['hist']);
    await second.waitForText('END-hist');
    expect(second.screen()).not.toContain('MARKER-hist');
    // Page by page back through the history until the marker shows (each page shows older lines).
    for (let page = 0; !second.screen().includes('MARKER-hist'); page++) {
      if (page > 200) throw new Error(`no marker after 200 pages; screen:\n${second.screen()}`);
      const before = second.screen();
      second.write(KEYS.pageUp);
      await second.waitFor((s) => s !== before, 'the view to scroll back one page');
    }
    expect(second.screen()).toContain('hist line 1');
    expect((await agentPids(current)).hist).toBe(pid);
  });
});
