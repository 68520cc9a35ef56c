import type { LaneRecord } from '../core/lane.js';
import { mergeTouched, parseNameStatusZ, parseStatusZ, type TouchedFile } from '../core/touched.js';
import { git, runGit, splitZ } from './exec.js';

/**
 * The merge base of two commits, or `fallback` when there is none (unrelated histories, a commit
 * that is gone). Read-only.
 */
export const mergeBase = async (cwd: string, a: string, b: string, fallback: string): Promise<string> => {
  const result = await runGit(['merge-base', a, b], { cwd, readOnly: true });
  return result.code === 0 && result.stdout.trim() !== '' ? result.stdout.trim() : fallback;
};

/**
 * A lane's touched set (SPEC §5): files changed on its branch since the fork point ∪ staged,
 * unstaged and untracked (not ignored) files in its worktree. "Since the fork point" is measured
 * from the merge base of the base branch and HEAD, so a lane that merged the base into itself
 * does not claim the base's changes as its own. Background reads only (`--no-optional-locks`):
 * the agent's own `git add` / `git commit` never meet our index lock. Throws {@link GitError} when
 * the worktree cannot be read (gone, not a worktree).
 */
export const readTouched = async (lane: LaneRecord): Promise<TouchedFile[]> => {
  const options = { cwd: lane.worktree, readOnly: true };
  const since = await mergeBase(lane.worktree, `refs/heads/${lane.base}`, 'HEAD', lane.forkPoint);
  const [diff, status] = await Promise.all([
    git(['diff', '--name-status', '-z', '-M', since, 'HEAD', '--'], options),
    git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], options),
  ]);
  return mergeTouched(parseNameStatusZ(diff), parseStatusZ(status));
};

/** Paths changed between two commits (a rename counts as its old and its new path). Throws {@link GitError}. */
export const changedBetween = async (repoCwd: string, from: string, to: string): Promise<Set<string>> => {
  const output = await git(['diff', '--name-only', '-z', '--no-renames', from, to, '--'], { cwd: repoCwd, readOnly: true });
  return new Set(splitZ(output));
};

/**
 * Paths the base branch changed since `forkPoint` (SPEC §5 base overlap). Throws
 * {@link GitError} when the base or the fork point does not exist.
 */
export const baseChangedSince = (repoCwd: string, base: string, forkPoint: string): Promise<Set<string>> =>
  changedBetween(repoCwd, forkPoint, `refs/heads/${base}`);

/** Enough pairs for every pair of a few dozen lanes, times a few tips each. */
const MAX_CACHED_PREDICTIONS = 1_000;
/** Tip pair → conflicted paths. Commits never change, so an entry never goes stale. */
const predictions = new Map<string, Set<string> | null>();

/**
 * Paths a merge of two commits would conflict on: `git merge-tree --write-tree` (git ≥ 2.38),
 * which reads and writes neither a worktree nor an index. Empty set: the merge is clean. null:
 * merge-tree failed (no common history, a missing commit). Cached by the pair of commits.
 *
 * Output with `--name-only -z --no-messages` (git 2.39): the tree OID, NUL, then each conflicted
 * path followed by NUL. Exit 0 = clean, 1 = conflicts, anything else an error — an empty list
 * never means clean on its own (git-merge-tree(1)).
 */
export const predictConflictsAt = async (repoCwd: string, tipA: string, tipB: string): Promise<Set<string> | null> => {
  const [first, second] = tipA < tipB ? [tipA, tipB] : [tipB, tipA];
  const key = `${repoCwd}\0${first}\0${second}`;
  if (predictions.has(key)) {
    const cached = predictions.get(key) ?? null;
    // Move the entry to the end so the least recently used one is evicted first.
    predictions.delete(key);
    predictions.set(key, cached);
    return cached && new Set(cached);
  }
  const result = await runGit(['merge-tree', '--write-tree', '--name-only', '-z', '--no-messages', first, second], { cwd: repoCwd, readOnly: true });
  let paths: Set<string> | null = null;
  if (result.code === 0) paths = new Set();
  else if (result.code === 1) {
    paths = new Set();
    for (const path of splitZ(result.stdout).slice(1)) {
      if (path === '') break;
      paths.add(path);
    }
  }
  predictions.set(key, paths);
  if (predictions.size > MAX_CACHED_PREDICTIONS) {
    const oldest = predictions.keys().next().value;
    if (oldest !== undefined) predictions.delete(oldest);
  }
  return paths === null ? null : new Set(paths);
};

/**
 * Tips of the given branches (short names, e.g. `lanes/a`), in one `for-each-ref` call; a branch
 * that does not exist is absent from the result.
 */
export const branchTips = async (repoCwd: string, branches: readonly string[]): Promise<Map<string, string>> => {
  const tips = new Map<string, string>();
  const wanted = new Set(branches.map((branch) => `refs/heads/${branch}`));
  if (wanted.size === 0) return tips;
  const result = await runGit(['for-each-ref', '--format=%(refname)%00%(objectname)', ...wanted], { cwd: repoCwd, readOnly: true });
  if (result.code !== 0) return tips;
  for (const line of result.stdout.split('\n')) {
    const [ref, tip] = line.split('\0');
    if (ref !== undefined && tip !== undefined && wanted.has(ref)) tips.set(ref.slice('refs/heads/'.length), tip);
  }
  return tips;
};

/**
 * {@link predictConflictsAt} for two branches by name: their tips are read first, so a pair whose
 * branches did not move since the last call costs one `for-each-ref`. null when a branch is missing.
 */
export const predictConflicts = async (repoCwd: string, branchA: string, branchB: string): Promise<Set<string> | null> => {
  const tips = await branchTips(repoCwd, [branchA, branchB]);
  const tipA = tips.get(branchA);
  const tipB = tips.get(branchB);
  if (tipA === undefined || tipB === undefined) return null;
  return predictConflictsAt(repoCwd, tipA, tipB);
};
