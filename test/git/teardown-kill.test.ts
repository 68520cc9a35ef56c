import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { killLaneProcesses, processesInside, teardownLane } from '../../src/git/teardown/index.js';
import { readProcessStat } from '../../src/term/process-tree.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { makeRig, type Rig } from '../helpers/teardown-rig.js';
import { waitFor } from '../helpers/wait-for.js';

const SERVER_AGENT = fileURLToPath(new URL('../helpers/agents/server-agent.js', import.meta.url));

let rig: Rig | undefined;
let pidDir: string;
let started: number[] = [];
beforeEach(async () => {
  pidDir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-kill-')));
});
afterEach(async () => {
  for (const pid of started) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
  }
  started = [];
  await rig?.t.cleanup();
  rig = undefined;
  await rm(pidDir, { recursive: true, force: true });
});

const readPid = async (name: string): Promise<number> => {
  const path = join(pidDir, name);
  const pid = Number(await waitFor(() => existsSync(path) && readFileSync(path, 'utf8').trim(), 10_000, `${name} to be written`));
  started.push(pid);
  return pid;
};

/** Alive and not a zombie. */
const isRunning = async (pid: number): Promise<boolean> => {
  const state = (await readProcessStat(pid))?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
};

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server: Server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** The server agent in `cwd`, in its own process group and session (as node-pty starts agents). */
const startAgent = async (cwd: string): Promise<{ agent: ChildProcess; pids: Record<string, number>; port: number }> => {
  const agent = spawn(process.execPath, [SERVER_AGENT, pidDir], { cwd, detached: true, stdio: 'ignore' });
  started.push(agent.pid!);
  const pids = { agent: await readPid('agent.pid'), child: await readPid('child.pid'), shell: await readPid('shell.pid'), server: await readPid('server.pid') };
  const port = Number(await waitFor(() => existsSync(join(pidDir, 'port')) && readFileSync(join(pidDir, 'port'), 'utf8').trim(), 10_000, 'the port'));
  expect(await portIsFree(port)).toBe(false);
  return { agent, pids, port };
};

describe('killLaneProcesses', () => {
  it('ends the agent, its group, a setsid grandchild that ignores SIGTERM, and strangers with their cwd inside', async () => {
    rig = await makeRig();
    const lane = await rig.lane('procs');
    const { pids, port } = await startAgent(lane.worktree);
    const stranger = spawn('sleep', ['300'], { cwd: lane.worktree, detached: true, stdio: 'ignore' });
    started.push(stranger.pid!);
    const stopped = spawn('sleep', ['300'], { cwd: lane.worktree, detached: true, stdio: 'ignore' });
    started.push(stopped.pid!);
    process.kill(stopped.pid!, 'SIGSTOP');
    await waitFor(async () => (await readProcessStat(stopped.pid!))?.state === 'T', 5_000, 'the process to stop');
    const outside = spawn('sleep', ['300'], { cwd: pidDir, detached: true, stdio: 'ignore' });
    started.push(outside.pid!);

    expect((await processesInside(lane.worktree)).sort()).toEqual(expect.arrayContaining([pids.agent, pids.server, stranger.pid, stopped.pid]));
    const startedAt = performance.now();
    const result = await killLaneProcesses({ provenWorktree: lane.worktree, rootPids: [pids.agent!], graceMs: 800 });
    expect(result.remaining).toEqual([]);
    expect(result.signalled).toEqual(expect.arrayContaining([pids.agent, pids.child, pids.shell, pids.server, stranger.pid, stopped.pid]));
    // The server ignores SIGTERM: it took the SIGKILL after the grace period.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(700);
    for (const pid of [pids.agent, pids.child, pids.shell, pids.server, stranger.pid, stopped.pid]) expect(await isRunning(pid!)).toBe(false);
    expect(await isRunning(outside.pid!)).toBe(true);
    expect(await processesInside(lane.worktree)).toEqual([]);
    expect(await portIsFree(port)).toBe(true);
  });

  it('returns at once when everything ends on SIGTERM', async () => {
    rig = await makeRig();
    const lane = await rig.lane('quick');
    const sleeper = spawn('sleep', ['300'], { cwd: lane.worktree, detached: true, stdio: 'ignore' });
    started.push(sleeper.pid!);
    await waitFor(async () => (await processesInside(lane.worktree)).includes(sleeper.pid!), 5_000, 'the sleeper');
    const startedAt = performance.now();
    const result = await killLaneProcesses({ provenWorktree: lane.worktree, rootPids: [], graceMs: 10_000 });
    expect(result).toEqual({ remaining: [], signalled: [sleeper.pid] });
    expect(performance.now() - startedAt).toBeLessThan(5_000);
  });
});

describe('#27 teardown of a lane whose agent has a setsid grandchild listening on a port', () => {
  it('leaves no process of the set, none with its cwd in the worktree, and the port free, before removing', async () => {
    rig = await makeRig();
    const lane = await rig.lane('server');
    const { pids, port } = await startAgent(lane.worktree);
    const before = await captureOracle(rig.t.dir);
    const outcome = await teardownLane({ repo: rig.repo, lane, base: 'main', stateStore: rig.store, rootPids: [pids.agent!], graceMs: 500 });
    expect(outcome.kind).toBe('removed');
    expect(existsSync(lane.worktree)).toBe(false);
    expect(await portIsFree(port)).toBe(true);
    await assertNothingLost(before, rig.t.dir, { pids: Object.values(pids), noProcessIn: [lane.worktree] });
  });
});
