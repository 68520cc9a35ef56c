import { createHash } from 'node:crypto';
import { lstat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPrecious, regenerableExcludePathspecs } from '../../core/precious.js';
import { git, runGit, splitZ, type GitOptions, type GitResult } from '../exec.js';
import { samePath } from './locate.js';

/**
 * Repositories inside a lane's worktree (an agent's `git init`, `git clone`, a scaffolder, a
 * submodule): the lane's git only sees them as a pointer (a gitlink) or, before their first commit,
 * cannot add them at all, and `git worktree remove` deletes their `.git` with every commit in it.
 */
export interface NestedRepo {
  /** Where it is, relative to the lane's worktree, `/`-separated. */
  path: string;
  /** Its `.git` is a file (a submodule, or a worktree of another repository), not a folder. */
  gitFile: boolean;
  /** The commit the repository around it records for it (a submodule), if any. */
  gitlink: string | undefined;
  /** Its HEAD commit; undefined before its first commit. */
  head: string | undefined;
  /** The branch its HEAD is on (`refs/heads/…`), undefined when detached. */
  headRef: string | undefined;
  /** Commits only it has: all of them, or for a submodule those on none of its remote-tracking refs. */
  commits: number;
  /** Size of its git objects (loose and packed). */
  sizeBytes: number;
  /** A digest of its refs and HEAD: changes when any commit or branch does. */
  refsDigest: string;
  /** It holds work a teardown would delete (always, but for a clean submodule at its recorded commit). */
  needsArchive: boolean;
  /** Why lanes cannot archive it, when it needs archiving. */
  problem: string | undefined;
}

/**
 * The git objects lanes copies out of nested repositories into the lane's repository, in all, at
 * most: a nested clone of a big project would otherwise double the repository's size with every
 * teardown of it. Above it, a teardown is refused, even with `--force`, naming the folders.
 */
export const NESTED_OBJECTS_LIMIT_BYTES = 1024 ** 3;

/**
 * Every git call inside a nested repository: its hooks and its fsmonitor (a command from its own
 * config) never run; lanes only reads it.
 */
export const NESTED_SAFETY = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false'];

export const nestedGit = (args: string[], options: GitOptions): Promise<GitResult> => runGit([...NESTED_SAFETY, ...args], options);

const firstLine = (result: GitResult): string => result.stderr.trim().split('\n')[0] || `git exited ${result.code}`;

/**
 * Settings of the lane's repository that describe its own worktree, not a folder seen as one:
 * its fsmonitor and untracked cache would answer for the wrong folder, its sparse patterns would
 * refuse paths. The embedded-repository advice is noise here.
 */
const FOLDER_CONFIG: ReadonlyArray<[string, string]> = [
  ['core.fsmonitor', 'false'],
  ['core.untrackedCache', 'false'],
  ['core.sparseCheckout', 'false'],
  ['advice.addEmbeddedRepo', 'false'],
];

/** `-c` settings as environment (`GIT_CONFIG_COUNT`, git 2.31+), so that error messages name the command. */
const configEnv = (settings: ReadonlyArray<[string, string]>): Record<string, string> => {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(settings.length) };
  settings.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return env;
};

/**
 * Run `fn` with a git environment whose index is an empty temporary file and whose work tree is
 * `dir`, over the lane repository's object database (`commonDir`): every file of `dir` is then
 * untracked, so git lists (and adds) the folder as plain files, skipping `.git` entries.
 */
