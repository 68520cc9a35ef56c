import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { KEYS, LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

let driver: TerminalDriver | undefined;
let current: Setup | undefined;

afterEach(endE2E);

const LEAVE_ALT = '\x1b[?1049l';

describe('the terminal is given back on every exit path', () => {
  it('on SIGTERM of the UI: agents end, alternate screen left, worktrees kept', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    const rawBefore = driver.raw.length;
    process.kill(driver.uiPid(), 'SIGTERM');
    const exit = await driver.exited;
    expect(exit.code).toBe(143);
    expect(driver.raw.slice(rawBefore)).toContain(LEAVE_ALT);
    expect(driver.raw.slice(rawBefore)).toContain('\x1b[?25h');
    expect(existsSync(join(`${current.dir}.lanes`, 'alpha'))).toBe(true);
  });

  it('when the UI process is killed outright, the launcher restores the terminal', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    const rawBefore = driver.raw.length;
    process.kill(driver.uiPid(), 'SIGKILL');
    const exit = await driver.exited;
    expect(exit.code).toBe(137);
    const after = driver.raw.slice(rawBefore);
    expect(after).toContain(LEAVE_ALT);
    expect(after).toContain('\x1b[?1000l');
    expect(after).toContain('\x1b[?2004l');
    expect(after).toContain('the UI was ended by SIGKILL');
  });
});


const stateOf = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
  } catch {
    return undefined;
  }
};

describe('a closed terminal', () => {
  it('is a detach: the paused agent stays paused in the host, and lanes attaches to it again', async () => {
    current = await setup([['sleeper', 'sleep 300']]);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    // The agent runs once its status leaves `starting`.
    await driver.waitFor((s) => s.includes('1 sleeper') && s.includes('waiting'), 'the agent to run');
    driver.write('p');
    await driver.waitForText('paused');
    const { stdout } = await run(process.execPath, [LANES_BIN, 'ls', '--json'], { cwd: current.dir, env: current.env });
    const agent = (JSON.parse(stdout) as Array<{ pid: number | null }>)[0]?.pid;
    expect(agent).toBeGreaterThan(1);
    expect(stateOf(agent!)).toBe('T');
    // What the kernel does when the window closes: hang up the terminal's session leader.
    driver.pty.kill('SIGHUP');
    await driver.exited;
    expect(stateOf(agent!)).toBe('T');
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('1 sleeper') && s.includes('paused'), 'the same agent, paused');
    const again = await run(process.execPath, [LANES_BIN, 'ls', '--json'], { cwd: current.dir, env: current.env });
    expect((JSON.parse(again.stdout) as Array<{ pid: number | null }>)[0]?.pid).toBe(agent);
  });
});

describe('full-screen programs in a lane', () => {
  it('runs vim: its screen shows in the pane and what is typed is saved', async () => {
    current = await setup([['editor', 'vim -u NONE -N -i NONE notes.txt']]);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    // vim's empty-line markers fill the pane.
    await driver.waitFor((s) => s.split('\n').filter((l) => l.startsWith('│~')).length > 10, 'vim tildes');
    driver.write(KEYS.enter);
    await driver.waitForText('TYPE');
    driver.write('ihello from a lane');
    await driver.waitForText('hello from a lane');
    driver.write(`${KEYS.escape}:wq${KEYS.enter}`);
    await driver.waitForText('exited (0)');
    expect(readFileSync(join(`${current.dir}.lanes`, 'editor', 'notes.txt'), 'utf8')).toBe('hello from a lane\n');
  });

  it('runs less: PageDown inside the lane pages through the file', async () => {
    const lines = Array.from({ length: 300 }, (_, i) => `line-${String(i + 1).padStart(3, '0')}`).join('\n');
    current = await setup([['pager', 'less long.txt']], { 'long.txt': `${lines}\n` });
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('line-001');
    driver.write(KEYS.enter);
    await driver.waitForText('TYPE');
    driver.write(KEYS.pageDown);
    await driver.waitFor((s) => !s.includes('line-001') && s.includes('line-040'), 'the next page');
    driver.write('q');
    await driver.waitForText('exited (0)');
  });
});
