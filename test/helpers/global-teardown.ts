import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { endHosts, hostsOfThisRun, TEST_RUN_ENV } from './host-cleanup.js';

const BIN = fileURLToPath(new URL('../../bin/lanes.js', import.meta.url));

/**
 * After the whole run: a lanes host a test left running (a repository it cloned into a folder of
 * its own, a test that failed half way) is ended with its agents, so no run leaves processes behind.
 * Only this run's hosts: they carry its id in their environment (or, started with an environment of
 * a test's own making, serve a repository in the temporary folder and carry no other run's id). A
 * developer's own hosts and those of a run beside this one are left alone.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = randomUUID();
  process.env[TEST_RUN_ENV] = run;
  return async () => {
    await endHosts(await hostsOfThisRun(BIN, run));
  };
}
