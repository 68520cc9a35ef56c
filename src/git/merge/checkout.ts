import { access, lstat, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runGit } from '../exec.js';
import type { Repo } from '../repo.js';
import { listWorktrees } from '../worktrees.js';
import { listForLine, readStatus } from './status.js';

/** Where the base branch is checked out. */
export type BaseCheckout =
  | { kind: 'nowhere' }
  /** `state` is set when the worktree holds the base in a rebase or bisect (HEAD detached meanwhile). */
  | { kind: 'worktree'; path: string; state?: string }
  /** Registered as holding the base, but its folder is gone. */
  | { kind: 'missing'; path: string };

/**
 * Files in a worktree's git dir that mean an operation is under way there, in the order they are
 * checked, with the words for the refusal. `index.lock` last: a merge in progress says more.
 */
const MARKERS: ReadonlyArray<[string, string]> = [
  ['rebase-merge', 'in the middle of a rebase'],
  ['rebase-apply/applying', 'in the middle of git am'],
  ['rebase-apply', 'in the middle of a rebase'],
  ['MERGE_HEAD', 'in the middle of a merge'],
  ['SQUASH_MSG', 'in the middle of a squash merge'],
  ['CHERRY_PICK_HEAD', 'in the middle of a cherry-pick'],
  ['REVERT_HEAD', 'in the middle of a revert'],
  ['sequencer', 'in the middle of a cherry-pick or revert sequence'],
  ['BISECT_LOG', 'bisecting'],
  ['index.lock', 'locked (index.lock exists: another git process is running there, or one crashed)'],
];

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Absolute paths of files in the git dir of the worktree at `cwd` (`rev-parse --git-path`). */
export const gitPaths = async (cwd: string, names: readonly string[]): Promise<string[] | undefined> => {
  const result = await runGit(['rev-parse', ...names.flatMap((name) => ['--git-path', name])], { cwd, readOnly: true });
  if (result.code !== 0) return undefined;
  const lines = result.stdout.split('\n').slice(0, names.length);
  return lines.length === names.length ? lines.map((line) => resolve(cwd, line)) : undefined;
};

/** The operation under way in the worktree at `cwd` (e.g. 'in the middle of a merge'), if any. */
export const operationInProgress = async (cwd: string): Promise<string | undefined> => {
  const paths = await gitPaths(cwd, MARKERS.map(([name]) => name));
  if (!paths) return 'unreadable (git rev-parse failed there)';
  for (const [index, [, words]] of MARKERS.entries()) {
    if (await exists(paths[index] as string)) return words;
  }
  return undefined;
};

const readTrimmed = (path: string): Promise<string | undefined> => readFile(path, 'utf8').then((text) => text.trim(), () => undefined);

/** True when the worktree at `cwd` is rebasing or bisecting `ref` (its HEAD may be detached meanwhile). */
const holdsInOperation = async (cwd: string, ref: string, branch: string): Promise<string | undefined> => {
  const paths = await gitPaths(cwd, ['rebase-merge/head-name', 'rebase-apply/head-name', 'BISECT_START']);
  if (!paths) return undefined;
  const [merge, apply, bisect] = await Promise.all(paths.map(readTrimmed));
  if (merge === ref || apply === ref) return 'in the middle of a rebase';
  if (bisect === branch || bisect === ref) return 'bisecting';
  return undefined;
};

/**
 * Find the worktree that has `base` checked out: the main checkout, a linked worktree, or none.
 * A worktree rebasing or bisecting the base counts too (git shows its HEAD as detached then), so
 * the base is never moved by `update-ref` under an operation that will come back to it.
 */
export const findBaseCheckout = async (repo: Repo, base: string): Promise<BaseCheckout> => {
  const ref = `refs/heads/${base}`;
  const worktrees = (await listWorktrees(repo)).filter((entry) => !entry.bare);
  const holder = worktrees.find((entry) => entry.branch === ref);
  if (holder) {
    if (holder.prunable !== undefined || !(await exists(holder.path))) return { kind: 'missing', path: holder.path };
    return { kind: 'worktree', path: holder.path };
  }
  for (const entry of worktrees) {
    if (entry.prunable !== undefined || !(await exists(entry.path))) continue;
    const state = await holdsInOperation(entry.path, ref, base);
    if (state) return { kind: 'worktree', path: entry.path, state };
  }
  return { kind: 'nowhere' };
};

/**
 * Why the base checkout at `path` cannot take a merge now, as one line; undefined when it can:
 * on the base branch, no operation under way (merge, rebase, cherry-pick, revert, bisect), no
 * `index.lock`, and nothing staged, unstaged or untracked (git alone would merge into some of that,
 * git-and-process-safety §1.5). Read-only: never refreshes its index.
 */
export const checkoutRefusal = async (path: string, base: string): Promise<string | undefined> => {
  const where = `the base checkout ${path}`;
  const operation = await operationInProgress(path);
  if (operation) return `${where} is ${operation}; finish it there first`;
  const head = await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: path, readOnly: true });
  const ref = head.stdout.trim();
  if (head.code !== 0) return `${where} is on a detached HEAD, not on ${base}`;
  if (ref !== `refs/heads/${base}`) return `${where} is on ${ref.replace(/^refs\/heads\//, '')}, not on ${base}`;
  const status = await readStatus(path).catch(() => undefined);
  if (!status) return `${where} cannot be read (git status failed)`;
  if (status.length === 0) return undefined;
  const untracked = status.filter((entry) => entry.kind === 'untracked');
  const paths = status.map((entry) => entry.path);
  if (untracked.length === status.length) return `${where} has untracked files: ${listForLine(paths)}; commit, move or delete them first`;
  return `${where} has uncommitted changes: ${listForLine(paths)}; commit or discard them first`;
};

/**
 * Paths the merge adds that something on disk (an ignored file, or a file where a folder must go)
 * already occupies in the base checkout: git would overwrite ignored files without asking.
 */
export const pathsInTheWay = async (checkout: string, added: readonly string[]): Promise<string[]> => {
  const blocked: string[] = [];
  for (const path of added) {
    try {
      await lstat(join(checkout, path));
      blocked.push(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') blocked.push(path);
    }
  }
  return blocked;
};
