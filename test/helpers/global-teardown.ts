import { fileURLToPath } from 'node:url';
import { endHosts, hostsOfThisCheckout } from './host-cleanup.js';

const BIN = fileURLToPath(new URL('../../bin/lanes.js', import.meta.url));

/**
 * After the whole run: a lanes host a test left running (a repository it cloned into a folder of
 * its own, a test that failed half way) is ended with its agents, so no run leaves processes behind.
 * Hosts that runs before this one started are left alone.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const before = new Set(await hostsOfThisCheckout(BIN));
  return async () => {
    const left = (await hostsOfThisCheckout(BIN)).filter((pid) => !before.has(pid));
    await endHosts(left);
  };
}
