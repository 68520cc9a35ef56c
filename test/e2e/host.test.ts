import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readProcessStat, type ProcessIdentity } from '../../src/term/process-tree.js';
import { ECHO_AGENT, endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { isGone, killStarted, readIdentity } from '../helpers/process-probe.js';
import { runLanes } from '../helpers/run-cli.js';
import { gitIn } from '../helpers/temp-repo.js';
import { KEYS, LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

const FLOOD_AGENT = fileURLToPath(new URL('../helpers/agents/flood-agent.js', import.meta.url));
const RESUME_AGENT = fileURLToPath(new URL('../helpers/agents/resume-agent.js', import.meta.url));
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

/** The title row of pane `title` (e.g. `2 b`) on a screen, or ''. */
const titleOf = (screen: string, title: string): string => {
  const row = screen.split('\n').find((line) => line.includes(`─ ${title} `)) ?? '';
  const start = row.indexOf(`─ ${title} `);
  return start < 0 ? '' : row.slice(start, row.indexOf('╮', start) >>> 0);
};

/** What a program wrote, without escape sequences (for text that may have been on screen only briefly). */
const plainText = (raw: string): string => raw.replace(/\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78DEHM]/g, '');

/** Those of `processes` that are stopped (state T). */
const stoppedAmong = async (processes: ProcessIdentity[]): Promise<number[]> =>
  (await Promise.all(processes.map(async (p) => ((await isGone(p)) ? undefined : (await readProcessStat(p.pid))?.state === 'T' ? p.pid : undefined)))).filter((pid): pid is number => pid !== undefined);

/** Stopped processes working in `folder` or below. */
const stoppedWithCwdIn = async (folder: string): Promise<number[]> => {
  const found: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cwd = await readlink(`/proc/${name}/cwd`).catch(() => '');
    if ((cwd === folder || cwd.startsWith(`${folder}/`)) && (await readProcessStat(Number(name)))?.state === 'T') found.push(Number(name));
  }
  return found;
};

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
      return sizes.alpha !== big.alpha && sizes.beta !== big.beta ? sizes : undefined;
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
      return sizes.alpha !== small.alpha && sizes.alpha !== big.alpha ? sizes : undefined;
    }, 10_000, 'the lanes to take the resized first UI\'s sizes');
    await one.waitForText(`SIZE-alpha:${resized.alpha}`);
    expect(resized.beta).toBe(resized.alpha);
  });

  it('a frozen UI never holds back an agent flooding 100 MB nor grows the host; the other UI keeps up; thawed, it shows the current screen', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-e2e-flood-')));
    try {
      const current = await setup([['flood', `node ${JSON.stringify(FLOOD_AGENT)} ${JSON.stringify(dir)} 100`]]);
      const frozen = await attach(current, ['flood'], { cols: 300, rows: 100 });
      const live = await attach(current, ['flood'], { cols: 300, rows: 100 });
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

  it('kill -9 of the host with three agents (one paused, each with a setsid grandchild): nothing left stopped, nothing lost, leftovers listed, R then R again ends them and resumes', async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-e2e-hostkill-')));
    try {
      const current = await setup([]);
      const configDir = join(current.env.XDG_CONFIG_HOME!, 'lanes');
      await mkdir(configDir, { recursive: true });
      const preset = { command: process.execPath, args: [RESUME_AGENT, dir], resumeArgs: ['--resumed'] };
      await writeFile(join(configDir, 'config.json'), JSON.stringify({ agents: { fake: preset } }));
      const names = ['a', 'b', 'c'];
      for (const name of names) await lanes(current, ['new', name, '--agent', 'fake']);
      const agents = await Promise.all(names.map((name) => readIdentity(dir, `${name}.agent`)));
      const children = await Promise.all(names.map((name) => readIdentity(dir, `${name}.child`)));
      const shells = await Promise.all(names.map((name) => readIdentity(dir, `${name}.shell`)));
      // Work in every worktree that must survive: an untracked file, a staged one, a commit.
      for (const name of names) await writeFile(join(`${current.dir}.lanes`, name, `notes-${name}.txt`), `work of ${name}\n`);
      await writeFile(join(`${current.dir}.lanes`, 'b', 'staged.txt'), 'staged\n');
      await gitIn(join(`${current.dir}.lanes`, 'b'), ['add', 'staged.txt']);
      await writeFile(join(`${current.dir}.lanes`, 'c', 'done.txt'), 'done\n');
      await gitIn(join(`${current.dir}.lanes`, 'c'), ['add', 'done.txt']);
      await gitIn(join(`${current.dir}.lanes`, 'c'), ['commit', '-qm', 'work of c']);

      const first = await attach(current, names, { cols: 260 });
      await first.waitFor((s) => names.every((name) => s.includes(`ARGV-${name}: (none)`)), 'the three agents');
      first.write('2');
      first.write('p');
      await first.waitFor((s) => titleOf(s, '2 b').includes('paused'), 'lane b shown paused');
      const paused = [agents[1]!, children[1]!];
      await waitFor(async () => (await Promise.all(paused.map(async (p) => (await readProcessStat(p.pid))?.state))).every((state) => state === 'T'), 5_000, 'the paused agent and its grandchild to be stopped');
      const before = await captureOracle(current.dir);
      const host = await hostStatus(current);
      process.kill(host.pid, 'SIGKILL');
      await waitFor(async () => (await readProcessStat(host.pid)) === undefined || (await readProcessStat(host.pid))?.state === 'Z', 5_000, 'the host to be gone');
      await waitFor(async () => (await Promise.all(agents.map(isGone))).every(Boolean), 10_000, 'the agents to end with their terminals');
      await first.waitFor((s) => names.every((name) => titleOf(s, `${names.indexOf(name) + 1} ${name}`).includes('exited')), 'the first UI to show every lane exited');
      first.kill();
      await first.exited;

      const second = new TerminalDriver({ args: [], cwd: current.dir, env: current.env, cols: 260 });
      const leftovers = children.map((child, index) => `1 process from an earlier session still runs in lane ${names[index]} (pid ${child.pid}): node`);
      // Read from everything the UI wrote: the notice is soon replaced by the one on restarting (R).
      await waitFor(() => leftovers.every((line) => plainText(second.raw).includes(line)), 15_000, () => `the leftovers listed; screen:\n${second.screen()}`);
      await second.waitFor((s) => names.every((name, index) => titleOf(s, `${index + 1} ${name}`).includes('exited')), 'every lane shown exited');
      // The new host resumed what the killed one had stopped; the grandchildren are left running, not ended.
      await waitFor(async () => (await readProcessStat(children[1]!.pid))?.state !== 'T', 10_000, 'the paused grandchild to run again');
      for (const child of children) expect(await isGone(child)).toBe(false);
      expect(await stoppedAmong([...agents, ...shells, ...children])).toEqual([]);
      expect(await stoppedWithCwdIn(`${current.dir}.lanes`)).toEqual([]);
      await assertNothingLost(before, current.dir);

      // R lists what still runs in the lane; R again ends exactly that and restarts the agent.
      second.write('1');
      second.write('R');
      await waitFor(() => plainText(second.raw).includes('R again ends it and restarts the agent'), 15_000, () => `the leftover offered for ending; screen:\n${second.screen()}`);
      expect(await isGone(children[0]!)).toBe(false);
      second.write('R');
      await second.waitForText('ARGV-a: --resumed');
      await waitFor(() => isGone(children[0]!), 10_000, 'the leftover of lane a to be ended');
      for (const child of children.slice(1)) expect(await isGone(child)).toBe(false);
      await waitFor(() => Number(readFileSync(join(dir, 'a.agent.pid'), 'utf8')) !== agents[0]!.pid, 10_000, 'a new agent in lane a');
      await readIdentity(dir, 'a.agent');
      await readIdentity(dir, 'a.child');
    } finally {
      await killStarted();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
