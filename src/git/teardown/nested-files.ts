import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { isPrecious, regenerableExcludePathspecs } from '../../core/precious.js';
import { GitError, splitZ, type GitOptions } from '../exec.js';
import { nestedGit, withFolderAsWorkTree, type NestedRepo } from './nested.js';
import { copyIndexFile } from './index-copy.js';

/** A nested repository as a snapshot holds it (what the archive needs to bring it back). */
export interface NestedSnapshot {
  path: string;
  gitFile: boolean;
  head: string | undefined;
  headRef: string | undefined;
  /** Tree (in the lane repository) of every file of its folder, repositories inside it included. */
  tree: string;
  /** A commit of its staged state, written in its own object database; undefined when nothing was staged. */
  indexCommit: string | undefined;
  /** Its `remote.*` and `branch.*` settings, to set again on restore. */
  remotes: Array<[string, string]>;
  refsDigest: string;
  /** Why its history is not archived (the teardown is refused then); its files still are. */
  problem: string | undefined;
}

/** `lanes` identity and a fixed date: the same staged state gives the same commit every time. */
const INDEX_COMMIT_ENV = {
  GIT_AUTHOR_NAME: 'lanes',
  GIT_AUTHOR_EMAIL: 'lanes@localhost',
  GIT_COMMITTER_NAME: 'lanes',
  GIT_COMMITTER_EMAIL: 'lanes@localhost',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_DATE: '@0 +0000',
};

/** The literal pathspecs that keep `paths` (relative) out of an `add` or a listing. */
export const excludeSpecs = (paths: readonly string[]): string[] => paths.map((path) => `:(exclude,literal)${path}`);

/** A git call with the index and work tree of one snapshot fixed. */
export type IndexRun = (args: string[], extra?: Partial<GitOptions>) => Promise<string>;

/**
 * The exclude pathspecs that keep `paths` out of a `git add -A`. Only for paths git does not
 * ignore: `add` fails on a pathspec naming an ignored path, and does not go into those anyway.
 */
export const addExcludes = async (run: IndexRun, paths: readonly string[]): Promise<string[]> => {
  if (paths.length === 0) return [];
  // Exit 1: none of them is ignored.
  const listed = await run(['check-ignore', '-z', '--stdin'], { readOnly: true, input: `${paths.join('\0')}\0` }).catch(
    (error: unknown) => {
      if (error instanceof GitError && error.code === 1) return '';
      throw error;
    },
  );
  const ignored = new Set(splitZ(listed));
  return excludeSpecs(paths.filter((path) => !ignored.has(path)));
};

/**
 * Put `children` (path relative to the work tree → tree) into the index `run` works on, in place of
 * whatever it had there (a gitlink, files the outer repository tracks).
 */
export const graftTrees = async (run: IndexRun, children: ReadonlyArray<[string, string]>): Promise<void> => {
  for (const [path, tree] of children) {
    const listed = splitZ(await run(['ls-files', '-z', '--', path], { env: { GIT_LITERAL_PATHSPECS: '1' } }));
    if (listed.length > 0) await run(['update-index', '-z', '--force-remove', '--stdin'], { input: `${listed.join('\0')}\0` });
    await run(['read-tree', `--prefix=${path}/`, tree]);
  }
};

/**
 * The tree of every file in the nested repository's folder `dir` — tracked, changed, untracked and
 * ignored files that look like work — written into the lane repository (`commonDir`) with an empty
 * index, so nothing of the nested repository is touched; `children` (repositories inside it) are
 * left out and their own trees put in their place.
 */
