import { lstat } from 'node:fs/promises';
import { runGit } from '../exec.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { listWorktrees } from '../worktrees.js';
import { entryPath } from './prove.js';

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

const firstLine = (text: string): string => text.trim().split('\n').find((line) => /^(fatal|error):/.test(line)) ?? text.trim().split('\n')[0] ?? '';

/** git refuses these only because of files our own checks already judged (and archived). */
const FORCEABLE = /contains modified or untracked files|containing submodules cannot be moved or removed/;

export type RemoveResult = { ok: true; forced: boolean } | { ok: false; reason: string };

/**
 * Remove the worktree registered at `path` and nothing else: `git worktree remove -- <path>`, also
 * for a folder that is gone (only that entry goes; never `git worktree prune`, which would drop
 * entries of worktrees the user moved). When git refuses only because of files or submodules that
 * the caller already judged and archived (`allowForce`), `--force` once — never `-f -f`, so a
 * locked worktree is never removed.
 */
export const removeWorktree = async (repo: Repo, path: string, allowForce: boolean): Promise<RemoveResult> => {
  const entries = await listWorktrees(repo);
  let registered = false;
  const wanted = await entryPath(path);
  for (const entry of entries.slice(1)) if ((await entryPath(entry.path)) === wanted) registered = true;
  if (!registered) {
    return (await exists(path)) ? { ok: false, reason: `${path} is not a git worktree (left as it is)` } : { ok: true, forced: false };
  }
  const options = { cwd: repo.mainWorktree };
  const plain = await runGit(['worktree', 'remove', '--', path], options);
  if (plain.code === 0) return { ok: true, forced: false };
  if (!allowForce || !FORCEABLE.test(plain.stderr)) return { ok: false, reason: firstLine(plain.stderr) || `git worktree remove exited ${plain.code}` };
  const forced = await runGit(['worktree', 'remove', '--force', '--', path], options);
  if (forced.code === 0) return { ok: true, forced: true };
  return { ok: false, reason: firstLine(forced.stderr) || `git worktree remove --force exited ${forced.code}` };
};

export type BranchResult = 'deleted' | 'gone' | 'moved' | 'checked-out';

/**
 * Delete `refs/heads/<branch>` only while it still points at `expected` and no worktree has it
 * checked out: `git update-ref -d <ref> <expected>` is a compare-and-swap, so a commit that lands
 * between the check and the delete keeps the branch. Never `branch -D`.
 */
export const deleteBranchAt = async (repo: Repo, branch: string, expected: string | undefined): Promise<BranchResult> => {
  const ref = `refs/heads/${branch}`;
  const options = { cwd: repo.commonDir };
  const tip = await runGit(['rev-parse', '--verify', '--quiet', ref], { ...options, readOnly: true });
  if (tip.code !== 0) return 'gone';
  if (expected === undefined || tip.stdout.trim() !== expected) return 'moved';
  if ((await listWorktrees(repo)).some((entry) => entry.branch === ref)) return 'checked-out';
  const deleted = await runGit(['update-ref', '-m', 'lanes: teardown', '-d', ref, expected], options);
  return deleted.code === 0 ? 'deleted' : 'moved';
};

/** Remove lane `name` from the state (idempotent). */
export const forgetLane = async (store: StateStore, name: string): Promise<void> => {
  await store.update((state) => ({ ...state, lanes: state.lanes.filter((lane) => lane.name !== name) }));
};
