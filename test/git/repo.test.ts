import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LanesError } from '../../src/core/errors.js';
import { checkGitVersion, discoverRepo, isGitVersionSupported, parseGitVersion, resolveBase } from '../../src/git/repo.js';
import { gitIn, makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';

const refusal = async (promise: Promise<unknown>): Promise<LanesError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LanesError);
  return error as LanesError;
};

let temp: TempRepo | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await temp?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  temp = undefined;
  scratch = undefined;
});

const makeScratch = async (): Promise<string> => {
  scratch = await realpath(await mkdtemp(join(tmpdir(), 'lanes-scratch-')));
  return scratch;
};

describe('discoverRepo', () => {
  it('finds the repository from its root and from a subfolder', async () => {
    temp = await makeTempRepo({ files: { 'src/deep/a.txt': 'a\n' } });
    const expected = { commonDir: join(temp.dir, '.git'), mainWorktree: temp.dir, name: 'repo', parent: dirname(temp.dir) };
    expect(await discoverRepo(temp.dir)).toEqual(expected);
    expect(await discoverRepo(join(temp.dir, 'src', 'deep'))).toEqual(expected);
  });

  it('resolves a linked worktree to the main repository', async () => {
    temp = await makeTempRepo();
    const linked = join(dirname(temp.dir), 'linked');
    await temp.git('worktree', 'add', '-q', '-b', 'other', '--', linked, 'HEAD');
    const repo = await discoverRepo(join(linked));
    expect(repo.mainWorktree).toBe(temp.dir);
    expect(repo.commonDir).toBe(join(temp.dir, '.git'));
  });

  it('handles a path with spaces, unicode and shell syntax', async () => {
    temp = await makeTempRepo({ pathSuffix: " spa ce ünï 'q' $(touch pwned)" });
    const repo = await discoverRepo(temp.dir);
    expect(repo.name).toBe(basename(temp.dir));
    expect(repo.mainWorktree).toBe(temp.dir);
  });

  it('refuses a folder that is not in a repository, and one that does not exist', async () => {
    const dir = await makeScratch();
    expect((await refusal(discoverRepo(dir))).message).toBe(`not a git repository: ${dir}`);
    const missing = join(dir, 'missing');
    expect((await refusal(discoverRepo(missing))).message).toMatch(/^not a git repository: .*missing \(no such folder\)$/);
  });

  it('refuses a bare repository, also from a worktree of one', async () => {
    const dir = await makeScratch();
    const bare = join(dir, 'bare.git');
    await gitIn(dir, ['init', '-q', '--bare', bare]);
    const error = await refusal(discoverRepo(bare));
    expect(error.line).toMatch(/bare repository: lanes needs a repository with a working tree$/);
    expect(error.exitCode).toBe(1);

    const seed = await makeTempRepo();
    temp = seed;
    await seed.git('push', '-q', bare, 'main');
    const linked = join(dir, 'from-bare');
    await gitIn(bare, ['worktree', 'add', '-q', '--', linked, 'main']);
    expect((await refusal(discoverRepo(linked))).line).toMatch(/lanes needs a repository with a working tree/);
  });

  it('refuses a repository without commits', async () => {
    temp = await makeTempRepo({ commit: false });
    const error = await refusal(discoverRepo(temp.dir));
    expect(error.line).toMatch(/has no commits: make an initial commit first$/);
  });
});

describe('git version', () => {
  it('parses the usual spellings', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toEqual([2, 39, 5]);
    expect(parseGitVersion('git version 2.39.3 (Apple Git-145)')).toEqual([2, 39, 3]);
    expect(parseGitVersion('git version 2.45.1.windows.1')).toEqual([2, 45, 1]);
    expect(parseGitVersion('git version 3.0')).toEqual([3, 0, 0]);
    expect(parseGitVersion('hello')).toBeUndefined();
  });

  it('needs 2.38 or newer', () => {
    expect(isGitVersionSupported([2, 37, 9])).toBe(false);
    expect(isGitVersionSupported([1, 99, 0])).toBe(false);
    expect(isGitVersionSupported([2, 38, 0])).toBe(true);
    expect(isGitVersionSupported([3, 0, 0])).toBe(true);
  });

  it('reports the installed version', async () => {
    expect(await checkGitVersion()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses when git is not on PATH', async () => {
    const saved = process.env.PATH;
    process.env.PATH = await makeScratch();
    try {
      expect((await refusal(checkGitVersion())).message).toBe('git was not found');
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('resolveBase', () => {
  it('defaults to the branch of the main checkout, also when called for a linked worktree', async () => {
    temp = await makeTempRepo({ branch: 'trunk' });
    const tip = (await temp.git('rev-parse', 'HEAD')).trim();
    const linked = join(dirname(temp.dir), 'linked');
    await temp.git('worktree', 'add', '-q', '-b', 'other', '--', linked, 'HEAD');
    expect(await resolveBase(await discoverRepo(linked))).toEqual({ branch: 'trunk', tip });
  });

  it('accepts a short or full branch name', async () => {
    temp = await makeTempRepo();
    await temp.git('branch', 'dev');
    await temp.git('commit', '-q', '--allow-empty', '-m', 'on main');
    const devTip = (await temp.git('rev-parse', 'dev')).trim();
    const repo = await discoverRepo(temp.dir);
    expect(await resolveBase(repo, 'dev')).toEqual({ branch: 'dev', tip: devTip });
    expect(await resolveBase(repo, 'refs/heads/dev')).toEqual({ branch: 'dev', tip: devTip });
  });

  it('refuses a missing branch, naming it', async () => {
    temp = await makeTempRepo();
    const error = await refusal(resolveBase(await discoverRepo(temp.dir), 'nope'));
    expect(error.message).toBe("base branch 'nope' does not exist");
    expect(error.exitCode).toBe(1);
  });

  it('refuses names that look like options or are not branch names', async () => {
    temp = await makeTempRepo();
    const repo = await discoverRepo(temp.dir);
    expect((await refusal(resolveBase(repo, '--all'))).exitCode).toBe(2);
    expect((await refusal(resolveBase(repo, 'a..b'))).exitCode).toBe(2);
    expect((await refusal(resolveBase(repo, 'refs/heads/'))).exitCode).toBe(2);
  });

  it('refuses a detached main checkout without a base, and works with one', async () => {
    temp = await makeTempRepo();
    await temp.git('checkout', '-q', '--detach');
    const repo = await discoverRepo(temp.dir);
    const error = await refusal(resolveBase(repo));
    expect(error.line).toBe('the main checkout is on a detached HEAD: pass --base BRANCH');
    expect((await resolveBase(repo, 'main')).branch).toBe('main');
  });

  it('explains an unborn branch in the main checkout', async () => {
    temp = await makeTempRepo();
    await temp.git('checkout', '-q', '--orphan', 'fresh');
    const error = await refusal(resolveBase(await discoverRepo(temp.dir)));
    expect(error.message).toBe("the main checkout's branch 'fresh' has no commits yet");
  });
});

describe('discoverRepo from inside .git', () => {
  it('still finds the main worktree', async () => {
    temp = await makeTempRepo();
    await mkdir(join(temp.dir, '.git', 'lanes'), { recursive: true });
    expect((await discoverRepo(join(temp.dir, '.git', 'lanes'))).mainWorktree).toBe(temp.dir);
  });
});
