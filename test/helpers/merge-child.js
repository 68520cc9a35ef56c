// Runs one mergeLane from the BUILT lanes (dist/) in its own process, so tests can kill it
// mid-merge (git-and-process-safety §8 F1). Input: LANES_MERGE_CHILD = JSON { repoDir, lane,
// verify?, squash?, commitWip? }. Prints the outcome as JSON. LANES_TEST_CRASH_AT=<step> makes it SIGKILL
// itself right after journaling that step.
import { mergeLane } from '../../dist/git/merge/index.js';
import { discoverRepo } from '../../dist/git/repo.js';
import { StateStore } from '../../dist/git/state.js';

const input = JSON.parse(process.env.LANES_MERGE_CHILD ?? '{}');
const repo = await discoverRepo(input.repoDir);
const stateStore = new StateStore(repo, { branchPrefix: 'lanes/' });
const outcome = await mergeLane({
  repo,
  lane: input.lane,
  stateStore,
  ...(input.verify === undefined ? {} : { verify: input.verify }),
  ...(input.squash === undefined ? {} : { squash: input.squash }),
  ...(input.commitWip === undefined ? {} : { commitWip: input.commitWip }),
});
process.stdout.write(JSON.stringify(outcome));
