import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

afterEach(endE2E);

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

const REPO_FILE = {
  setup: { run: ['touch "$LANES_TRUST_MARKS/setup-$LANES_LANE"'] },
  verify: 'touch "$LANES_TRUST_MARKS/verify"',
  agents: { h: { command: '/bin/sh', args: ['-c', 'touch "$LANES_TRUST_MARKS/agent-h"; echo READY-h; exec sleep 600'] } },
};

/**
 * A repository whose `.lanes.json` defines commands, and lane `x` of its preset `h` (created while
 * trusted, then the trust revoked, its agent ended with the host): the UI starts with the file
 * untrusted and the lane's agent not running.
 */
const untrustedWithLane = async (): Promise<{ current: Setup; marks: string }> => {
  const current = await setup([], { '.lanes.json': JSON.stringify(REPO_FILE) });
  const marks = join(current.dir, '..', 'marks');
  await mkdir(marks);
  current.env.LANES_TRUST_MARKS = marks;
  const lanes = (...args: string[]) => run(process.execPath, [LANES_BIN, ...args], { cwd: current.dir, env: current.env });
  await lanes('trust', '--yes');
  await lanes('new', 'x', '--agent', 'h');
  await waitFor(() => existsSync(join(marks, 'agent-h')), 5_000, 'the agent started while trusted');
  await lanes('host', 'stop', '--yes');
  await rm(join(marks, 'agent-h'));
  await lanes('trust', '--revoke');
  return { current, marks };
};

describe('the trust dialog at start (UI end to end)', () => {
  it('shows the commands; "not now" keeps the repository\'s agent from starting and says why', async () => {
    const { current, marks } = await untrustedWithLane();
    const driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('Trust the commands of .lanes.json?');
    const screen = driver.screen();
    expect(screen).toContain('setup.run');
    expect(screen).toContain('verify');
    expect(screen).toContain('agents.h');
    driver.write('n');
    await driver.waitFor((s) => !s.includes('Trust the commands of') && s.includes('.lanes.json defines commands (setup.run, verify, agents.h)'), 'the dialog closed with the one line (the footer may cut its end)');
    // The lane is there, its agent not running; R is refused with the one line, nothing starts.
    await driver.waitFor((s) => s.includes('1 x') && s.includes('exited'), 'lane x, exited');
    driver.write('R');
    await driver.waitForText('lane x: .lanes.json defines commands');
    expect(existsSync(join(marks, 'agent-h'))).toBe(false);
    expect(driver.screen()).not.toContain('READY-h');
  });

  it('t records the trust, and R then starts the held-back agent', async () => {
    const { current, marks } = await untrustedWithLane();
    const driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('Trust the commands of .lanes.json?');
    expect(existsSync(join(marks, 'agent-h'))).toBe(false);
    driver.write('t');
    await driver.waitFor((s) => !s.includes('Trust the commands of'), 'the dialog closed');
    driver.write('R');
    await driver.waitForText('READY-h');
    await waitFor(() => existsSync(join(marks, 'agent-h')), 5_000, 'the agent marker');
    const trust = JSON.parse(await readFile(join(current.env.XDG_CONFIG_HOME ?? '', 'lanes', 'trust.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(trust.files)).toEqual([join(current.dir, '.lanes.json')]);
  });

  it('m refuses a merge while the verify command is untrusted, and the base stays where it was', async () => {
    const current = await setup(['alpha'], { '.lanes.json': JSON.stringify(REPO_FILE) });
    const marks = join(current.dir, '..', 'marks');
    await mkdir(marks);
    current.env.LANES_TRUST_MARKS = marks;
    const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env: current.env });
    const worktree = join(`${current.dir}.lanes`, 'alpha');
    await writeFile(join(worktree, 'feature.txt'), 'a feature\n');
    await git(worktree, 'add', 'feature.txt');
    await git(worktree, 'commit', '-q', '-m', 'add a feature');
    const before = (await git(current.dir, 'rev-parse', 'main')).stdout;
    const driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('Trust the commands of .lanes.json?');
    driver.write('n');
    await driver.waitForText('READY-alpha');
    driver.write('m');
    await driver.waitForText('Merge lane alpha');
    await driver.waitForText('.lanes.json defines commands (setup.run, verify, agents.h)');
    // Enter (merge) does nothing on a refusal; Esc closes.
    driver.write('\r');
    await driver.waitForText('Esc close');
    driver.write('\x1b');
    await driver.waitFor((s) => !s.includes('Merge lane'), 'the dialog closed');
    expect((await git(current.dir, 'rev-parse', 'main')).stdout).toBe(before);
    expect(existsSync(join(marks, 'verify'))).toBe(false);
  });
});
