import { access, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LanesError } from '../core/errors.js';
import type { LaneRecord } from '../core/lane.js';
import { parseNumstatZ, type LaneDiff } from '../core/patch.js';
import { git, runGit, type GitOptions } from './exec.js';
import { unrelatedHistory } from './lane-info.js';

export type { DiffFile, LaneDiff } from '../core/patch.js';

/**
 * Options every diff of a lane is made with, whatever the user's configuration says: renames
 * found, no colour, no external diff tool, paths from the repository root with `a/` and `b/`
 * prefixes, and UTF-8 paths unquoted (other odd characters stay C-quoted; `core/patch.ts` undoes it).
 */
const DIFF_ARGS = ['-c', 'core.quotePath=false', 'diff', '--find-renames', '--no-color', '--no-ext-diff', '--no-relative', '--src-prefix=a/', '--dst-prefix=b/'];

/** The commit `a` is an ancestor of `b` (or the same). */
const isAncestor = async (a: string, b: string, options: GitOptions): Promise<boolean> =>
  (await runGit(['merge-base', '--is-ancestor', '--end-of-options', a, b], options)).code === 0;

/** `git merge-base a b`, or undefined when there is none (or `a` does not exist). */
const mergeBaseOf = async (a: string, b: string, options: GitOptions): Promise<string | undefined> => {
  const result = await runGit(['merge-base', '--end-of-options', a, b], options);
  const sha = result.stdout.trim();
  return result.code === 0 && sha !== '' ? sha : undefined;
};

/**
 * Where a lane's diff starts (three-dot semantics): the merge base of its real HEAD with its fork
 * point, or with the base branch when that is later — after the lane merged or rebased onto a
 * newer base, the base's commits it took in are not the lane's work. Never the base tip itself,
 * so what the base gained since the fork (another lane squash-merged) never shows as deleted.
 */
const diffStart = async (lane: LaneRecord, options: GitOptions): Promise<string> => {
  const [fromFork, fromBase] = await Promise.all([mergeBaseOf(lane.forkPoint, 'HEAD', options), mergeBaseOf(`refs/heads/${lane.base}`, 'HEAD', options)]);
  if (fromFork && fromBase) return fromFork !== fromBase && (await isAncestor(fromFork, fromBase, options)) ? fromBase : fromFork;
  const start = fromFork ?? fromBase;
  if (start === undefined) {
    throw unrelatedHistory(lane);
  }
  return start;
};

/**
 * A tree of everything in the worktree now — committed, staged, unstaged and untracked files,
 * ignored ones excepted — built in a temporary copy of the worktree's index
 * (git-and-process-safety §1.2), so the agent's own index is never read-modified-written and its
 * lock never taken.
 */
const worktreeTree = async (lane: LaneRecord, options: GitOptions): Promise<string> => {
  const indexPath = resolve(lane.worktree, (await git(['rev-parse', '--git-path', 'index'], options)).trim());
  const dir = await mkdtemp(join(tmpdir(), 'lanes-diff-'));
  const tempIndex = join(dir, 'index');
  const withIndex: GitOptions = { ...options, env: { ...options.env, GIT_INDEX_FILE: tempIndex } };
  try {
    try {
      await copyFile(indexPath, tempIndex);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // A worktree without an index (never the case after a checkout): start from HEAD.
      await git(['read-tree', 'HEAD'], withIndex);
    }
    await git(['add', '--all'], withIndex);
    return (await git(['write-tree'], withIndex)).trim();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/**
 * The lane's changes since its merge base (see `diffStart`): commits on its branch plus
 * everything staged, unstaged and untracked (not ignored) in its worktree, renames found.
 * `stat: true` reads only the per-file counts (`patch` is empty). Throws {@link LanesError} when
 * the worktree is gone and {@link GitError} when git fails.
 */
export const laneDiff = async (lane: LaneRecord, options: { stat?: boolean } = {}): Promise<LaneDiff> => {
  const exists = await access(lane.worktree).then(
    () => true,
    () => false,
  );
  if (!exists) throw new LanesError(`lane ${lane.name}: its worktree is missing (${lane.worktree})`);
  // Background reads: never take a lock an agent's own git command may need.
  const gitOptions: GitOptions = { cwd: lane.worktree, readOnly: true };
  // The tree first: it also finds out whether the folder is a git worktree at all.
  const tree = await worktreeTree(lane, gitOptions);
  const mergeBase = await diffStart(lane, gitOptions);
  const [numstat, patch] = await Promise.all([
    git([...DIFF_ARGS, '--numstat', '-z', mergeBase, tree, '--'], gitOptions),
    options.stat ? Promise.resolve('') : git([...DIFF_ARGS, mergeBase, tree, '--'], gitOptions),
  ]);
  return { mergeBase, files: parseNumstatZ(numstat), patch };
};
