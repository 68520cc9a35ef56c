import { access, chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LanesError } from '../../src/core/errors.js';
import type { Config } from '../../src/config/schema.js';
import { createLane, defaultWorktreePath } from '../../src/git/lane-create.js';
import { discoverRepo, type Repo } from '../../src/git/repo.js';
import { StateStore, type StateStoreOptions } from '../../src/git/state.js';
import { shellAgent, testConfig } from '../helpers/lane-config.js';
import { gitIn, makeTempRepo, snapshotRepo, type TempRepo, type TempRepoOptions } from '../helpers/temp-repo.js';

let temp: TempRepo | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const open = async (options: TempRepoOptions = {}, storeOptions: Partial<StateStoreOptions> = {}) => {
  temp = await makeTempRepo(options);
  const repo = await discoverRepo(temp.dir);
  const store = new StateStore(repo, { branchPrefix: 'lanes/', ...storeOptions });
  return { t: temp, repo, store };
};

const create = (repo: Repo, store: StateStore, name: string, config: Config = testConfig(), extra = {}) =>
  createLane({ repo, store, config, name, agent: shellAgent, ...extra });

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('createLane', () => {
  it('creates branch, worktree and state record next to the repository', async () => {
    const { t, repo, store } = await open();
    const tip = (await t.git('rev-parse', 'HEAD')).trim();
    const progress: string[] = [];
    const { lane, warnings } = await create(repo, store, 'fix-login', testConfig(), {
      prompt: 'fix the login',
      scope: ['src/**'],
      onProgress: (line: string) => progress.push(line),
    });
    const path = join(dirname(t.dir), 'repo.lanes', 'fix-login');
    expect(lane).toEqual({
      name: 'fix-login',
      branch: 'lanes/fix-login',
      worktree: path,
      agent: shellAgent,
      base: 'main',
      forkPoint: tip,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      ready: false,
      scope: ['src/**'],
      prompt: 'fix the login',
    });
    expect(warnings).toEqual([]);
    expect(progress.some((line) => line.includes('adding worktree'))).toBe(true);
    expect(defaultWorktreePath(repo, testConfig(), 'fix-login')).toBe(path);
    expect((await gitIn(path, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/lanes/fix-login');
    expect((await t.git('rev-parse', 'lanes/fix-login')).trim()).toBe(tip);
    expect(await t.git('status', '--porcelain')).toBe('');
    expect((await store.load()).state.lanes).toEqual([lane]);
  });

  it('works from a subfolder and from inside a linked worktree, never nesting lanes', async () => {
    const { t, store } = await open({ files: { 'src/app/a.txt': 'a\n' } });
    const fromSub = await discoverRepo(join(t.dir, 'src', 'app'));
    const first = await create(fromSub, store, 'first');
    const fromLane = await discoverRepo(join(first.lane.worktree, 'src'));
    const second = await create(fromLane, new StateStore(fromLane, { branchPrefix: 'lanes/' }), 'second');
    expect(second.lane.worktree).toBe(join(dirname(t.dir), 'repo.lanes', 'second'));
    expect((await readdir(first.lane.worktree)).sort()).toEqual(['.git', 'src']);
    expect((await store.load()).state.lanes.map((lane) => lane.name)).toEqual(['first', 'second']);
  });

  it('handles a repository path with spaces, unicode and shell syntax, and a hostile branch prefix', async () => {
    const { t, repo, store } = await open({ pathSuffix: " spa ce ünï 'q' $(touch pwned)" });
    const config = testConfig({ branchPrefix: 'x$(touch${IFS}pwned)/', setup: { copy: [], symlink: [], run: ['pwd > where.txt'] } });
    const { lane, warnings } = await create(repo, store, 'odd', config);
    expect(warnings).toEqual([]);
    expect(await readFile(join(lane.worktree, 'where.txt'), 'utf8')).toBe(`${lane.worktree}\n`);
    expect(lane.branch).toBe('x$(touch${IFS}pwned)/odd');
    expect(lane.worktree).toBe(join(dirname(t.dir), `${repo.name}.lanes`, 'odd'));
    expect(await exists(join(lane.worktree, 'README.md'))).toBe(true);
    expect((await t.git('rev-parse', '--verify', 'refs/heads/x$(touch${IFS}pwned)/odd')).trim()).toBe(lane.forkPoint);
    for (const dir of [dirname(t.dir), t.dir, lane.worktree, process.cwd()]) expect(await exists(join(dir, 'pwned'))).toBe(false);
  });

  it('cuts from --base, from config base, and from a base when the main checkout is detached', async () => {
    const { t, repo, store } = await open();
    await t.git('branch', 'dev');
    const devTip = (await t.git('rev-parse', 'dev')).trim();
    await t.git('commit', '-q', '--allow-empty', '-m', 'main moves on');
    await t.git('checkout', '-q', '--detach');
    expect((await create(repo, store, 'a', testConfig(), { base: 'dev' })).lane).toMatchObject({ base: 'dev', forkPoint: devTip });
    expect((await create(repo, store, 'b', testConfig({ base: 'refs/heads/dev' }))).lane).toMatchObject({ base: 'dev' });
  });

  it('resolves a relative worktreeDir template against the folder that holds the repository', async () => {
    const { t, repo, store } = await open();
    const { lane } = await create(repo, store, 'rel', testConfig({ worktreeDir: 'elsewhere/{repo}-{name}' }));
    expect(lane.worktree).toBe(join(dirname(t.dir), 'elsewhere', 'repo-rel'));
    expect(await exists(join(lane.worktree, '.git'))).toBe(true);
  });

  it('records all of 10 lanes created in parallel through two stores', async () => {
    const { repo, store } = await open();
    const other = new StateStore(repo, { branchPrefix: 'lanes/' });
    const names = Array.from({ length: 10 }, (_, index) => `p${index}`);
    await Promise.all(names.map((name, index) => create(repo, index % 2 ? store : other, name)));
    const { state } = await store.load();
    expect(state.lanes.map((lane) => lane.name).sort()).toEqual(names);
    for (const lane of state.lanes) expect(await exists(join(lane.worktree, 'README.md'))).toBe(true);
  });

  it('lets exactly one of two parallel creates of the same name win, and keeps the winner intact', async () => {
    const { t, repo, store } = await open();
    const results = await Promise.allSettled([create(repo, store, 'same'), create(repo, new StateStore(repo, { branchPrefix: 'lanes/' }), 'same')]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result) => result.status === 'rejected');
    expect(rejected?.reason).toBeInstanceOf(LanesError);
    const { state } = await store.load();
    expect(state.lanes.map((lane) => lane.name)).toEqual(['same']);
    expect(await exists(join(state.lanes[0]?.worktree ?? '', 'README.md'))).toBe(true);
    expect((await t.git('branch', '--list', 'lanes/same')).trim()).toBe('+ lanes/same');
  });
});

describe('createLane rollback', () => {
  it('undoes worktree, branch and folders when recording the lane fails', async () => {
    const { t, repo } = await open();
    const store = new StateStore(repo, { branchPrefix: 'lanes/', lock: { timeoutMs: 200 } });
    await store.update((state) => state);
    const before = await snapshotRepo(t.dir);
    // Another live process (this one, under another token) holds the state lock for good.
    await writeFile(join(store.dir, 'state.lock'), JSON.stringify({ pid: process.pid, token: 'other' }));
    const error = await create(repo, store, 'doomed').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LanesError);
    expect((error as LanesError).message).toMatch(/locked/);
    expect(await snapshotRepo(t.dir)).toEqual(before);
  });

  it('undoes a worktree whose checkout hook failed', async () => {
    const { t, repo, store } = await open();
    const hook = join(t.dir, '.git', 'hooks', 'post-checkout');
    await writeFile(hook, '#!/bin/sh\necho hook says no >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const before = await snapshotRepo(t.dir);
    const error = await create(repo, store, 'hooked').catch((caught: unknown) => caught);
    expect((error as LanesError).message).toMatch(/could not create lane hooked: git worktree add failed: .*hook says no/);
    expect(await snapshotRepo(t.dir)).toEqual(before);
    expect((await store.load()).state.lanes).toEqual([]);
  });
});
