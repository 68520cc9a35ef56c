import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { expect } from 'vitest';
import { parseWorktreeList } from '../../src/git/worktrees.js';
import { gitIn } from './temp-repo.js';

/**
 * The "nothing lost" oracle of git-and-process-safety §7 (SPEC §12): what a repository holds
 * before a destructive action, to be checked after it.
 */
export interface Oracle {
  /** Every commit reachable from any ref or from any worktree's HEAD. */
  commits: Set<string>;
  /** Every modified or untracked file in every worktree (main checkout included), with its blob hash. */
  dirtyFiles: Array<{ worktree: string; path: string; hash: string }>;
  /** Paths of all worktrees. */
  worktrees: string[];
  /** index.lock files that existed before (the user's own, or a test's). */
  locks: string[];
  main: MainCheckout;
}

interface MainCheckout {
  head: string;
  branch: string;
  status: string;
  /** sha256 of `git ls-files -s`. */
  index: string;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

const worktreeList = async (repoDir: string) => parseWorktreeList(await gitIn(repoDir, ['worktree', 'list', '--porcelain', '-z'])).filter((entry) => !entry.bare);

const statusPathsZ = (output: string): string[] => {
  const records = output.split('\0').filter(Boolean);
  const paths: string[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as string;
    paths.push(record.slice(3));
    // A rename or copy in the index is followed by its old path, which is gone from disk.
    if (record[0] === 'R' || record[0] === 'C') i += 1;
  }
  return paths;
};

const readMain = async (repoDir: string): Promise<MainCheckout> => {
  const head = (await gitIn(repoDir, ['rev-parse', 'HEAD'])).trim();
  const branch = (await gitIn(repoDir, ['rev-parse', '--abbrev-ref', 'HEAD'])).trim();
  const status = await gitIn(repoDir, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const files = await gitIn(repoDir, ['--no-optional-locks', 'ls-files', '-s', '-z']);
  return { head, branch, status, index: createHash('sha256').update(files).digest('hex') };
};

const lockPaths = async (worktrees: readonly string[]): Promise<string[]> => {
  const locks: string[] = [];
  for (const path of worktrees) {
    if (!(await exists(path))) continue;
    const lock = (await gitIn(path, ['rev-parse', '--git-path', 'index.lock'])).trim();
    const absolute = isAbsolute(lock) ? lock : join(path, lock);
    if (await exists(absolute)) locks.push(absolute);
  }
  return locks;
};

/** Record the oracle of the repository whose main worktree is `repoDir`. */
export const captureOracle = async (repoDir: string): Promise<Oracle> => {
  const entries = await worktreeList(repoDir);
  const heads = entries.map((entry) => entry.head).filter((head): head is string => head !== undefined);
  const commits = new Set((await gitIn(repoDir, ['rev-list', '--all', ...heads, '--'])).split('\n').filter(Boolean));
  const dirtyFiles: Oracle['dirtyFiles'] = [];
  for (const entry of entries) {
    if (!(await exists(entry.path))) continue;
    const status = await gitIn(entry.path, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
    for (const path of statusPathsZ(status)) {
      if (!(await exists(join(entry.path, path)))) continue;
      const hash = (await gitIn(entry.path, ['hash-object', '--', path])).trim();
      dirtyFiles.push({ worktree: entry.path, path, hash });
    }
  }
  const worktrees = entries.map((entry) => entry.path);
  return { commits, dirtyFiles, worktrees, locks: await lockPaths(worktrees), main: await readMain(repoDir) };
};

const archivedBlobs = async (repoDir: string): Promise<Set<string>> => {
  const refs = (await gitIn(repoDir, ['for-each-ref', '--format=%(objectname)', 'refs/lanes/archive/'])).split('\n').filter(Boolean);
  const blobs = new Set<string>();
  for (const ref of refs) {
    for (const line of (await gitIn(repoDir, ['ls-tree', '-r', '-z', ref])).split('\0').filter(Boolean)) {
      const [meta = '', path = ''] = line.split('\t');
      blobs.add(`${path}\0${meta.split(' ')[2] ?? ''}`);
    }
  }
  return blobs;
};

export interface NothingLostOptions {
  /** A successful merge moved the main checkout's branch: its HEAD, index and status may differ. */
  mainMayChange?: boolean;
  /** Worktrees may have been added (never removed). */
  worktreesMayBeAdded?: boolean;
}

/**
 * Check the oracle: every commit still reachable from `refs/heads/*`, `refs/lanes/*` or a worktree
 * HEAD; every dirty file still on disk with the same content or in a `refs/lanes/archive/*` tree;
 * the main checkout unchanged (unless a merge moved it); no new `index.lock`; no worktree left
 * `locked initializing`; no worktree removed (and none added, unless allowed).
 */
export const assertNothingLost = async (before: Oracle, repoDir: string, options: NothingLostOptions = {}): Promise<void> => {
  const entries = await worktreeList(repoDir);
  const heads = entries.map((entry) => entry.head).filter((head): head is string => head !== undefined);
  const reachable = new Set((await gitIn(repoDir, ['rev-list', '--branches', '--glob=refs/lanes/*', ...heads, '--'])).split('\n').filter(Boolean));
  expect([...before.commits].filter((commit) => !reachable.has(commit)), 'commits no longer reachable').toEqual([]);

  let archived: Set<string> | undefined;
  const lostFiles: string[] = [];
  for (const file of before.dirtyFiles) {
    const path = join(file.worktree, file.path);
    if ((await exists(path)) && (await gitIn(file.worktree, ['hash-object', '--', file.path])).trim() === file.hash) continue;
    archived ??= await archivedBlobs(repoDir);
    if (!archived.has(`${file.path}\0${file.hash}`)) lostFiles.push(path);
  }
  expect(lostFiles, 'dirty files lost').toEqual([]);

  if (!options.mainMayChange) expect(await readMain(repoDir), 'main checkout changed').toEqual(before.main);

  const paths = entries.map((entry) => entry.path);
  expect(before.worktrees.filter((path) => !paths.includes(path)), 'worktrees removed').toEqual([]);
  if (!options.worktreesMayBeAdded) expect(paths.filter((path) => !before.worktrees.includes(path)), 'worktrees added').toEqual([]);
  expect(entries.filter((entry) => entry.locked === 'initializing').map((entry) => entry.path), 'worktrees locked initializing').toEqual([]);
  const locks = await lockPaths(paths);
  expect(locks.filter((lock) => !before.locks.includes(lock)), 'stray index.lock').toEqual([]);
};
