// Runs one lanes operation from the BUILT modules (dist/) in a process of its own, so that a test
// can let it crash (LANES_TEST_CRASH_AT) or kill it half-way and then recover in the test process.
// Usage: lanes-op.mjs <json> with { op: 'teardown' | 'create', dir, name, force?, rootPids?, config }
import { fileURLToPath } from 'node:url';

const dist = new URL('../../../dist/', import.meta.url);
const load = (path) => import(fileURLToPath(new URL(path, dist)));
const request = JSON.parse(process.argv[2] ?? '{}');

const { discoverRepo } = await load('git/repo.js');
const { StateStore } = await load('git/state.js');
const repo = await discoverRepo(request.dir);
const stateStore = new StateStore(repo, { branchPrefix: request.config.branchPrefix });

if (request.op === 'teardown') {
  const { teardownLane } = await load('git/teardown/index.js');
  const lane = (await stateStore.load()).state.lanes.find((l) => l.name === request.name);
  const outcome = await teardownLane({ repo, lane, base: 'main', stateStore, force: request.force === true, rootPids: request.rootPids ?? [], graceMs: 300 });
  process.stdout.write(`${outcome.kind}\n`);
} else if (request.op === 'create') {
  const { createLane } = await load('git/lane-create.js');
  await createLane({ repo, store: stateStore, config: request.config, name: request.name, agent: { kind: 'cmd', cmd: 'true' } });
  process.stdout.write('created\n');
}
