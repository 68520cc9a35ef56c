import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGone, killStarted, readTree, stillRunning, TREE_AGENT } from '../helpers/process-probe.js';
import { TerminalFixture } from '../helpers/terminal-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

let fixture: TerminalFixture;
let pidDir: string;
beforeEach(() => {
  fixture = new TerminalFixture();
  pidDir = realpathSync(mkdtempSync(join(tmpdir(), 'lanes-tree-')));
});
afterEach(async () => {
  await fixture.dispose();
  await killStarted();
  rmSync(pidDir, { recursive: true, force: true });
});

/** The tree agent in the fixture's folder, as the controller starts agents (with the lane's marker). */
const spawnTree = async (): Promise<string> => {
  const id = await fixture.spawn(process.execPath, [TREE_AGENT, pidDir], { env: { LANES_WORKTREE: fixture.dir } });
  await fixture.waitForText(id, 'READY-tree');
  return id;
};

describe('ending an agent ends its whole process tree', () => {
  it('kill ends descendants in their own session, one that ignores SIGTERM, one working elsewhere and one reparented away', async () => {
    const id = await spawnTree();
    const tree = await readTree(pidDir);
    expect(await stillRunning(tree)).toEqual(['agent', 'inside', 'outside', 'orphan']);
    await fixture.host.kill(id);
    await waitFor(async () => (await stillRunning(tree)).length === 0, 10_000, 'every process of the tree to be gone');
  });

  it('processTree lists the agent and every such descendant with its start time, also after the agent exited', async () => {
    const id = await spawnTree();
    const tree = await readTree(pidDir);
    const listed = await fixture.host.processTree(id);
    for (const entry of Object.values(tree)) expect(listed).toContainEqual(entry);
    // lanes itself is never part of a lane's tree.
    expect(listed.map((entry) => entry.pid)).not.toContain(process.pid);
    process.kill(tree.agent.pid, 'SIGKILL');
    await waitFor(() => isGone(tree.agent), 5_000, 'the agent to die');
    const after = await fixture.host.processTree(id);
    expect(after.map((entry) => entry.pid)).not.toContain(tree.agent.pid);
    for (const entry of [tree.inside, tree.outside, tree.orphan]) expect(after).toContainEqual(entry);
  });

  it('kill after the agent exited still ends what its tree left running (a setsid descendant, a marked process)', async () => {
    const id = await spawnTree();
    const tree = await readTree(pidDir);
    process.kill(tree.agent.pid, 'SIGKILL');
    await waitFor(() => isGone(tree.agent), 5_000, 'the agent to die');
    // The exit observed: the terminal has no agent any more, only what its tree left.
    await waitFor(() => fixture.host.pid(id) === undefined, 10_000, 'the exit to be reported');
    expect(await stillRunning(tree)).toEqual(['inside', 'outside', 'orphan']);
    await fixture.host.kill(id);
    await waitFor(async () => (await stillRunning(tree)).length === 0, 10_000, 'every leftover of the tree to be gone');
  });
});
