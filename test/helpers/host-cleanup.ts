import { readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { processStartTime } from '../../src/term/process-tree.js';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * End the lanes host of the repository whose git common folder is `commonDir`, if one runs (its
 * host.json names it, pid and start time checked): SIGTERM (the host ends its agents' trees), then
 * SIGKILL if it is still there after 10 s. Tests call it before removing a repository.
 */
export const stopHostOf = async (commonDir: string): Promise<void> => {
  let record: { pid?: unknown; startTime?: unknown };
  try {
    record = JSON.parse(await readFile(join(commonDir, 'lanes', 'host.json'), 'utf8')) as typeof record;
  } catch {
    return;
  }
  const pid = Number(record.pid);
  if (!Number.isSafeInteger(pid) || pid <= 1 || (await processStartTime(pid)) !== record.startTime) return;
  await endHost(pid);
};

const endHost = async (pid: number): Promise<void> => {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let waited = 0; waited < 10_000 && isAlive(pid); waited += 50) await sleep(50);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
};

/** The lanes hosts started from this checkout (their command line runs its bin/lanes.js host serve). */
export const hostsOfThisCheckout = async (bin: string): Promise<number[]> => {
  const pids: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    if (args.includes(bin) && args.includes('host') && args.includes('serve')) pids.push(Number(name));
  }
  return pids;
};

/** Marks the processes a test run started (set by the global setup; agents and hosts inherit it). */
export const TEST_RUN_ENV = 'LANES_TEST_RUN';

/** The hosts of this checkout that the test run `run` started (see global-teardown.ts). */
export const hostsOfThisRun = async (bin: string, run: string): Promise<number[]> => {
  const temp = tmpdir();
  const pids: number[] = [];
  for (const pid of await hostsOfThisCheckout(bin)) {
    const environ = (await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '')).split('\0');
    const mark = environ.find((entry) => entry.startsWith(`${TEST_RUN_ENV}=`));
    if (mark === `${TEST_RUN_ENV}=${run}`) {
      pids.push(pid);
      continue;
    }
    if (mark !== undefined) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const commonDir = args[args.indexOf('--common-dir') + 1] ?? '';
    if (args.includes('--common-dir') && commonDir.startsWith(`${temp}/`)) pids.push(pid);
  }
  return pids;
};

/** End every host in `pids` (after the whole run: none is a test's any more). */
export const endHosts = async (pids: readonly number[]): Promise<void> => {
  await Promise.all(pids.map((pid) => endHost(pid)));
};
