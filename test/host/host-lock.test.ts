import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireHostLock, releaseHostLock, type HostPaths } from '../../src/host/runtime.js';
import { processStartTime } from '../../src/term/process-tree.js';

const run = promisify(execFile);
const RUNTIME = fileURLToPath(new URL('../../dist/host/runtime.js', import.meta.url));

/** A process that tries for the lock at the same moment as its rivals, says whether it won, and holds it a while. */
const CONTENDER = `
const { acquireHostLock } = await import(process.argv[1]);
const at = Number(process.argv[3]);
while (Date.now() < at) {}
const won = await acquireHostLock({ lock: process.argv[2] });
process.stdout.write(won ? 'won' : 'lost');
await new Promise((resolve) => setTimeout(resolve, 300));
`;

describe('the host lock', () => {
  let dir: string;
  let paths: HostPaths;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lanes-lock-'));
    paths = { lock: join(dir, 'host.lock') } as HostPaths;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has exactly one winner among processes that try at the same moment, also over a stale lock', async () => {
    for (let round = 0; round < 6; round++) {
      // Every other round starts from a lock a crashed host left (a pid that is gone).
      if (round % 2 === 1) await writeFile(paths.lock, `${JSON.stringify({ pid: 2 ** 22 + 17, startTime: 1 })}\n`);
      const at = Date.now() + 600;
      const results = await Promise.all(
        Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', CONTENDER, RUNTIME, paths.lock, String(at)]).then((r) => r.stdout)),
      );
      expect(results.filter((r) => r === 'won'), `round ${round}: ${results.join(' ')}`).toHaveLength(1);
      await rm(paths.lock, { force: true });
    }
  }, 60_000);

  it('is never taken from a live holder; a lock that is not whole or names a gone process is taken over', async () => {
    const mine = { pid: process.pid, startTime: await processStartTime(process.pid) };
    await writeFile(paths.lock, `${JSON.stringify({ ...mine, pid: process.ppid, startTime: await processStartTime(process.ppid) })}\n`);
    expect(await acquireHostLock(paths)).toBe(false);
    await writeFile(paths.lock, '{"pid": 12');
    expect(await acquireHostLock(paths)).toBe(true);
    expect(JSON.parse(await readFile(paths.lock, 'utf8'))).toEqual(mine);
    await releaseHostLock(paths);
    await writeFile(paths.lock, `${JSON.stringify({ pid: process.pid, startTime: -1 })}\n`);
    expect(await acquireHostLock(paths)).toBe(true);
    await releaseHostLock(paths);
    await expect(readFile(paths.lock, 'utf8')).rejects.toThrow();
  });
});
