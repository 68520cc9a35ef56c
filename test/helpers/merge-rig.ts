import type { LaneRecord } from '../../src/core/lane.js';
import { discoverRepo, type Repo } from '../../src/git/repo.js';
import { StateStore } from '../../src/git/state.js';
import { makeTempRepo, type TempRepo, type TempRepoOptions } from './temp-repo.js';
import { addWorktreeLane, commitFiles } from './worktree-lane.js';

/** A repository with lanes recorded in its state file, for merge tests. */
export interface MergeRig {
  t: TempRepo;
  repo: Repo;
  store: StateStore;
  /** A lane cut from the current `main`, with one commit per entry of `commits`, recorded in the state. */
  lane(name: string, ...commits: Array<Record<string, string>>): Promise<LaneRecord>;
  /** The lane's record as the state file holds it now. */
  stored(name: string): Promise<LaneRecord | undefined>;
  /** Tip of a ref (`main`, `lanes/a`). */
  tip(ref: string): Promise<string>;
}

export const openMergeRig = async (options: TempRepoOptions = {}): Promise<MergeRig> => {
  const t = await makeTempRepo({ files: { 'README.md': '# test\n', 'a.txt': 'a1\na2\na3\n' }, ...options });
  const repo = await discoverRepo(t.dir);
  const store = new StateStore(repo, { branchPrefix: 'lanes/' });
  return {
    t,
    repo,
    store,
    async lane(name, ...commits) {
      const lane = await addWorktreeLane(t, name);
      for (const [index, files] of commits.entries()) await commitFiles(lane.worktree, files, `${name} ${index + 1}`);
      await store.update((state) => ({ ...state, lanes: [...state.lanes, lane] }));
      return lane;
    },
    async stored(name) {
      return (await store.load()).state.lanes.find((lane) => lane.name === name);
    },
    async tip(ref) {
      return (await t.git('rev-parse', ref)).trim();
    },
  };
};
