import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LaneRecord } from '../../core/lane.js';
import { runGit } from '../exec.js';
import type { Repo } from '../repo.js';
import { listWorktrees, type WorktreeEntry } from '../worktrees.js';

/** Where a lane's worktree really is. */
export interface LaneLocation {
  /** The worktree's folder: the recorded one, or where it was found after a move. */
  path: string;
  /** git's entry for it; undefined when git has none (nothing registered at that path). */
  entry: WorktreeEntry | undefined;
  /** The folder is gone (the entry, if any, is what git still remembers). */
  missing: boolean;
  /** Set when `git worktree repair` re-linked the worktree at this path. */
  repaired?: string;
}

/** Sibling folders looked at for a worktree the user renamed; more would be a crawl. */
const MAX_SIBLINGS = 1000;

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

const canonical = async (path: string): Promise<string> => realpath(path).catch(() => resolve(path));

/** Same folder, also when one spelling goes through a symlink. */
export const samePath = async (a: string, b: string): Promise<boolean> => a === b || (await canonical(a)) === (await canonical(b));

const entryAt = async (entries: readonly WorktreeEntry[], path: string): Promise<WorktreeEntry | undefined> => {
  for (const entry of entries.slice(1)) if (await samePath(entry.path, path)) return entry;
  return undefined;
};

/** True when git works in `path` and sees `path` as the top of its worktree. */
const isWorkingWorktree = async (path: string): Promise<boolean> => {
  const result = await runGit(['rev-parse', '--show-toplevel'], { cwd: path, readOnly: true });
  return result.code === 0 && (await samePath(result.stdout.replace(/\n$/, ''), path));
};

/** The admin folder (`<common>/worktrees/<id>`) of the entry registered at `path`. */
const adminDirOf = async (repo: Repo, path: string): Promise<string | undefined> => {
  const root = join(repo.commonDir, 'worktrees');
  const ids = await readdir(root).catch(() => [] as string[]);
  for (const id of ids) {
    const gitdir = await readFile(join(root, id, 'gitdir'), 'utf8').catch(() => undefined);
    if (gitdir !== undefined && (await samePath(dirname(gitdir.replace(/\n$/, '')), path))) return join(root, id);
  }
  return undefined;
};

/** A folder next to `path` whose `.git` file points at `adminDir`: the worktree, renamed by the user. */
const findRenamed = async (path: string, adminDir: string): Promise<string | undefined> => {
  const parent = dirname(path);
  const names = (await readdir(parent).catch(() => [] as string[])).slice(0, MAX_SIBLINGS);
  for (const name of names) {
    if (name === basename(path)) continue;
    const candidate = join(parent, name);
    const text = await readFile(join(candidate, '.git'), 'utf8').catch(() => undefined);
    const match = text === undefined ? null : /^gitdir: (.*)$/m.exec(text);
    if (match?.[1] !== undefined && (await samePath(match[1], adminDir))) return candidate;
  }
  return undefined;
};

/** `git worktree repair <path>` (only that worktree: never a prune). True when it now works. */
const repair = async (repo: Repo, path: string): Promise<boolean> => {
  await runGit(['worktree', 'repair', '--', path], { cwd: repo.mainWorktree });
  return isWorkingWorktree(path);
};

/**
 * Find a lane's worktree before judging it (git-and-process-safety §5): the recorded folder when
 * git works there; else `git worktree repair` is tried on it (the main checkout or the worktree
 * was moved); a recorded folder that is gone is looked for next to where it was (renamed by hand,
 * found by its `.git` file, then repaired) and among git's entries on the lane's branch (moved
 * with `git worktree move`). Only then is it missing. Never prunes anything.
 */
export const locateLane = async (repo: Repo, lane: LaneRecord): Promise<LaneLocation> => {
  let entries = await listWorktrees(repo);
  const recorded = lane.worktree;
  let entry = await entryAt(entries, recorded);

  if (await exists(recorded)) {
    if (entry && (await isWorkingWorktree(recorded))) return { path: recorded, entry, missing: false };
    if (await repair(repo, recorded)) {
      entries = await listWorktrees(repo);
      entry = await entryAt(entries, recorded);
      return { path: recorded, entry, missing: false, repaired: recorded };
    }
    // A folder git does not know as a worktree (anymore): nothing of git's to act on there.
    return { path: recorded, entry, missing: entry === undefined };
  }

  if (entry) {
    const adminDir = await adminDirOf(repo, entry.path);
    const moved = adminDir === undefined ? undefined : await findRenamed(recorded, adminDir);
    if (moved !== undefined && (await repair(repo, moved))) {
      const movedEntry = await entryAt(await listWorktrees(repo), moved);
      return { path: moved, entry: movedEntry, missing: false, repaired: moved };
    }
    return { path: recorded, entry, missing: true };
  }

  const onBranch = entries.slice(1).find((e) => e.branch === `refs/heads/${lane.branch}`);
  if (onBranch && (await exists(onBranch.path)) && (await isWorkingWorktree(onBranch.path))) {
    return { path: onBranch.path, entry: onBranch, missing: false };
  }
  return { path: recorded, entry: undefined, missing: true };
};
