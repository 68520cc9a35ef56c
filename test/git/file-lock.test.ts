import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LanesError } from '../../src/core/errors.js';
import { withFileLock } from '../../src/git/file-lock.js';

let dir: string;
let lockPath: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lanes-lock-'));
  lockPath = join(dir, 'state.lock');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ownerFile = (pid: number): string => JSON.stringify({ pid, host: hostname(), token: 'someone-else' });

/** A pid that certainly belongs to no running process: a child that has already exited. */
const deadPid = (): Promise<number> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('exit', () => resolve(child.pid as number));
  });

describe('withFileLock', () => {
  it('runs the action, returns its value and removes the lock', async () => {
    expect(await withFileLock(lockPath, async () => 42)).toBe(42);
    expect(await readdir(dir)).toEqual([]);
  });

  it('removes the lock when the action throws', async () => {
    await expect(withFileLock(lockPath, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readdir(dir)).toEqual([]);
  });

  it('serialises actions', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withFileLock(lockPath, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('waits for a live owner in another process to release the lock', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      await writeFile(lockPath, ownerFile(child.pid as number));
      const started = Date.now();
      setTimeout(() => void unlink(lockPath), 300);
      await withFileLock(lockPath, async () => undefined);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      child.kill();
    }
  });

  it('takes over a lock whose owner is dead', async () => {
    await writeFile(lockPath, ownerFile(await deadPid()));
    const started = Date.now();
    expect(await withFileLock(lockPath, async () => 'mine', { timeoutMs: 2_000 })).toBe('mine');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('takes over a lock older than the stale limit even if its owner lives', async () => {
    await writeFile(lockPath, ownerFile(process.pid));
    const old = new Date(Date.now() - 60_000);
    await utimes(lockPath, old, old);
    expect(await withFileLock(lockPath, async () => 'mine', { timeoutMs: 2_000 })).toBe('mine');
  });

  it('gives up with a clear error when a live owner keeps it, and leaves its lock alone', async () => {
    await writeFile(lockPath, ownerFile(process.pid));
    const error = await withFileLock(lockPath, async () => 'never', { timeoutMs: 300 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LanesError);
    expect((error as LanesError).line).toMatch(new RegExp(`locked by process ${process.pid} .*: try again`));
    expect(await readdir(dir)).toEqual(['state.lock']);
  });

  it('waits while a queue of holders moves, past the time one holder may keep it (issue 7, smaller)', async () => {
    // Twenty holders of 300 ms each: the last waits about 6 s in all, but never long for one holder.
    const holders = 20;
    let inside = 0;
    let finished = 0;
    const results = await Promise.allSettled(
      Array.from({ length: holders }, () =>
        withFileLock(lockPath, async () => {
          inside += 1;
          expect(inside).toBe(1);
          await new Promise((resolve) => setTimeout(resolve, 300));
          inside -= 1;
          finished += 1;
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(finished).toBe(holders);
  });
});
