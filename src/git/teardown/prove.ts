import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import type { Repo } from '../repo.js';

/**
 * A folder proven to be one worktree of this repository (git-and-process-safety §5): a real
 * directory, whose `.git` file names an admin folder `<common>/worktrees/<id>` of this repository,
 * whose `gitdir` file names the folder back. Only a proven folder is ever signalled into, re-linked
 * or removed.
 */
export interface ProvenWorktree {
  /** The folder, as given. */
  path: string;
  /** Its admin folder, `<common>/worktrees/<id>`. */
  adminDir: string;
  /**
   * One link is stale in a way only a move explains, and is rewritten before use: `gitfile` when
   * the main checkout moved (the `.git` file names the old admin path, the admin folder still names
   * this folder), `gitdir` when the worktree folder moved (the admin folder names its old place,
   * which is gone).
   */
  relink?: 'gitfile' | 'gitdir';
}

export type Proof = ({ ok: true } & ProvenWorktree) | { ok: false; missing: boolean; reason: string };

const lstatOf = (path: string) => lstat(path).catch(() => undefined);

/** The real path of `path`, or of its parent plus its name when it does not exist. */
export const canonicalPath = async (path: string): Promise<string> => {
  const full = resolve(path);
  const real = await realpath(full).catch(() => undefined);
  if (real !== undefined) return real;
  const parent = await realpath(dirname(full)).catch(() => dirname(full));
  return join(parent, basename(full));
};

/**
 * The spelling a worktree path is compared by: its parent folder canonical, its last component as
 * it is — so a symlink put where a worktree was is never mistaken for the folder it points to.
 */
export const entryPath = async (path: string): Promise<string> => {
  const full = resolve(path);
  const parent = await realpath(dirname(full)).catch(() => dirname(full));
  return join(parent, basename(full));
};

/** Read a small text file that must be a regular file; undefined otherwise. */
const readLink = async (path: string): Promise<string | undefined> => {
  const info = await lstatOf(path);
  if (!info?.isFile() || info.size > 64 * 1024) return undefined;
  return (await readFile(path, 'utf8').catch(() => undefined))?.replace(/\r?\n$/, '');
};

const gitfileTarget = (text: string, folder: string): string | undefined => {
  const match = /^gitdir: (.+)$/.exec(text);
  if (match?.[1] === undefined) return undefined;
  return isAbsolute(match[1]) ? match[1] : resolve(folder, match[1]);
};

/** `<common>/worktrees` canonical, and the id of `adminDir` when it is directly inside it. */
const adminIdOf = async (repo: Repo, adminDir: string): Promise<string | undefined> => {
  const root = await canonicalPath(join(repo.commonDir, 'worktrees'));
  const real = await realpath(adminDir).catch(() => undefined);
  if (real === undefined || dirname(real) !== root) return undefined;
  const info = await lstatOf(real);
  return info?.isDirectory() ? basename(real) : undefined;
};

/** The folder an admin folder's `gitdir` file names (the worktree), canonical; undefined if unreadable. */
const namedBy = async (adminDir: string): Promise<string | undefined> => {
  const text = await readLink(join(adminDir, 'gitdir'));
  if (text === undefined || text === '' || basename(text) !== '.git') return undefined;
  // git 2.48+ may write it relative to the admin folder (worktree.useRelativePaths).
  return entryPath(dirname(isAbsolute(text) ? text : resolve(adminDir, text)));
};

export interface ProveOptions {
  /**
   * The folder the admin folder may still name when this one is where the user moved it to: it
   * must be gone. Without it a stale `gitdir` is a refusal.
   */
  formerPath?: string;
}

/**
 * Prove that `path` is a worktree of `repo` (see {@link ProvenWorktree}). Reads only; the caller
 * re-links with {@link relinkWorktree} when the proof says a link is stale.
 */