export const withFolderAsWorkTree = async <T>(commonDir: string, dir: string, fn: (run: (args: string[], extra?: Partial<GitOptions>) => Promise<string>) => Promise<T>): Promise<T> => {
  const temp = await mkdtemp(join(tmpdir(), 'lanes-nested-'));
  try {
    const env = { ...configEnv(FOLDER_CONFIG), GIT_DIR: commonDir, GIT_WORK_TREE: dir, GIT_INDEX_FILE: join(temp, 'index') };
    return await fn((args, extra = {}) => git(args, { cwd: dir, ...extra, env: { ...env, ...extra.env } }));
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
};

/** The repositories directly inside `dir` (git lists a folder with its own repository as `path/`). */
const listChildren = (commonDir: string, dir: string): Promise<string[]> =>
  withFolderAsWorkTree(commonDir, dir, async (run) => {
    const others = ['ls-files', '-z', '--others', '--exclude-standard'];
    const untracked = splitZ(await run(others, { readOnly: true }));
    // Ignored ones count when today's archive would keep an ignored file there (core/precious.ts).
    const ignored = splitZ(await run([...others, '--ignored', '--', '.', ...regenerableExcludePathspecs()], { readOnly: true })).filter(isPrecious);
    return [...new Set([...untracked, ...ignored].filter((path) => path.endsWith('/')).map((path) => path.slice(0, -1)))];
  });

const hasOwnCommits = async (dir: string, onlyLocal: boolean): Promise<GitResult> =>
  nestedGit(['rev-list', '--count', '--all', ...(onlyLocal ? ['--not', '--remotes'] : [])], { cwd: dir, readOnly: true });

/** Loose + packed object sizes from `git count-objects -v` (KiB). */
const objectBytes = (output: string): number => {
  let kib = 0;
  for (const line of output.split('\n')) {
    const match = /^(size|size-pack|size-garbage): (\d+)$/.exec(line);
    if (match) kib += Number(match[2]);
  }
  return kib * 1024;
};

/** True when a clean submodule still holds something: changes, precious ignored files. */
const submoduleHasWork = async (dir: string): Promise<boolean> => {
  const status = await nestedGit(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=none'], { cwd: dir, readOnly: true });
  if (status.code !== 0 || status.stdout !== '') return true;
  const ignored = await nestedGit(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', '.', ...regenerableExcludePathspecs()], { cwd: dir, readOnly: true });
  return ignored.code !== 0 || splitZ(ignored.stdout).some((path) => isPrecious(path) && !path.endsWith('/'));
};

interface Found {
  path: string;
  gitlink: string | undefined;
  hasChildren: boolean;
}

/** Gitlinks recorded at `paths` in the index of the repository at `dir`. */
const gitlinksAt = async (dir: string, paths: readonly string[], nested: boolean): Promise<Map<string, string>> => {
  const links = new Map<string, string>();
  if (paths.length === 0) return links;
  const args = ['ls-files', '-z', '--stage', '--', ...paths];
  const options = { cwd: dir, readOnly: true, env: { GIT_LITERAL_PATHSPECS: '1' } };
  const result = nested ? await nestedGit(args, options) : await runGit(args, options);
  if (result.code !== 0) return links;
  for (const record of splitZ(result.stdout)) {
    const tab = record.indexOf('\t');
    const [mode, sha] = record.slice(0, tab).split(' ');
    if (mode === '160000' && sha) links.set(record.slice(tab + 1), sha);
  }
  return links;
};

const inspect = async (worktree: string, commonDir: string, objectFormat: string, found: Found, gitFile: boolean): Promise<NestedRepo> => {
  const dir = join(worktree, found.path);
  const base = { path: found.path, gitFile, gitlink: found.gitlink, head: undefined, headRef: undefined, commits: 0, sizeBytes: 0, refsDigest: '' };
  const broken = (why: string): NestedRepo => ({ ...base, needsArchive: true, problem: why });
  const read = { cwd: dir, readOnly: true };
  const about = await nestedGit(['rev-parse', '--path-format=absolute', '--show-toplevel', '--git-common-dir', '--is-shallow-repository', '--show-object-format'], read);
  if (about.code !== 0) return broken(`cannot be read: ${firstLine(about)}`);
  const [top = '', common = '', shallow, format] = about.stdout.split('\n');
  if (!(await samePath(top, dir))) return broken('cannot be read: git does not see it as a repository of its own');
  if (await samePath(common, commonDir)) return broken('is a worktree of this repository: remove it with git worktree remove first');
  if (shallow === 'true') return broken('is a shallow clone, its history is incomplete: run git fetch --unshallow in it, or remove it');
  if (format !== objectFormat) return broken(`uses ${format} object names, the lane's repository ${objectFormat}`);
  const partial = await nestedGit(['config', '--get', 'extensions.partialClone'], read);
  if (partial.code === 0 && partial.stdout.trim() !== '') return broken('is a partial clone, some of its objects are elsewhere: remove it, or fetch them first');

  const symbolic = await nestedGit(['symbolic-ref', '-q', 'HEAD'], read);
  const headRef = symbolic.code === 0 ? symbolic.stdout.trim() : undefined;
  const headResult = await nestedGit(['rev-parse', '--verify', '-q', 'HEAD^{commit}'], read);
  const head = headResult.code === 0 ? headResult.stdout.trim() : undefined;
  if (head === undefined && headRef === undefined) return broken('cannot be read: its HEAD names no commit and no branch');
  const refs = await nestedGit(['for-each-ref', '--format=%(objectname) %(refname)'], read);
  if (refs.code !== 0) return broken(`cannot be read: ${firstLine(refs)}`);
  const counted = await hasOwnCommits(dir, found.gitlink !== undefined);
  if (counted.code !== 0) return broken(`cannot be read: ${firstLine(counted)}`);
  const size = await nestedGit(['count-objects', '-v'], read);
  if (size.code !== 0) return broken(`cannot be read: ${firstLine(size)}`);
  const commits = Number(counted.stdout.trim()) || 0;
  const refsDigest = createHash('sha256').update(`${headRef ?? ''}\n${head ?? ''}\n${refs.stdout}`).digest('hex');
  const repo = { ...base, head, headRef, commits, sizeBytes: objectBytes(size.stdout), refsDigest };
  const needsArchive =
    found.gitlink === undefined || found.hasChildren || head !== found.gitlink || commits > 0 || (await submoduleHasWork(dir));
  return { ...repo, needsArchive, problem: undefined };
};

const size = (bytes: number): string =>
  bytes >= 1024 ** 3 ? `${Number((bytes / 1024 ** 3).toFixed(1))} GiB` : bytes >= 1024 ** 2 ? `${Number((bytes / 1024 ** 2).toFixed(1))} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

export interface ScanOptions {
  /** Limit on the nested objects copied (default {@link NESTED_OBJECTS_LIMIT_BYTES}). */
  limitBytes?: number;
}

/**
 * Every repository inside `worktree`, at any depth (inside each other too), not ignored or ignored
 * but not in a regenerable folder (core/precious.ts): a folder git lists as a repository of its own,
 * found over the lane repository's objects (`commonDir`) with an empty index so that tracked
 * folders are looked into as well. Each is read (never its hooks or fsmonitor) and judged: a
 * submodule that is clean, at its recorded commit and has no commit of its own is left out of the
 * archive (its commit is on its remote); any other needs archiving, and gets a `problem` when it
 * cannot be: unreadable, shallow, partial, another object format, or over the size limit.
 */
export const scanNested = async (worktree: string, commonDir: string, options: ScanOptions = {}): Promise<NestedRepo[]> => {
  const objectFormat = (await git(['rev-parse', '--show-object-format'], { cwd: commonDir, readOnly: true })).trim();
  const found: Array<{ path: string; topLevel: boolean; hasChildren: boolean }> = [];
  const queue: Array<{ path: string; topLevel: boolean }> = (await listChildren(commonDir, worktree)).map((path) => ({ path, topLevel: true }));
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const children = (await listChildren(commonDir, join(worktree, next.path))).map((child) => ({ path: `${next.path}/${child}`, topLevel: false }));
    found.push({ ...next, hasChildren: children.length > 0 });
    queue.push(...children);
  }
  const links = await gitlinksAt(worktree, found.filter((repo) => repo.topLevel).map((repo) => repo.path), false);
  const repos: NestedRepo[] = [];
  for (const repo of found) {
    const gitFile = (await lstat(join(worktree, repo.path, '.git')).catch(() => undefined))?.isFile() === true;
    repos.push(await inspect(worktree, commonDir, objectFormat, { path: repo.path, gitlink: links.get(repo.path), hasChildren: repo.hasChildren }, gitFile));
  }
  const limit = options.limitBytes ?? NESTED_OBJECTS_LIMIT_BYTES;
  const archived = repos.filter((repo) => repo.needsArchive && repo.problem === undefined);
  const total = archived.reduce((sum, repo) => sum + repo.sizeBytes, 0);
  if (total > limit) {
    for (const repo of archived) repo.problem = `has ${size(repo.sizeBytes)} of git objects (lanes archives at most ${size(limit)} of nested repositories' objects per lane)`;
  }
  return repos.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

/** The one-line refusal for nested repositories lanes cannot archive, or undefined. */
export const nestedRefusal = (laneName: string, repos: readonly NestedRepo[]): string | undefined => {
  const blocked = repos.filter((repo) => repo.needsArchive && repo.problem !== undefined);
  if (blocked.length === 0) return undefined;
  const list = blocked.map((repo) => `${repo.path} ${repo.problem ?? ''}`).join('; ');
  return `lane ${laneName} holds nested repositories lanes cannot archive, so it is not removed even with --force: ${list}; move them out of the worktree or delete them yourself, then run lanes rm again`;
};
