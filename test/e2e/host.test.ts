import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readProcessStat } from '../../src/term/process-tree.js';
import { ECHO_AGENT, endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { runLanes } from '../helpers/run-cli.js';
import { KEYS, LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

const FLOOD_AGENT = fileURLToPath(new URL('../helpers/agents/flood-agent.js', import.meta.url));
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

interface Status {
  pid: number;
  clients: number;
  terminals: Array<{ id: string; pid?: number; state: string; isPaused: boolean; cols: number; rows: number }>;
}

const hostStatus = async (current: Setup): Promise<Status> => JSON.parse(await lanes(current, ['host', 'status', '--json'])) as Status;

/** Each lane's terminal size in the host, as `cols x rows`. */
const terminalSizes = async (current: Setup): Promise<Record<string, string>> =>
  Object.fromEntries((await hostStatus(current)).terminals.map((t) => [t.id, `${t.cols}x${t.rows}`]));

/** Pids of the echo agents (node running echo-agent.js, not the shell that started it) working in `worktree`. */
const agentProcesses = async (worktree: string): Promise<number[]> => {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const args = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => '');
    if (args[1] === ECHO_AGENT && cwd === worktree) found.push(Number(name));
  }
  return found;
};

/** The resident memory of a process in kB (VmRSS in /proc/<pid>/status). */
const rssKb = async (pid: number): Promise<number> => Number(/^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);

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

  it('two UIs at once: the same lanes, typing in one shows in both, one agent per lane', async () => {
    const current = await setup(['alpha', 'beta']);
    const one = await attach(current, ['alpha', 'beta']);
    const two = await attach(current, ['alpha', 'beta']);
    for (const ui of [one, two]) await ui.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    await typeLine(one, 2, 'from-one');
    for (const ui of [one, two]) await ui.waitForText('GOT-beta:from-one');
    await typeLine(two, 1, 'from-two');
    for (const ui of [one, two]) await ui.waitForText('GOT-alpha:from-two');
    expect(one.find('GOT-beta:from-one')).toEqual(two.find('GOT-beta:from-one'));
    expect(one.find('GOT-alpha:from-two')).toEqual(two.find('GOT-alpha:from-two'));
    // Each agent once: the host holds one terminal per lane, and one agent process works in each worktree.
    const status = await hostStatus(current);
    expect(status.terminals.map((t) => t.id).sort()).toEqual(['alpha', 'beta']);
    // The two UIs and the status command itself.
    expect(status.clients).toBe(3);
    for (const name of ['alpha', 'beta']) {
      const pid = status.terminals.find((t) => t.id === name)?.pid;
      const found = await agentProcesses(join(`${current.dir}.lanes`, name));
      expect(found).toHaveLength(1);
      // --cmd runs through the shell: the agent is the terminal's process or its child.
      expect([found[0], (await readProcessStat(found[0]!))?.ppid]).toContain(pid);
    }
  });

  it('two UIs of different sizes: each lane takes the size of the UI that resized or typed last', async () => {
    const current = await setup(['alpha', 'beta']);
    const one = await attach(current, ['alpha', 'beta']);
    await one.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    const big = await terminalSizes(current);
    const two = await attach(current, ['alpha', 'beta'], { cols: 100, rows: 30 });
    // Attaching counts as activity: the lanes take the second UI's (smaller) panes.
    const small = await waitFor(async () => {
      const sizes = await terminalSizes(current);
      return sizes.alpha !== big.alpha && sizes.beta !== big.beta && sizes;
    }, 10_000, 'the lanes to take the second UI\'s sizes');
    await two.waitFor((s) => s.includes(`SIZE-alpha:${small.alpha}`) && s.includes(`SIZE-beta:${small.beta}`), 'the agents to hear of the new size');
    await typeLine(one, 2, 'from-one');
    await one.waitForText('GOT-beta:from-one');
    expect(await terminalSizes(current)).toEqual(big);
    await typeLine(two, 1, 'from-two');
    await two.waitForText('GOT-alpha:from-two');
    expect(await terminalSizes(current)).toEqual(small);
    // A resize is activity too.
    one.resize(110, 36);
    const resized = await waitFor(async () => {
      const sizes = await terminalSizes(current);
      return sizes.alpha !== small.alpha && sizes.alpha !== big.alpha && sizes;
    }, 10_000, 'the lanes to take the resized first UI\'s sizes');
    await one.waitForText(`SIZE-alpha:${resized.alpha}`);
    expect(resized.beta).toBe(resized.alpha);
  });

  it('a frozen UI never holds back an agent flooding 100 MB nor grows the host; the other UI keeps up; thawed, it shows the current screen', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-e2e-flood-')));
    try {
      const current = await setup([['flood', `node ${JSON.stringify(FLOOD_AGENT)} ${JSON.stringify(dir)} 100`]]);
      const frozen = await attach(current, ['flood']);
      const live = await attach(current, ['flood']);
      for (const ui of [frozen, live]) await ui.waitForText('READY-flood');
      const hostPid = (await hostStatus(current)).pid;
      const uiPid = frozen.uiPid();
      process.kill(uiPid, 'SIGSTOP');
      try {
        await waitFor(async () => (await readProcessStat(uiPid))?.state === 'T', 5_000, 'the first UI to be stopped');
        await lanes(current, ['send', 'flood', 'go']);
        let peakKb = 0;
        // The flood's line numbers the running UI showed while it went on.
        const seen = new Set<string>();
        await waitFor(
          async () => {
            peakKb = Math.max(peakKb, await rssKb(hostPid));
            const last = live.lines().flatMap((line) => /flood line (\d+)/.exec(line)?.[1] ?? []).at(-1);
            if (last !== undefined) seen.add(last);
            return existsSync(join(dir, 'done.txt'));
          },
          180_000,
          () => `the agent to finish its flood (host RSS peak so far ${peakKb} kB)`,
        );
        console.log(`flood of 100 MB: ${readFileSync(join(dir, 'done.txt'), 'utf8').trim()} ms; host VmRSS peak ${Math.round(peakKb / 1024)} MB`);
        expect(peakKb).toBeGreaterThan(0);
        expect(seen.size, 'screens of the flood the running UI showed').toBeGreaterThan(1);
        expect(peakKb).toBeLessThan(400 * 1024);
        // The UI that runs saw the flood's end while the other one was still stopped.
        await live.waitForText('DONE-flood', 30_000);
        expect((await readProcessStat(uiPid))?.state).toBe('T');
      } finally {
        process.kill(uiPid, 'SIGCONT');
      }
      await frozen.waitForText('DONE-flood', 30_000);
      // The current screen, the same in both: the last lines of the flood and its end.
      const pane = (ui: TerminalDriver): string[] => ui.lines().filter((line) => line.includes('flood line') || line.includes('DONE-flood'));
      expect(pane(frozen)).toEqual(pane(live));
      expect(pane(frozen).length).toBeGreaterThan(1);
      expect(await rssKb(hostPid)).toBeLessThan(400 * 1024);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
