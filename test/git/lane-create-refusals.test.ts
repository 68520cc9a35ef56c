import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LanesError } from '../../src/core/errors.js';
import type { Config } from '../../src/config/schema.js';
import { createLane } from '../../src/git/lane-create.js';
import { discoverRepo, type Repo } from '../../src/git/repo.js';
import { StateStore } from '../../src/git/state.js';
import { shellAgent, testConfig } from '../helpers/lane-config.js';
import { makeTempRepo, snapshotRepo, type TempRepo, type TempRepoOptions } from '../helpers/temp-repo.js';

let temp: TempRepo | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const open = async (options: TempRepoOptions = {}) => {
  temp = await makeTempRepo(options);
  const repo = await discoverRepo(temp.dir);
  return { t: temp, repo, store: new StateStore(repo, { branchPrefix: 'lanes/' }) };
};

interface Attempt {
  name: string;
  config?: Config;
  base?: string;
}

/** Try to create a lane; assert it is refused with a LanesError and that nothing was created. */
const refused = async (t: TempRepo, repo: Repo, store: StateStore, attempt: Attempt): Promise<LanesError> => {
  const before = await snapshotRepo(t.dir);
  const stateBefore = (await store.load()).state;
  const error = await createLane({
    repo,
    store,
    config: attempt.config ?? testConfig(),
    name: attempt.name,
    agent: shellAgent,
    ...(attempt.base === undefined ? {} : { base: attempt.base }),
  }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LanesError);
  expect(await snapshotRepo(t.dir)).toEqual(before);
  expect((await store.load()).state).toEqual(stateBefore);
  return error as LanesError;
};

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('createLane refuses and creates nothing', () => {
  it.each([
    ['x$(touch pwned)', /'\$' is not allowed/],
    ['-rf', /start with a letter or a digit/],
    ['a..b', /'\.\.'/],
    ['with space', /a space is not allowed/],
    ['ünï', /'ü' is not allowed/],
    ['a'.repeat(41), /at most 40 characters/],
    ['foo.lock', /'\.lock'/],
    ['', /empty/],
    ['a\nb', /\\x0a is not allowed/],
  ])('invalid name %j', async (name, problem) => {
    const { t, repo, store } = await open();
    const error = await refused(t, repo, store, { name });
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^invalid lane name '/);
    expect(error.message).toMatch(problem);
    expect(error.message).not.toContain('\n');
    for (const dir of [dirname(t.dir), t.dir, process.cwd()]) expect(await exists(join(dir, 'pwned'))).toBe(false);
  });

  it('a branch prefix that makes an invalid or option-like branch name', async () => {
    const { t, repo, store } = await open();
    expect((await refused(t, repo, store, { name: 'ok', config: testConfig({ branchPrefix: '-x/' }) })).exitCode).toBe(2);
    expect((await refused(t, repo, store, { name: 'ok', config: testConfig({ branchPrefix: 'a b/' }) })).exitCode).toBe(2);
  });

  it('a duplicate lane name', async () => {
    const { t, repo, store } = await open();
    await createLane({ repo, store, config: testConfig(), name: 'foo', agent: shellAgent });
    const error = await refused(t, repo, store, { name: 'foo' });
    expect(error.message).toBe('a lane named foo already exists');
  });

  it('an existing branch with its own commit, which is left exactly as it was', async () => {
    const { t, repo, store } = await open();
    await t.git('checkout', '-q', '-b', 'lanes/foo');
    await writeFile(join(t.dir, 'theirs.txt'), 'their work\n');
    await t.git('add', 'theirs.txt');
    await t.git('commit', '-q', '-m', 'their work');
    const tip = (await t.git('rev-parse', 'lanes/foo')).trim();
    await t.git('checkout', '-q', 'main');
    const error = await refused(t, repo, store, { name: 'foo' });
    expect(error.message).toBe('branch lanes/foo already exists');
    expect(error.line).toMatch(/choose another lane name/);
    expect((await t.git('rev-parse', 'lanes/foo')).trim()).toBe(tip);
  });

  it('an existing folder at the worktree path, left untouched', async () => {
    const { t, repo, store } = await open();
    const path = join(dirname(t.dir), 'repo.lanes', 'foo');
    await mkdir(path, { recursive: true });
    await writeFile(join(path, 'keep.txt'), 'mine\n');
    const error = await refused(t, repo, store, { name: 'foo' });
    expect(error.message).toBe(`${path} already exists`);
    expect(await readdir(path)).toEqual(['keep.txt']);
  });

  it('a worktree still registered at the path although its folder is gone', async () => {
    const { t, repo, store } = await open();
    const path = join(dirname(t.dir), 'repo.lanes', 'foo');
    await t.git('worktree', 'add', '-q', '-b', 'elsewhere', '--', path, 'HEAD');
    await rm(path, { recursive: true });
    const error = await refused(t, repo, store, { name: 'foo' });
    expect(error.message).toMatch(/already registered at .*foo \(its folder is missing\)/);
  });

  it('a base branch that does not exist, naming it', async () => {
    const { t, repo, store } = await open();
    const error = await refused(t, repo, store, { name: 'foo', base: 'nope' });
    expect(error.message).toBe("base branch 'nope' does not exist");
  });

  it('a detached main checkout without a base', async () => {
    const { t, repo, store } = await open();
    await t.git('checkout', '-q', '--detach');
    const error = await refused(t, repo, store, { name: 'foo' });
    expect(error.line).toBe('the main checkout is on a detached HEAD: pass --base BRANCH');
  });

  it('a base that looks like an option', async () => {
    const { t, repo, store } = await open();
    expect((await refused(t, repo, store, { name: 'foo', base: '--orphan' })).exitCode).toBe(2);
  });
});

describe('repositories lanes cannot work on are refused before anything is made', () => {
  it('no commits yet', async () => {
    temp = await makeTempRepo({ commit: false });
    const before = await snapshotRepo(temp.dir);
    await expect(discoverRepo(temp.dir)).rejects.toThrow(/has no commits/);
    expect(await snapshotRepo(temp.dir)).toEqual(before);
  });

  it('not a repository', async () => {
    temp = await makeTempRepo();
    const plain = join(dirname(temp.dir), 'plain');
    await mkdir(plain);
    await expect(discoverRepo(plain)).rejects.toThrow(/^not a git repository/);
    expect(await readdir(plain)).toEqual([]);
  });
});

describe('a hook that fails while a lane is made (issue 7, smaller)', () => {
  it('a failing post-checkout hook: its output is in the one line, and the half-made lane is rolled back', async () => {
    const { t, repo, store } = await open();
    const hook = join(t.dir, '.git', 'hooks', 'post-checkout');
    await writeFile(hook, '#!/bin/sh\necho "checking dependencies"\necho "node_modules is missing: run npm ci" >&2\nexit 3\n', { mode: 0o755 });
    const error = await refused(t, repo, store, { name: 'hooked' });
    expect(error.line).toBe('could not create lane hooked: git worktree add failed: exit 3; its output ends: checking dependencies / node_modules is missing: run npm ci');
  });

  it('a reference-transaction hook that refuses the branch: its words, not only git\'s', async () => {
    const { t, repo, store } = await open();
    const hook = join(t.dir, '.git', 'hooks', 'reference-transaction');
    await writeFile(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\necho "branches must be named after a ticket" >&2\nexit 1\n', { mode: 0o755 });
    const error = await refused(t, repo, store, { name: 'hooked' });
    expect(error.line).toBe('could not create lane hooked: git branch failed: fatal: ref updates aborted by hook; its output ends: branches must be named after a ticket');
  });
});
