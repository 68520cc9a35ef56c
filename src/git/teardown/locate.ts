import { lstat } from 'node:fs/promises';
import type { LaneRecord } from '../../core/lane.js';
import { readStamp } from '../lane-stamp.js';
import type { Repo } from '../repo.js';
import { listWorktrees, type WorktreeEntry } from '../worktrees.js';
import { adminDirNaming, canonicalPath, entryPath, findRenamedSibling, proveWorktree, relinkWorktree, type ProvenWorktree } from './prove.js';

/** Where a lane's worktree really is. */
export interface LaneLocation {
  /** The worktree's folder: the recorded one, or where it was found after a move. */
  path: string;
  /** git's entry for it; undefined when git has none (nothing registered at that path). */
  entry: WorktreeEntry | undefined;
  /** The folder is gone (the entry, if any, is what git still remembers). */
  missing: boolean;
  /** The folder is proven to be this lane's worktree (prove.ts): only then is anything read or done in it. */
  proven?: ProvenWorktree;
  /** The folder exists but is not provably the lane's worktree: why. Nothing is done in it. */
  unproven?: string;
  /** Set when the `.git` file of the worktree at this path was re-linked (the main checkout moved). */
  repaired?: string;
}

/** Sibling folders looked at for a worktree the user renamed; more would be a crawl. */
const MAX_SIBLINGS = 1000;

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

/** Same folder, also when one spelling goes through a symlink. */
export const samePath = async (a: string, b: string): Promise<boolean> => a === b || (await canonicalPath(a)) === (await canonicalPath(b));

/** git's entry registered at `path` — compared without following a symlink put in its place. */
const entryAt = async (entries: readonly WorktreeEntry[], path: string): Promise<WorktreeEntry | undefined> => {
  const wanted = await entryPath(path);
  for (const entry of entries.slice(1)) if ((await entryPath(entry.path)) === wanted) return entry;
  return undefined;
};

/**
 * A proven folder. A `.git` file naming the old place of a moved main checkout is rewritten at once
 * (git cannot work in the folder without it); an admin `gitdir` naming the old place of a moved
 * worktree is left for the removal to rewrite (git works in the folder meanwhile, and the lane
 * stays findable from its recorded path).
 */
const provenAt = async (repo: Repo, proof: ProvenWorktree, formerPath?: string): Promise<LaneLocation> => {
  const fixed = proof.relink === 'gitfile';
  if (fixed) await relinkWorktree(proof);
  const entries = await listWorktrees(repo);
  const entry = (await entryAt(entries, proof.path)) ?? (formerPath === undefined ? undefined : await entryAt(entries, formerPath));
  const proven: ProvenWorktree = { path: proof.path, adminDir: proof.adminDir, ...(proof.relink === 'gitdir' ? { relink: 'gitdir' as const } : {}) };
  return { path: proof.path, entry, missing: false, proven, ...(fixed ? { repaired: proof.path } : {}) };
};

/**
 * Whether the proven worktree was made for this lane record (its admin folder's stamp,
 * git/lane-stamp.ts): `other` names the lane it was made for; `unstamped` for a worktree lanes
 * made before stamps (or a lane recorded by a recovery).
 */
const stampCheck = async (proof: ProvenWorktree, lane: LaneRecord): Promise<'ours' | 'unstamped' | { other: string }> => {
  const stamp = await readStamp(proof.adminDir);
  if (stamp === undefined) return 'unstamped';
  if (stamp === 'unreadable') return { other: 'another lane (its lanes-lane stamp is unreadable)' };
  return stamp.name === lane.name && stamp.createdAt === lane.createdAt ? 'ours' : { other: `lane ${stamp.name} (created ${stamp.createdAt})` };
};

/**
 * Find a lane's worktree before judging it (git-and-process-safety §5). The recorded folder, when
 * it exists, must be proven the lane's worktree (prove.ts) — a symlink, a folder of another
 * repository or one git does not know is reported as `unproven` and nothing is done in it. A
 * recorded folder that is gone is looked for next to where it was (renamed by hand: found by its
 * `.git` file naming the admin folder that still names the old place) and among git's entries on
 * the lane's branch (moved with `git worktree move`). Only the one proven worktree's stale link is
 * ever rewritten; never `git worktree repair` (it repairs every worktree), never a prune.
 */
export const locateLane = async (repo: Repo, lane: LaneRecord): Promise<LaneLocation> => {
  const entries = await listWorktrees(repo);
  const recorded = lane.worktree;
  const entry = await entryAt(entries, recorded);

  if (await exists(recorded)) {
    const proof = await proveWorktree(repo, recorded);
    if (!proof.ok) return { path: recorded, entry, missing: false, unproven: proof.reason };
    const stamp = await stampCheck(proof, lane);
    if (typeof stamp === 'object') return { path: recorded, entry, missing: false, unproven: `the worktree at ${recorded} was made for ${stamp.other}` };
    return provenAt(repo, proof);
  }

  const adminDir = await adminDirNaming(repo, recorded);
  if (adminDir !== undefined) {
    const moved = await findRenamedSibling(recorded, adminDir, MAX_SIBLINGS);
    const proof = moved === undefined ? undefined : await proveWorktree(repo, moved, { formerPath: recorded });
    if (proof?.ok && typeof (await stampCheck(proof, lane)) !== 'object') return provenAt(repo, proof, recorded);
  }
  if (entry) return { path: recorded, entry, missing: true };

  // Moved with `git worktree move`: only a worktree stamped for this very lane is taken for it.
  const onBranch = entries.slice(1).find((e) => e.branch === `refs/heads/${lane.branch}`);
  if (onBranch && (await exists(onBranch.path))) {
    const proof = await proveWorktree(repo, onBranch.path);
    if (proof.ok && (await stampCheck(proof, lane)) === 'ours') return provenAt(repo, proof);
  }
  return { path: recorded, entry: undefined, missing: true };
};