export const proveWorktree = async (repo: Repo, path: string, options: ProveOptions = {}): Promise<Proof> => {
  // `a/link/..` is `a` to a string and something else to the kernel: only a normalised absolute
  // path is proven, so what was proven is what git and the kill act on.
  if (!isAbsolute(path) || resolve(path) !== path) return { ok: false, missing: false, reason: `${path} is not a normalised absolute path` };
  const folder = await lstatOf(path);
  if (!folder) return { ok: false, missing: true, reason: `${path} does not exist` };
  if (folder.isSymbolicLink()) return { ok: false, missing: false, reason: `${path} is a symbolic link, not the lane's worktree folder` };
  if (!folder.isDirectory()) return { ok: false, missing: false, reason: `${path} is not a folder` };
  const gitPath = join(path, '.git');
  const gitInfo = await lstatOf(gitPath);
  if (!gitInfo) return { ok: false, missing: false, reason: `${path} has no .git file: it is not a git worktree` };
  if (gitInfo.isDirectory()) return { ok: false, missing: false, reason: `${path} is a repository of its own, not a worktree of this one` };
  const text = await readLink(gitPath);
  const target = text === undefined ? undefined : gitfileTarget(text, path);
  if (target === undefined) return { ok: false, missing: false, reason: `${gitPath} is not a worktree's .git file` };
  const here = await entryPath(path);

  const pointsBack = async (adminDir: string): Promise<'yes' | 'no' | 'former'> => {
    const named = await namedBy(adminDir);
    if (named === here) return 'yes';
    if (named !== undefined && options.formerPath !== undefined && named === (await entryPath(options.formerPath)) && !(await lstatOf(options.formerPath))) {
      return 'former';
    }
    return 'no';
  };

  if ((await adminIdOf(repo, target)) !== undefined) {
    const adminDir = await realpath(target);
    const back = await pointsBack(adminDir);
    if (back === 'yes') return { ok: true, path, adminDir };
    if (back === 'former') return { ok: true, path, adminDir, relink: 'gitdir' };
    return { ok: false, missing: false, reason: `the admin folder ${adminDir} of ${path} belongs to another worktree` };
  }
  // The main checkout moved: the .git file names `<old common>/worktrees/<id>`; the admin folder of
  // that id here must name this folder, or nothing is proven.
  const candidate = join(repo.commonDir, 'worktrees', basename(target));
  if (basename(dirname(target)) === 'worktrees' && (await adminIdOf(repo, candidate)) !== undefined && (await lstatOf(target)) === undefined) {
    const adminDir = await realpath(candidate);
    if ((await pointsBack(adminDir)) === 'yes') return { ok: true, path, adminDir, relink: 'gitfile' };
  }
  return { ok: false, missing: false, reason: `${path} is not a worktree of this repository (its .git file names ${target})` };
};

/**
 * The admin folder of this repository whose `gitdir` names `path` (a worktree folder, maybe gone).
 * Reads every admin folder's `gitdir`; writes nothing.
 */
export const adminDirNaming = async (repo: Repo, path: string): Promise<string | undefined> => {
  const root = join(repo.commonDir, 'worktrees');
  const wanted = await entryPath(path);
  for (const id of await readdir(root).catch(() => [] as string[])) {
    const adminDir = join(root, id);
    if ((await namedBy(adminDir)) === wanted) return realpath(adminDir).catch(() => adminDir);
  }
  return undefined;
};

/**
 * Rewrite the one stale link of a proven worktree — its `.git` file or its admin folder's `gitdir`
 * — atomically, and nothing else (never `git worktree repair`, which repairs every worktree).
 */
export const relinkWorktree = async (proof: ProvenWorktree): Promise<void> => {
  if (proof.relink === 'gitfile') await writeFileAtomic(join(proof.path, '.git'), `gitdir: ${proof.adminDir}\n`);
  if (proof.relink === 'gitdir') await writeFileAtomic(join(proof.adminDir, 'gitdir'), `${join(await entryPath(proof.path), '.git')}\n`);
};

/** A sibling of `path` (the worktree renamed by hand) whose `.git` file names `adminDir`. */
export const findRenamedSibling = async (path: string, adminDir: string, limit: number): Promise<string | undefined> => {
  const parent = dirname(path);
  const names = (await readdir(parent).catch(() => [] as string[])).slice(0, limit);
  for (const name of names) {
    if (name === basename(path)) continue;
    const candidate = join(parent, name);
    if (!(await lstatOf(candidate))?.isDirectory()) continue;
    const text = await readLink(join(candidate, '.git'));
    const target = text === undefined ? undefined : gitfileTarget(text, candidate);
    if (target !== undefined && (await realpath(target).catch(() => target)) === adminDir) return candidate;
  }
  return undefined;
};

/**
 * A worktree folder a `git worktree remove` cut short left without its `.git` file: when the admin
 * folder a teardown proved and journaled (`adminDir`) still names exactly this folder, the `.git`
 * file is written back so the removal can be finished — and nothing is done anywhere else. False
 * when the folder is not in that state.
 */
export const relinkHalfRemoved = async (repo: Repo, path: string, adminDir: string): Promise<boolean> => {
  const folder = await lstatOf(path);
  if (!folder?.isDirectory() || (await lstatOf(join(path, '.git'))) !== undefined) return false;
  if ((await adminIdOf(repo, adminDir)) === undefined || (await namedBy(adminDir)) !== (await entryPath(path))) return false;
  await writeFileAtomic(join(path, '.git'), `gitdir: ${await realpath(adminDir)}\n`);
  return true;
};
