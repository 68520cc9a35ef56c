import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import type { LaneRecord } from '../../src/core/lane.js';
import { Journal } from '../../src/git/journal.js';
import { createLane } from '../../src/git/lane-create.js';
import { discoverRepo, type Repo } from '../../src/git/repo.js';
import { StateStore } from '../../src/git/state.js';
import { shellAgent, testConfig } from './lane-config.js';
import { gitIn, makeTempRepo, writeFiles, type TempRepo, type TempRepoOptions } from './temp-repo.js';

export interface Rig {
  t: TempRepo;
  repo: Repo;
  store: StateStore;
  config: Config;
  /** Create a lane the lanes way. */
  lane(name: string): Promise<LaneRecord>;
  /** The lane's record as the state file has it now. */
  record(name: string): Promise<LaneRecord | undefined>;
  /** Journal entries still on disk. */
  journal(): Promise<Array<{ op: string; lane: string; step: string }>>;
}

/** A temporary repository (with a `.gitignore` for `.env`, logs and `node_modules`) and lanes' objects on it. */
export const makeRig = async (options: TempRepoOptions = {}, overrides: Partial<Config> = {}): Promise<Rig> => {
  const { files, ...rest } = options;
  const t = await makeTempRepo({
    ...rest,
    files: { 'README.md': '# test\n', 'a.txt': 'a\n', '.gitignore': '.env\n*.log\nnode_modules/\ndist/\n', ...files },
  });
  const repo = await discoverRepo(t.dir);
  const config = testConfig(overrides);
  const store = new StateStore(repo, { branchPrefix: config.branchPrefix });
  return {
    t,
    repo,
    store,
    config,
    lane: async (name) => (await createLane({ repo, store, config, name, agent: shellAgent })).lane,
    record: async (name) => (await store.load()).state.lanes.find((lane) => lane.name === name),
    journal: async () => (await new Journal(repo).entries()).map((e) => ({ op: e.op, lane: e.lane, step: e.step })),
  };
};

/** Write files in `dir` and commit them there. */
export const commitIn = async (dir: string, files: Record<string, string>, message = 'change'): Promise<string> => {
  await writeFiles(dir, files);
  await gitIn(dir, ['add', '-A']);
  await gitIn(dir, ['commit', '-q', '-m', message]);
  return (await gitIn(dir, ['rev-parse', 'HEAD'])).trim();
};

/** Raw bytes of a worktree's index file. */
export const indexBytes = async (worktree: string): Promise<Buffer> =>
  readFile((await gitIn(worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim());

/** `git status --porcelain -z` with ignored and all untracked files: what a user would see. */
export const fullStatus = (dir: string): Promise<string> => gitIn(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored']);

/** Does the ref exist? */
export const refExists = async (dir: string, ref: string): Promise<boolean> =>
  gitIn(dir, ['show-ref', '--verify', '--quiet', ref]).then(
    () => true,
    () => false,
  );

export const readIn = (dir: string, path: string): Promise<string> => readFile(join(dir, path), 'utf8');
