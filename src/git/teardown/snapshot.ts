import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPrecious, regenerableExcludePathspecs } from '../../core/precious.js';
import { git, runGit, splitZ, type GitOptions } from '../exec.js';
import { copyIndexFile } from './index-copy.js';
import { addExcludes, excludeSpecs, graftTrees, snapshotNested, type NestedSnapshot } from './nested-files.js';
import { NESTED_SAFETY, scanNested, type ScanOptions } from './nested.js';

export { copyIndexFile } from './index-copy.js';

/**
 * The full state of one worktree as git objects, made without touching the agent's index: its
 * real HEAD, a tree of every file on disk (tracked changes, untracked files and the ignored files
 * that look like work), and the tree of its index (what was staged).
 */
export interface Snapshot {
  /** The worktree's real HEAD commit. */
  head: string;
  /** The branch HEAD is on (`refs/heads/…`), undefined when detached. */
  headRef: string | undefined;
  /** Tree of the worktree's files. */
  tree: string;
  /** Tree of the agent's index, when it differs from HEAD's tree (something staged). */
  indexTree: string | undefined;
  /** Paths added with `git add -N` (intent to add): no tree can hold them. */
  intentToAdd: string[];
  /** Ignored files included in `tree` because they look like work (`.env`, notes…). */
  includedIgnored: string[];
  /**
   * Repositories inside the worktree that need archiving (nested.ts): in `tree`, each one's folder
   * holds its files; its history is copied by the archive.
   */
  nested: NestedSnapshot[];
}

/**
 * Ignored files of `worktree` that look like work (core/precious.ts), relative to its root.
 * Regenerable folders are left out by pathspec, so a huge `node_modules` is never listed.
 */
export const listPreciousIgnored = async (worktree: string, exclude: readonly string[] = []): Promise<string[]> => {
  const output = await git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', '.', ...regenerableExcludePathspecs(), ...excludeSpecs(exclude)], {
    cwd: worktree,
    readOnly: true,
  });
  // A folder listed as `path/` is a repository of its own (nested.ts archives it).
  return splitZ(output).filter((path) => isPrecious(path) && !path.endsWith('/'));
};

const addedPaths = async (worktree: string, env: Record<string, string>, ita: 'visible' | 'invisible'): Promise<string[]> =>
  splitZ(
    await git(['diff-index', '--cached', '--name-only', '-z', '--diff-filter=A', `--ita-${ita}-in-index`, 'HEAD'], {
      cwd: worktree,
      env,
      readOnly: true,
    }),
  );

/**
 * Snapshot `worktree` (which must exist). The agent's index file is copied to a temporary file and
 * every `git add` runs against the copy (`GIT_INDEX_FILE`), so the agent's index is never modified
 * and never locked. Repositories inside it that need archiving are left out of the `git add` (an
 * unborn one makes it fail, any other would be added as a bare pointer) and their folders' trees
 * put in their place.
 */
export const snapshotWorktree = async (worktree: string, scan: ScanOptions = {}): Promise<Snapshot> => {
  const options = { cwd: worktree };
  const head = (await git(['rev-parse', '--verify', 'HEAD^{commit}'], { ...options, readOnly: true })).trim();
  const symbolic = await runGit(['symbolic-ref', '-q', 'HEAD'], { ...options, readOnly: true });
  const headRef = symbolic.code === 0 ? symbolic.stdout.trim() : undefined;
  const indexPath = (await git(['rev-parse', '--path-format=absolute', '--git-path', 'index'], { ...options, readOnly: true })).trim();
  const commonDir = (await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { ...options, readOnly: true })).trim();
  const { nested, grafts } = await snapshotNested(worktree, commonDir, await scanNested(worktree, commonDir, scan));
  const top = grafts.map(([path]) => path);

  const dir = await mkdtemp(join(tmpdir(), 'lanes-snapshot-'));
  const env = { GIT_INDEX_FILE: join(dir, 'index') };
  try {
    if (!(await copyIndexFile(indexPath, env.GIT_INDEX_FILE))) await git(['read-tree', head], { ...options, env });

    // What was staged, read before anything is added. An index with conflicts has no tree: its
    // content is still in the worktree tree below.
    const staged = await runGit(['write-tree'], { ...options, env });
    const headTree = (await git(['rev-parse', `${head}^{tree}`], { ...options, readOnly: true })).trim();
    const stagedTree = staged.code === 0 ? staged.stdout.trim() : undefined;
    const indexTree = stagedTree === headTree ? undefined : stagedTree;
    const invisible = new Set(await addedPaths(worktree, env, 'invisible'));
    const intentToAdd = (await addedPaths(worktree, env, 'visible')).filter((path) => !invisible.has(path));

    const run = (args: string[], extra: Partial<GitOptions> = {}): Promise<string> => git(args, { ...options, ...extra, env: { ...env, ...extra.env } });
    // `add` looks into submodules with `git status` in each: never their hooks or fsmonitor.
    await git([...NESTED_SAFETY, 'add', '-A', ...(top.length > 0 ? ['--', '.', ...(await addExcludes(run, top))] : [])], { ...options, env });
    const includedIgnored = await listPreciousIgnored(worktree, top);
    if (includedIgnored.length > 0) {
      await git([...NESTED_SAFETY, 'add', '-f', '--pathspec-from-file=-', '--pathspec-file-nul'], {
        ...options,
        env: { ...env, GIT_LITERAL_PATHSPECS: '1' },
        input: `${includedIgnored.join('\0')}\0`,
      });
    }
    await graftTrees(run, grafts);
    const tree = (await git(['write-tree'], { ...options, env })).trim();
    return { head, headRef, tree, indexTree, intentToAdd, includedIgnored, nested };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};
