import { execFile, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RESTORE_SEQUENCE } from '../../src/app/tty.js';
import { readProcessStat } from '../../src/term/process-tree.js';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { isGone, killStarted, readTree, startedProcesses, stillRunning, TREE_AGENT } from '../helpers/process-probe.js';
import { LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const SESSION_LEADER = fileURLToPath(new URL('../helpers/session-leader.js', import.meta.url));

let driver: TerminalDriver | undefined;
let current: Setup | undefined;
let pidDir: string;

beforeEach(async () => {
  pidDir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-e2e-procs-')));
});
afterEach(async () => {
  await endE2E();
  await killStarted();
  await rm(pidDir, { recursive: true, force: true });
});

/** A repository with lane `tree` running tree-agent.js (its pid files go to pidDir, outside the worktree). */
const setupTree = (): Promise<Setup> => setup([['tree', `node ${JSON.stringify(TREE_AGENT)} ${JSON.stringify(pidDir)}`]]);

const everythingGone = (tree: Awaited<ReturnType<typeof readTree>>) => async (): Promise<boolean> => (await stillRunning(tree)).length === 0;

describe('process trees end with the lanes that started them', () => {
  it('q + e ends each agent with its whole tree: setsid descendants, one working elsewhere, one reparented away', async () => {
    current = await setupTree();
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-tree');
    const tree = await readTree(pidDir);
    driver.write('q');
    await driver.waitForText('Quit');
    driver.write('e');
    await driver.exited;
    await waitFor(everythingGone(tree), 15_000, 'the whole tree of the agent to end');
  });

  it('lanes host stop ends each agent with its whole tree too', async () => {
    current = await setupTree();
    await waitFor(() => readTree(pidDir).then(() => true, () => false), 10_000, 'the agent to start without a UI');
    const tree = await readTree(pidDir);
    const { stdout } = await run(process.execPath, [LANES_BIN, 'host', 'stop', '--yes'], { cwd: current.dir, env: current.env });
    expect(stdout).toContain('and its 1 agent');
    await waitFor(everythingGone(tree), 15_000, 'the whole tree of the agent to end');
  });

  it('lanes rm from a shell while the UI runs gets the tree from the host and ends descendants that left the worktree', async () => {
    current = await setupTree();
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-tree');
    const tree = await readTree(pidDir);
    const before = await captureOracle(current.dir);
    const { stdout } = await run(process.execPath, [LANES_BIN, 'rm', 'tree'], { cwd: current.dir, env: current.env });
    expect(stdout).toContain('removed lane tree');
    await waitFor(everythingGone(tree), 15_000, 'the whole tree of the agent to end');
    await assertNothingLost(before, current.dir);
  });

  it('at start, processes still working in a lane whose agent the host does not hold are reported in one line and left running', async () => {
    current = await setup(['alpha']);
    // The host ended (as after a reboot): what still works in the lane is nobody's.
    await run(process.execPath, [LANES_BIN, 'host', 'stop', '--yes'], { cwd: current.dir, env: current.env });
    const worktree = join(`${current.dir}.lanes`, 'alpha');
    const leftover = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { cwd: worktree, detached: true, stdio: 'ignore' });
    const stat = await waitFor(() => readProcessStat(leftover.pid!), 5_000, 'the leftover to run');
    const identity = { pid: leftover.pid!, startTime: stat.startTime };
    startedProcesses.push(identity);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText(`1 process from an earlier session still runs in lane alpha (pid ${identity.pid}): node`);
    await driver.waitFor((s) => s.includes('1 alpha') && s.includes('exited'), 'the lane shown exited, not started again');
    expect(await isGone(identity)).toBe(false);
  });
});

describe('kill -9 of the launcher', () => {
  it('makes the UI give the terminal back and exit; the agent stays in the host, paused, its tree whole', async () => {
    current = await setupTree();
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env, via: SESSION_LEADER });
    await driver.waitForText('READY-tree');
    const tree = await readTree(pidDir);
    driver.write('p');
    await driver.waitForText('paused');
    await waitFor(async () => (await readProcessStat(tree.outside.pid))?.state === 'T', 10_000, 'the descendant to be stopped');
    const uiPid = driver.uiPid();
    const ui = { pid: uiPid, startTime: (await readProcessStat(uiPid))!.startTime };
    process.kill(driver.launcherPid(), 'SIGKILL');
    await waitFor(() => isGone(ui), 20_000, 'the UI to exit');
    await waitFor(() => driver!.raw.endsWith(RESTORE_SEQUENCE), 5_000, () => `the output to end with the restore sequence; it ended with ${JSON.stringify(driver!.raw.slice(-200))}`);
    expect((await stillRunning(tree)).sort()).toEqual(Object.keys(tree).sort());
    expect((await readProcessStat(tree.outside.pid))?.state).toBe('T');
    // Ending it is explicit, and leaves nothing stopped or running.
    await run(process.execPath, [LANES_BIN, 'host', 'stop', '--yes'], { cwd: current.dir, env: current.env });
    await waitFor(everythingGone(tree), 15_000, 'the whole tree of the agent to end');
  });
});
