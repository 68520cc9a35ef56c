import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { LanesError, usageError } from '../core/errors.js';
import { runGit } from './exec.js';
import { listWorktreesIn } from './worktrees.js';

/** The repository lanes runs on, resolved through the git common dir (SPEC §1). */
export interface Repo {
  /** Absolute path of the shared `.git` directory. */
  commonDir: string;
  /** Absolute path of the main worktree (never a linked worktree). */
  mainWorktree: string;
  /** Folder name of the main worktree. */
  name: string;
  /** The folder that contains the main worktree. */
  parent: string;
}

/** `merge-tree --write-tree` arrived in git 2.38; lanes predicts and computes merges with it. */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 38];

const notARepository = (dir: string, why?: string): LanesError =>
  new LanesError(`not a git repository: ${dir}${why ? ` (${why})` : ''}`, {
    hint: 'run lanes inside a git checkout or pass --repo DIR',
  });

const needsWorkingTree = (dir: string): LanesError =>
  new LanesError(`${dir} is a bare repository`, { hint: 'lanes needs a repository with a working tree' });

/**
 * True when the repository has a commit: the main checkout's HEAD is one, or a branch, tag or
 * remote-tracking ref exists. Never `rev-list --all`: that also reads every linked worktree's HEAD
 * and fails while one is unreadable, which it is for a moment during every `git worktree add` (and
 * for good when one was killed there), so it would call a repository with commits empty.
 */
const hasCommits = async (commonDir: string): Promise<boolean> => {
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: commonDir, readOnly: true });
  if (head.code === 0) return true;
  const refs = await runGit(['for-each-ref', '--count=1', '--format=%(objectname)', 'refs/heads', 'refs/tags', 'refs/remotes'], { cwd: commonDir, readOnly: true });
  return refs.code === 0 && refs.stdout.trim() !== '';
};

/**
 * Find the repository that contains `dir` (a checkout, a subfolder of one, or a linked worktree).
 * Lanes always hang off the MAIN worktree, so starting lanes inside a lane never nests lanes.
 */
export const discoverRepo = async (dir: string): Promise<Repo> => {
  const absolute = resolve(dir);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw notARepository(absolute, 'no such folder');
  if (!info.isDirectory()) throw notARepository(absolute, 'not a folder');

  const result = await runGit(['rev-parse', '--path-format=absolute', '--git-common-dir', '--is-bare-repository'], {
    cwd: absolute,
    readOnly: true,
  });
  if (result.code === 127) throw new LanesError(result.stderr);
  if (result.code !== 0) throw notARepository(absolute);
  const [commonDir, isBare] = result.stdout.split('\n');
  if (!commonDir) throw notARepository(absolute);
  if (isBare === 'true') throw needsWorkingTree(absolute);

  // The first entry of `worktree list` is always the main worktree, also from a linked one.
  const [main] = await listWorktreesIn(commonDir);
  if (!main || main.bare) throw needsWorkingTree(commonDir);

  if (!(await hasCommits(commonDir))) {
    throw new LanesError(`the repository at ${main.path} has no commits`, { hint: 'make an initial commit first' });
  }
  return { commonDir, mainWorktree: main.path, name: basename(main.path), parent: dirname(main.path) };
};

/** Parse `git --version` output (`git version 2.39.5`, `git version 2.39.3 (Apple Git-145)`). */
export const parseGitVersion = (output: string): [number, number, number] | undefined => {
  const match = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
};

export const isGitVersionSupported = (version: readonly [number, number, number]): boolean => {
  const [major, minor] = version;
  const [minMajor, minMinor] = MIN_GIT_VERSION;
  return major > minMajor || (major === minMajor && minor >= minMinor);
};

/** Returns the version (`2.39.5`); throws LanesError when git is missing or older than 2.38. */
export const checkGitVersion = async (): Promise<string> => {
  const result = await runGit(['--version'], { cwd: tmpdir(), readOnly: true });
  if (result.code === 127) {
    throw new LanesError('git was not found', { hint: 'install git 2.38 or newer and put it on PATH' });
  }
  const version = parseGitVersion(result.stdout);
  if (result.code !== 0 || !version) {
    throw new LanesError(`could not read the git version (${result.stdout.trim() || result.stderr.trim()})`);
  }
  const text = version.join('.');
  if (!isGitVersionSupported(version)) {
    throw new LanesError(`git ${text} is too old: lanes needs ${MIN_GIT_VERSION.join('.')} or newer`, {
      hint: 'merge predictions use git merge-tree --write-tree; install a newer git',
    });
  }
  return text;
};

const HEADS = 'refs/heads/';

/**
 * The base branch and its tip: `requested` (`main` or `refs/heads/main`), or else the branch checked
 * out in the main worktree. Refuses a detached main checkout without a request, a missing branch and
 * names that look like options.
 */
export const resolveBase = async (repo: Repo, requested?: string): Promise<{ branch: string; tip: string }> => {
  const options = { cwd: repo.mainWorktree, readOnly: true };
  let branch: string;
  if (requested !== undefined) {
    if (requested.startsWith('-')) throw usageError(`invalid base branch '${requested}'`, 'a branch name cannot start with -');
    branch = requested.startsWith(HEADS) ? requested.slice(HEADS.length) : requested;
    const format = await runGit(['check-ref-format', `${HEADS}${branch}`], options);
    if (branch === '' || format.code !== 0) throw usageError(`invalid base branch '${requested}'`);
  } else {
    const head = await runGit(['symbolic-ref', '-q', 'HEAD'], options);
    const ref = head.stdout.trim();
    if (head.code !== 0 || !ref.startsWith(HEADS)) {
      throw new LanesError('the main checkout is on a detached HEAD', { hint: 'pass --base BRANCH' });
    }
    branch = ref.slice(HEADS.length);
  }
  const tip = await runGit(['rev-parse', '--verify', '--quiet', `${HEADS}${branch}^{commit}`], options);
  if (tip.code !== 0) {
    if (requested === undefined) {
      throw new LanesError(`the main checkout's branch '${branch}' has no commits yet`, {
        hint: 'make an initial commit first, or pass --base BRANCH',
      });
    }
    throw new LanesError(`base branch '${branch}' does not exist`, { hint: 'pass --base with an existing branch' });
  }
  return { branch, tip: tip.stdout.trim() };
};

/** The short name of the branch checked out in the main worktree, or undefined when detached. */
export const mainBranch = async (repo: Repo): Promise<string | undefined> => {
  const head = await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.mainWorktree, readOnly: true });
  const ref = head.stdout.trim();
  return head.code === 0 && ref.startsWith(HEADS) ? ref.slice(HEADS.length) : undefined;
};

/** True when `refs/heads/<branch>` exists. */
export const branchExists = async (repo: Repo, branch: string): Promise<boolean> => {
  const result = await runGit(['show-ref', '--verify', '--quiet', `${HEADS}${branch}`], {
    cwd: repo.commonDir,
    readOnly: true,
  });
  return result.code === 0;
};
