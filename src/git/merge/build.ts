import type { LaneRecord } from '../../core/lane.js';
import { LanesError } from '../../core/errors.js';
import { git, GitError, runGit, splitZ } from '../exec.js';
import { unrelatedHistory } from '../lane-info.js';
import { changedBetween } from '../touched.js';
import type { CommitSummary } from './types.js';

/** True when `ancestor` is an ancestor of (or equal to) `commit`. Throws on a git error. */
export const isAncestor = async (cwd: string, ancestor: string, commit: string): Promise<boolean> => {
  const args = ['merge-base', '--is-ancestor', ancestor, commit];
  const result = await runGit(args, { cwd, readOnly: true });
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw new GitError(args, result);
};

/** The commit a full ref points at, or undefined when the ref does not exist. */
export const refTip = async (cwd: string, ref: string): Promise<string | undefined> => {
  const result = await runGit(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd, readOnly: true });
  return result.code === 0 ? result.stdout.trim() : undefined;
};

export const treeOf = async (cwd: string, commit: string): Promise<string> =>
  (await git(['rev-parse', '--verify', `${commit}^{tree}`], { cwd, readOnly: true })).trim();

/**
 * Fixed identity and dates for the helper commit below: it is never referenced by a ref, and being
 * deterministic it is the same object every time it is made.
 */
const HELPER_COMMIT_ENV = {
  GIT_AUTHOR_NAME: 'lanes',
  GIT_AUTHOR_EMAIL: 'lanes@localhost',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_NAME: 'lanes',
  GIT_COMMITTER_EMAIL: 'lanes@localhost',
  GIT_COMMITTER_DATE: '@0 +0000',
};

/** The two sides of the three-way merge of a lane into its base. */
export interface MergeSides {
  /** What the lane's changes are measured from (the merge base, or the tip merged last time). */
  since: string;
  /** The commit merged with the branch: the base tip, or a helper commit (see {@link mergeSides}). */
  ours: string;
}

/**
 * The sides of the merge. Normally: the base tip, measured from the merge base. After a squash merge
 * that the base still contains (the lane's `merged.result` is in the base, its `merged.tip` in the
 * branch but not in the base's history), git would measure from the old fork point and re-apply, or
 * conflict with, the squashed work. git 2.39 has no `merge-tree --merge-base`, so the merge is taken
 * against a helper commit with the base's tree and parents base tip and merged tip: its merge base
 * with the branch is the merged tip, and only the work after it is merged (git-and-process-safety
 * §1.3, case 6). The helper commit is an unreferenced object; no ref ever points at it.
 */
export const mergeSides = async (cwd: string, lane: LaneRecord, baseTip: string, branchTip: string): Promise<MergeSides> => {
  const merged = lane.merged;
  if (
    merged &&
    (await refTip(cwd, merged.tip)) !== undefined &&
    (await refTip(cwd, merged.result)) !== undefined &&
    (await isAncestor(cwd, merged.tip, branchTip)) &&
    !(await isAncestor(cwd, merged.tip, baseTip)) &&
    (await isAncestor(cwd, merged.result, baseTip))
  ) {
    const tree = await treeOf(cwd, baseTip);
    const helper = await git(['commit-tree', tree, '-p', baseTip, '-p', merged.tip, '-m', 'lanes: base after squash merge'], {
      cwd,
      env: HELPER_COMMIT_ENV,
    });
    return { since: merged.tip, ours: helper.trim() };
  }
  const mergeBase = await runGit(['merge-base', baseTip, branchTip], { cwd, readOnly: true });
  if (mergeBase.code !== 0) throw unrelatedHistory(lane);
  return { since: mergeBase.stdout.trim().split('\n')[0] as string, ours: baseTip };
};

export type TreeMerge = { clean: true; tree: string } | { clean: false; conflicts: string[] };

/**
 * `git merge-tree --write-tree` of two commits: reads and writes no worktree and no index (objects
 * only). Exit 0 = clean (stdout starts with the tree), 1 = conflicts (the tree, then the conflicted
 * paths), anything else an error — an empty list alone never means clean (git-merge-tree(1)).
 */
export const mergeTree = async (cwd: string, ours: string, theirs: string): Promise<TreeMerge> => {
  const args = ['merge-tree', '--write-tree', '--name-only', '-z', '--no-messages', ours, theirs];
  const result = await runGit(args, { cwd, readOnly: true });
  const records = splitZ(result.stdout);
  if (result.code === 0 && records[0]) return { clean: true, tree: records[0] };
  if (result.code === 1) {
    const conflicts: string[] = [];
    for (const path of records.slice(1)) {
      if (path === '') break;
      if (!conflicts.includes(path)) conflicts.push(path);
    }
    return { clean: false, conflicts };
  }
  throw new GitError(args, result);
};

/** Lane commits `branchTip` has and `exclude` do not, oldest first. */
export const commitsBetween = async (cwd: string, branchTip: string, exclude: readonly string[]): Promise<CommitSummary[]> => {
  const output = await git(['log', '-z', '--reverse', '--format=%H%x1f%s', branchTip, ...exclude.map((sha) => `^${sha}`), '--'], {
    cwd,
    readOnly: true,
  });
  return splitZ(output).map((record) => {
    const [sha = '', subject = ''] = record.split('\x1f');
    return { sha: sha.trim(), subject };
  });
};

/** The commit message of the merge: a merge commit's title, or a squash listing the lane's commits. */
export const mergeMessage = (lane: LaneRecord, commits: readonly CommitSummary[], squash: boolean): string => {
  if (!squash) return `Merge lane ${lane.name} (${lane.branch})\n`;
  const lines = commits.map((commit) => `* ${commit.subject}`);
  return `Squash lane ${lane.name} (${lane.branch})\n\n${lines.join('\n')}\n`;
};

/**
 * Make the result commit off-tree (`commit-tree`): a merge commit with parents base tip and branch
 * tip, or with `squash` one commit on the base tip. Then check the invariants of
 * git-and-process-safety §6.6: the base tip is an ancestor of the result, the result has the merged
 * tree, and nothing outside the lane's own changes differs between the base tip and the result.
 */
export const commitResult = async (
  cwd: string,
  input: { tree: string; baseTip: string; branchTip: string; since: string; squash: boolean; message: string },
): Promise<string> => {
  const parents = input.squash ? ['-p', input.baseTip] : ['-p', input.baseTip, '-p', input.branchTip];
  const made = await runGit(['commit-tree', input.tree, ...parents, '-F', '-'], { cwd, input: input.message });
  if (made.code !== 0) {
    const line = made.stderr.trim().split('\n').find((text) => text.startsWith('fatal:')) ?? made.stderr.trim().split('\n')[0];
    throw new LanesError(`could not make the merge commit: ${line ?? `git commit-tree exit ${made.code}`}`);
  }
  const result = made.stdout.trim();
  if (!(await isAncestor(cwd, input.baseTip, result))) throw new LanesError('merge check failed: the base tip is not an ancestor of the result');
  if ((await treeOf(cwd, result)) !== input.tree) throw new LanesError('merge check failed: the result does not have the merged tree');
  const lanePaths = await changedBetween(cwd, input.since, input.branchTip);
  const outside = [...(await changedBetween(cwd, input.baseTip, result))].filter((path) => !lanePaths.has(path));
  if (outside.length > 0) throw new LanesError(`merge check failed: the result changes files the lane did not: ${outside.slice(0, 5).join(', ')}`);
  return result;
};
