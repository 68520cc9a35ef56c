import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { TerminalInfo } from '../../src/term/types.js';
import { readProcessStat } from '../../src/term/process-tree.js';
import { makeRig, type Rig } from '../helpers/controller-rig.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: Rig | undefined;
const started: number[] = [];
afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
});

const heldInfo = (id: string, extra: Partial<TerminalInfo> = {}): TerminalInfo => ({
  id,
  state: 'running',
  pid: 4242,
  startTime: 1,
  isPaused: false,
  command: '/bin/sh',
  cwd: '/',
  startedAt: 0,
  promptDelivered: true,
  bracketedPaste: false,
  cols: 80,
  rows: 24,
  ...extra,
});

const statusOf = (name: string): string | undefined => rig?.store.getState().lanes.find((l) => l.name === name)?.status.kind;

describe('the UI attaching to the host', () => {
  it('shows the agents the host holds as they are and never starts them again; a new lane starts', async () => {
    rig = await makeRig(['held', 'paused', 'fresh'], undefined, {}, (records, host) => {
      host.held.push(heldInfo('held'), heldInfo('paused', { isPaused: true }));
      for (const record of records) if (record.name !== 'fresh') record.hasStarted = true;
    });
    expect(rig.host.spawns.map((s) => s.id)).toEqual(['fresh']);
    expect(statusOf('paused')).toBe('paused');
    // Attached to an agent that runs: not `starting`.
    expect(statusOf('held')).not.toBe('starting');
  });

  it('shows lanes whose agent ran but that the host does not hold as exited, and says R restarts them', async () => {
    rig = await makeRig(['a', 'b'], undefined, {}, (records) => {
      for (const record of records) record.hasStarted = true;
    });
    expect(rig.host.spawns).toEqual([]);
    expect(statusOf('a')).toBe('exited');
    expect(rig.store.getState().notice?.text).toContain('not running since the lanes host ended: a, b; R restarts one');
  });

  it('R in such a lane lists what an earlier session left working there, and ends it only on a second R', async () => {
    rig = await makeRig(['a'], undefined, {}, (records) => {
      for (const record of records) record.hasStarted = true;
    });
    const worktree = rig.records[0]!.worktree;
    // Left by an earlier session: not a child of this process (its parent exits at once).
    const parent = spawn('/bin/sh', ['-c', `${JSON.stringify(process.execPath)} -e 'setInterval(() => undefined, 1000)' & echo $!`], { cwd: worktree, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((resolve) => parent.on('exit', resolve));
    const leftover = { pid: Number(out.trim()) };
    started.push(leftover.pid);
    await waitFor(async () => (await readProcessStat(leftover.pid))?.comm === 'node', 5_000, 'the leftover to run');
    await rig.controller.restart('a');
    expect(rig.host.spawns).toEqual([]);
    expect(rig.store.getState().notice?.text).toMatch(new RegExp(`1 process from an earlier session still runs in lane a \\(pid ${leftover.pid}\\): node; R again ends it and restarts the agent`));
    expect(await readProcessStat(leftover.pid)).toBeDefined();
    await rig.controller.restart('a');
    await waitFor(async () => [undefined, 'Z'].includes((await readProcessStat(leftover.pid))?.state), 10_000, 'the leftover to end');
    expect(rig.host.spawns.map((s) => s.id)).toEqual(['a']);
  });

  it('leaving detaches (the agents go on); ending every agent is the explicit choice', async () => {
    rig = await makeRig(['a']);
    await rig.controller.shutdown();
    expect(rig.host.leftBy).toBe('detach');
    const other = await makeRig(['b']);
    await other.controller.shutdown({ endAgents: true });
    expect(other.host.leftBy).toBe('dispose');
    await other.dispose();
  });
});