const folderTree = (commonDir: string, dir: string, children: ReadonlyArray<[string, string]>): Promise<string> =>
  withFolderAsWorkTree(commonDir, dir, async (run) => {
    const excluded = excludeSpecs(children.map(([path]) => path));
    await run(['add', '-A', '--', '.', ...(await addExcludes(run, children.map(([path]) => path)))]);
    const ignored = splitZ(await run(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', '.', ...regenerableExcludePathspecs(), ...excluded], { readOnly: true }));
    const precious = ignored.filter((path) => isPrecious(path) && !path.endsWith('/'));
    if (precious.length > 0) {
      await run(['add', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'], { env: { GIT_LITERAL_PATHSPECS: '1' }, input: `${precious.join('\0')}\0` });
    }
    await graftTrees(run, children);
    return (await run(['write-tree'])).trim();
  });

/** A commit of the nested repository's staged state when it differs from its HEAD (made in a copy of its index). */
const stagedCommit = async (dir: string, head: string | undefined): Promise<string | undefined> => {
  const indexPath = await nestedGit(['rev-parse', '--path-format=absolute', '--git-path', 'index'], { cwd: dir, readOnly: true });
  if (indexPath.code !== 0) return undefined;
  const temp = await mkdtemp(join(tmpdir(), 'lanes-nested-index-'));
  try {
    const env = { GIT_INDEX_FILE: join(temp, 'index') };
    if (!(await copyIndexFile(indexPath.stdout.trim(), env.GIT_INDEX_FILE))) return undefined;
    // An index with conflicts has no tree: its content is in the files' tree.
    const written = await nestedGit(['write-tree'], { cwd: dir, env });
    if (written.code !== 0) return undefined;
    const tree = written.stdout.trim();
    const headTree = head === undefined ? undefined : (await nestedGit(['rev-parse', `${head}^{tree}`], { cwd: dir, readOnly: true })).stdout.trim();
    if (tree === headTree) return undefined;
    const made = await nestedGit(['commit-tree', tree, ...(head === undefined ? [] : ['-p', head])], { cwd: dir, env: INDEX_COMMIT_ENV, input: 'lanes: staged state\n' });
    return made.code === 0 ? made.stdout.trim() : undefined;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
};

const remotesOf = async (dir: string): Promise<Array<[string, string]>> => {
  const result = await nestedGit(['config', '--local', '-z', '--get-regexp', '^(remote|branch)\\.'], { cwd: dir, readOnly: true });
  if (result.code !== 0) return [];
  return splitZ(result.stdout).map((record): [string, string] => {
    const newline = record.indexOf('\n');
    return newline < 0 ? [record, ''] : [record.slice(0, newline), record.slice(newline + 1)];
  });
};

const isInside = (path: string, dir: string): boolean => dir === '' || path.startsWith(`${dir}/`);

/** The repositories among `paths` directly inside `parent` ('' for the worktree): none between. */
const childrenOf = (parent: string, paths: readonly string[]): string[] =>
  paths.filter(
    (path) => path !== parent && isInside(path, parent) && !paths.some((other) => other !== path && other !== parent && isInside(other, parent) && isInside(path, other)),
  );

/**
 * Snapshot the nested repositories of `worktree` that need archiving: the tree of each one's files,
 * innermost first (a repository inside another is put into its parent's tree), its HEAD, staged
 * state and remotes. Returns them with the trees to put into the worktree's own tree
 * (top-level ones, path → tree).
 */
export const snapshotNested = async (
  worktree: string,
  commonDir: string,
  repos: readonly NestedRepo[],
): Promise<{ nested: NestedSnapshot[]; grafts: Array<[string, string]> }> => {
  const archived = repos.filter((repo) => repo.needsArchive);
  const paths = archived.map((repo) => repo.path);
  const trees = new Map<string, string>();
  const nested: NestedSnapshot[] = [];
  // Deepest first, so that each parent finds its children's trees.
  for (const repo of [...archived].sort((a, b) => b.path.split('/').length - a.path.split('/').length)) {
    const dir = join(worktree, repo.path);
    const children = childrenOf(repo.path, paths).map((child): [string, string] => [posix.relative(repo.path, child), trees.get(child) ?? '']);
    const tree = await folderTree(commonDir, dir, children);
    trees.set(repo.path, tree);
    const readable = repo.problem === undefined;
    nested.push({
      path: repo.path,
      gitFile: repo.gitFile,
      head: repo.head,
      headRef: repo.headRef,
      tree,
      indexCommit: readable ? await stagedCommit(dir, repo.head) : undefined,
      remotes: readable ? await remotesOf(dir) : [],
      refsDigest: repo.refsDigest,
      problem: repo.problem,
    });
  }
  nested.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { nested, grafts: childrenOf('', paths).map((path) => [path, trees.get(path) ?? '']) };
};
