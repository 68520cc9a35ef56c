import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { descendants, freezeTree, parseStat, processStartTime, readProcessStat, thawTree } from '../../src/term/process-tree.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string;
let cleanup: number[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanes-tree-'));
});
afterEach(() => {
  for (const pid of cleanup) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  cleanup = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Run `script` in its own process group, killed (group and `extra` pids) after the test. */
const shell = (script: string): ChildProcess & { pid: number } => {
  const child = spawn('sh', ['-c', script], { cwd: dir, detached: true, stdio: 'ignore' });
  if (child.pid === undefined) throw new Error('sh did not start');
  cleanup.push(child.pid);
  return child as ChildProcess & { pid: number };
};

const readPid = async (name: string): Promise<number> => {
  const path = join(dir, name);
  const text = await waitFor(() => existsSync(path) && readFileSync(path, 'utf8').trim(), 5_000, `${name} to be written`);
  const pid = Number(text);
  cleanup.push(pid);
  return pid;
};

const state = async (pid: number): Promise<string | undefined> => (await readProcessStat(pid))?.state;

/** A shell with a child shell whose own child called setsid: pids in child.pid and grandchild.pid. */
const startTree = async (): Promise<{ root: number; child: number; grandchild: number }> => {
  const root = shell(`sh -c 'setsid sleep 300 & echo $! > grandchild.pid; sleep 300' & echo $! > child.pid; wait`);
  const child = await readPid('child.pid');
  const grandchild = await readPid('grandchild.pid');
  // The grandchild runs sleep in a session of its own (setsid execs in place: not a group leader).
  await waitFor(async () => (await readProcessStat(grandchild))?.comm === 'sleep', 5_000, 'the setsid grandchild to run sleep');
  // The child shell forks its own `sleep 300` after writing grandchild.pid: the tree is whole then.
  await waitFor(async () => (await descendants(child)).length === 2, 5_000, "the child shell's own sleep");
  return { root: root.pid, child, grandchild };
};

describe('parseStat', () => {
  const real = readFileSync('/proc/self/stat', 'utf8');
  const original = parseStat(real);

  it('reads pid, state, parent, group, session and start time', () => {
    expect(original?.pid).toBe(process.pid);
    expect(original?.ppid).toBe(process.ppid);
    expect(original?.startTime).toBeGreaterThan(0);
    expect(original?.state).toMatch(/^[A-Za-z]$/);
  });

  it('splits at the last parenthesis: a command name may contain ") " and "("', () => {
    const tricky = real.replace(/\(.*\)/, '(a) b (c)');
    const parsed = parseStat(tricky);
    expect(parsed?.comm).toBe('a) b (c');
    expect({ ...parsed, comm: original?.comm }).toEqual(original);
  });

  it('rejects lines that are not a stat line', () => {
    expect(parseStat('')).toBeUndefined();
    expect(parseStat('12 (x')).toBeUndefined();
    expect(parseStat('12 (x) S')).toBeUndefined();
  });
});

describe('descendants', () => {
  it('finds children and grandchildren, also one that started its own session', async () => {
    const { root, child, grandchild } = await startTree();
    expect((await readProcessStat(grandchild))?.session).toBe(grandchild);
    expect((await readProcessStat(grandchild))?.session).not.toBe((await readProcessStat(root))?.session);
    const found = await descendants(root);
    expect(found).toEqual(expect.arrayContaining([child, grandchild]));
    // The child's own `sleep 300` too; nothing outside the tree.
    expect(found).toHaveLength(3);
    expect(found).not.toContain(root);
    expect(found).not.toContain(process.pid);
    expect(await descendants(grandchild)).toEqual([]);
  });
});

describe('freezeTree and thawTree', () => {
  it('stop every process of the tree, setsid descendants included, and resume them all', async () => {
    const { root, child, grandchild } = await startTree();
    const stopped = await freezeTree(root);
    const pids = [root, child, grandchild];
    expect(stopped.map((p) => p.pid)).toEqual(expect.arrayContaining(pids));
    for (const pid of pids) expect(await state(pid)).toBe('T');
    await thawTree(stopped, root);
    for (const pid of pids) expect(await state(pid)).not.toBe('T');
  });

  it('hand every process to beforeStop before stopping it, so a record exists first', async () => {
    const { root, child, grandchild } = await startTree();
    const recorded = new Set<number>();
    const stateAtRecord: Array<string | undefined> = [];
    const stopped = await freezeTree(root, undefined, async (entries) => {
      for (const entry of entries) {
        if (recorded.has(entry.pid)) continue;
        recorded.add(entry.pid);
        stateAtRecord.push(await state(entry.pid));
      }
    });
    expect(stateAtRecord.filter((s) => s === 'T')).toEqual([]);
    for (const entry of stopped) expect(recorded.has(entry.pid)).toBe(true);
    expect([...recorded]).toEqual(expect.arrayContaining([root, child, grandchild]));
    await thawTree(stopped, root);
  });

  it('stop nothing when beforeStop fails', async () => {
    const { root, child, grandchild } = await startTree();
    await expect(freezeTree(root, undefined, () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    for (const pid of [root, child, grandchild]) expect(await state(pid)).not.toBe('T');
  });

  it('leave nothing stopped when beforeStop fails in a later round', async () => {
    const root = shell('while :; do setsid sleep 2 & sleep 0.02; done');
    await waitFor(async () => (await descendants(root.pid)).length >= 10, 10_000, 'setsid sleeps to pile up');
    let calls = 0;
    const failSecond = async (): Promise<void> => {
      calls += 1;
      // The first record is slow, so the loop forks on before the stop and a second round
      // follows; that one cannot be recorded.
      if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 150));
      if (calls === 2) throw new Error('disk full');
    };
    const outcome = await freezeTree(root.pid, undefined, failSecond).then(
      (stopped) => ({ stopped, error: undefined }),
      (error: unknown) => ({ stopped: [], error }),
    );
    const tree = [root.pid, ...(await descendants(root.pid)), ...outcome.stopped.map((p) => p.pid)];
    cleanup.push(...tree);
    expect(outcome.error).toBeInstanceOf(Error);
    expect(calls).toBe(2);
    await waitFor(async () => (await Promise.all(tree.map(state))).every((s) => s !== 'T'), 5_000, 'nothing left stopped');
  });

  it('stop a tree that keeps starting processes in new sessions', async () => {
    const root = shell('while :; do setsid sleep 2 & sleep 0.02; done');
    await waitFor(async () => (await descendants(root.pid)).length >= 20, 10_000, 'setsid sleeps to pile up');
    const stopped = await freezeTree(root.pid);
    const tree = [root.pid, ...(await descendants(root.pid))];
    cleanup.push(...tree);
    const states = await Promise.all(tree.map(state));
    // Stopped, exited and not yet reaped by the stopped shell, or inside the kernel in
    // uninterruptible sleep (D: a fork or exec under load) with the stop pending: nothing runs.
    expect(states.filter((s) => s !== undefined && s !== 'T' && s !== 'Z' && s !== 'D')).toEqual([]);
    expect(stopped.length).toBeGreaterThanOrEqual(20);
    await thawTree(stopped, root.pid);
    expect((await Promise.all(tree.map(state))).filter((s) => s === 'T')).toEqual([]);
  });

  it('never resumes a recorded pid whose start time no longer matches (another process by now)', async () => {
    const other = shell('sleep 300');
    process.kill(other.pid, 'SIGSTOP');
    await waitFor(async () => (await state(other.pid)) === 'T', 5_000, 'the other process to stop');
    const startTime = (await processStartTime(other.pid)) as number;
    // `root` is a pid that no longer exists: only the recorded list is considered.
    const root = 2 ** 22 + 1;
    await thawTree([{ pid: other.pid, startTime: startTime + 1 }], root);
    expect(await state(other.pid)).toBe('T');
    await thawTree([{ pid: other.pid, startTime }], root);
    expect(await state(other.pid)).not.toBe('T');
  });

  it('stop a daemon that forked twice out of the tree and the session, found by its environment marker', async () => {
    const marker = `LANES_WORKTREE=${dir}`;
    // The middle shell exits at once: the daemon's parent becomes init, in a session of its own.
    const root = shell(`LANES_WORKTREE='${dir}' sh -c '(setsid sh -c "echo \\$\\$ > daemon.pid; exec sleep 300" &)'; sleep 300`);
    const daemon = await readPid('daemon.pid');
    await waitFor(async () => (await readProcessStat(daemon))?.comm === 'sleep', 5_000, 'the daemon to run sleep');
    // The subshell that started it exits a moment later, leaving it to init.
    await waitFor(async () => !(await descendants(root.pid)).includes(daemon), 5_000, 'the daemon to leave the tree');
    const withoutMarker = await freezeTree(root.pid);
    expect(withoutMarker.map((p) => p.pid)).not.toContain(daemon);
    await thawTree(withoutMarker, root.pid);
    const stopped = await freezeTree(root.pid, marker);
    expect(stopped.map((p) => p.pid)).toContain(daemon);
    expect(await state(daemon)).toBe('T');
    await thawTree(stopped, root.pid, marker);
    await waitFor(async () => (await state(daemon)) !== 'T', 5_000, 'the daemon to run again');
  });

  it('report nothing for a process that does not exist', async () => {
    expect(await processStartTime(2 ** 22 + 1)).toBeUndefined();
    expect(await descendants(2 ** 22 + 1)).toEqual([]);
  });
});
