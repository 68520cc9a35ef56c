import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ECHO_AGENT, endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { KEYS, LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

let driver: TerminalDriver | undefined;
let current: Setup | undefined;

afterEach(endE2E);

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

describe('lanes UI end to end (built binary in a pseudo-terminal)', () => {
  it('shows two lanes side by side, each with its own agent output', async () => {
    current = await setup(['alpha', 'beta']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    const a = driver.find('READY-alpha')!;
    const b = driver.find('READY-beta')!;
    // Side by side at 120 columns: same rows, alpha left of the middle, beta right of it.
    expect(a.col).toBeLessThan(60);
    expect(b.col).toBeGreaterThanOrEqual(60);
    expect(driver.screen()).toContain('1 alpha');
    expect(driver.screen()).toContain('2 beta');
    expect(driver.raw).toContain('\x1b[?1049h');
  });

  it('types into the focused lane only, and Ctrl-q leaves type mode', async () => {
    current = await setup(['alpha', 'beta']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    driver.write('2');
    driver.write(KEYS.enter);
    await driver.waitForText('TYPE');
    driver.write('hello there\r');
    await driver.waitForText('GOT-beta:hello there');
    expect(driver.screen()).not.toContain('GOT-alpha');
    driver.write(KEYS.ctrlQ);
    await driver.waitFor((s) => s.includes('NAV'), 'navigate mode');
    // In navigate mode keys are commands, not input: "7" names a lane that does not exist, and
    // nothing reaches the agent (its terminal would echo the 7 on the line under its last output).
    driver.write('7');
    await driver.waitForText('there is no lane 7');
    const got = driver.find('GOT-beta:hello there')!;
    expect(driver.lines()[got.row + 1]!.slice(got.col, got.col + 5).trim()).toBe('');
    driver.write('1');
    driver.write('i');
    await driver.waitForText('TYPE');
    driver.write('from-one\r');
    await driver.waitForText('GOT-alpha:from-one');
    // Output of one terminal arrives in order: had alpha got the line typed for beta, it would show by now.
    expect(driver.screen()).not.toContain('GOT-alpha:hello there');
  });

  it("shows the title an agent sets in its pane's border, follows each change, and keeps the border whole", async () => {
    // One lane: its border has room for the title after the agent's (long) command line.
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    driver.write(KEYS.enter);
    await driver.waitForText('TYPE');
    const border = (): string => driver!.lines().find((line) => line.includes('─ 1 alpha ')) ?? '';
    let previous: string | undefined;
    for (const title of ['⠋ Fixing', '⠙ Fixing', '修正 🚀']) {
      driver.write(`title ${title}\r`);
      await driver.waitFor(() => border().includes(`· ${title} `), `the title ${title} in alpha's border`);
      // Still one border of the pane's width, the corner at the right edge.
      expect(border()).toMatch(/^╭─ 1 alpha .*─╮$/);
      // Nothing of the title before (the last one is shorter than the others).
      if (previous !== undefined) expect(border()).not.toContain(previous);
      previous = title;
    }
    expect(border()).not.toContain('Fixing');
  });

  it('creates a lane with n: its worktree and branch exist and its pane appears', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    driver.write('n');
    await driver.waitForText('New lane');
    driver.write('gamma');
    driver.write(KEYS.enter);
    await driver.waitForText('2 gamma');
    const branches = await run('git', ['branch', '--list', 'lanes/gamma'], { cwd: current.dir, env: current.env });
    expect(branches.stdout).toContain('lanes/gamma');
    const worktrees = await run('git', ['worktree', 'list', '--porcelain'], { cwd: current.dir, env: current.env });
    expect(worktrees.stdout).toContain('refs/heads/lanes/gamma');
  });

  it('re-tiles on resize: side by side when wide, stacked when narrow', async () => {
    current = await setup(['alpha', 'beta']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    const wide = [driver.find('1 alpha')!, driver.find('2 beta')!];
    expect(wide[0]!.row).toBe(wide[1]!.row);
    driver.resize(50, 40);
    await driver.waitFor(() => {
      const a = driver!.find('1 alpha');
      const b = driver!.find('2 beta');
      return Boolean(a && b && b.row > a.row);
    }, 'stacked panes');
    // Each agent's terminal was resized to its pane's inside: 50 columns minus the borders.
    await driver.waitFor((s) => s.includes('SIZE-alpha:48x') && s.includes('SIZE-beta:48x'), 'agents told their new size');
  });

  it('shows a lane created from the command line while it runs, and starts its agent', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    await run(process.execPath, [LANES_BIN, 'new', 'late', '--cmd', `node ${JSON.stringify(ECHO_AGENT)} late`], { cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('2 late') && s.includes('READY-late'), 'the new lane and its agent');
  });

  it('types a first prompt into an agent once it is ready, and only once', async () => {
    current = await setup([]);
    await run(process.execPath, [LANES_BIN, 'new', 'task', '--cmd', `node ${JSON.stringify(ECHO_AGENT)} task`, '--prompt', 'fix the bug'], { cwd: current.dir, env: current.env });
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('GOT-task:fix the bug');
    // Restarting the agent at once does not send the prompt again.
    driver.write('R');
    await driver.waitForText('agent restarted');
    await driver.waitForText('READY-task');
    // The state file says the prompt was delivered: that is what keeps any later start from sending it.
    const statePath = join(current.dir, '.git', 'lanes', 'state.json');
    await waitFor(() => (JSON.parse(readFileSync(statePath, 'utf8')) as { lanes: Array<{ promptDelivered?: boolean }> }).lanes[0]?.promptDelivered === true, 10_000, 'the prompt recorded as delivered');
    // A prompt would be typed 0.8 s after the agent goes quiet; waiting twice that shows it was not.
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(driver.screen()).not.toContain('GOT-task:fix the bug');
  });

  it('says the terminal is too small, and comes back when it grows', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    driver.resize(18, 5);
    await driver.waitForText('terminal too');
    driver.resize(100, 30);
    await driver.waitFor((s) => s.includes('1 alpha') && s.includes('READY-alpha') && !s.includes('too small'), 'the lane again');
  });

  it('quits with q and y: exit code 0, the alternate screen left, worktrees kept', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    driver.write('q');
    await driver.waitForText('Quit lanes?');
    driver.write('y');
    const exit = await driver.exited;
    expect(exit.code).toBe(0);
    expect(driver.raw.lastIndexOf('\x1b[?1049l')).toBeGreaterThan(driver.raw.lastIndexOf('\x1b[?1049h'));
    const worktrees = await run('git', ['worktree', 'list', '--porcelain'], { cwd: current.dir, env: current.env });
    expect(worktrees.stdout).toContain('refs/heads/lanes/alpha');
  });

  it('refuses a theme that does not exist in one line, before the screen changes and before the demo makes anything', async () => {
    current = await setup([]);
    const temp = mkdtempSync(join(tmpdir(), 'lanes-e2e-theme-'));
    try {
      driver = new TerminalDriver({ args: ['--theme', 'nope', 'demo'], cwd: temp, env: { ...current.env, TMPDIR: temp } });
      expect((await driver.exited).code).toBe(1);
      expect(driver.raw).not.toContain('\x1b[?1049h');
      expect(driver.raw.trim()).toBe("lanes: command line: theme: no theme named 'nope' (available: dark, high-contrast, light)");
      expect(readdirSync(temp)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  });
});
