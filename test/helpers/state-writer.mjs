// Stands in for a running UI that writes the lanes state often: a read-modify-write under the
// state lock, held for `holdMs`, over and over until the file `stop` exists. Uses the BUILT lanes.
// Usage: state-writer.mjs <repoDir> <stop> <holdMs>
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../dist/', import.meta.url);
const load = (path) => import(fileURLToPath(new URL(path, dist)));
const [repoDir, stop, holdMs] = process.argv.slice(2);

const { discoverRepo } = await load('git/repo.js');
const { StateStore } = await load('git/state.js');
const store = new StateStore(await discoverRepo(repoDir), { branchPrefix: 'lanes/' });
let writes = 0;
while (!existsSync(stop)) {
  await store.update(async (state) => {
    await sleep(Number(holdMs));
    return state;
  });
  writes += 1;
  await sleep(10);
}
process.stdout.write(`${writes}\n`);
