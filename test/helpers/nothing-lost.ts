import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { isPrecious } from '../../src/core/precious.js';
import { gitIn } from './temp-repo.js';

/**
 * The "nothing lost" oracle of git-and-process-safety §7 and SPEC §12, run around every
 * destructive test: capture before the action, assert after it.
 */
export interface Oracle {
  /** Every commit reachable from any ref or any worktree HEAD. */
  commits: Set<string>;
  /** Every modified, untracked or ignored-but-precious file of every worktree: where and what. */
  files: Array<{ worktree: string; path: string; hash: string }>;
  /** Every staged blob that differs from HEAD, per worktree. */
  staged: Array<{ worktree: string; path: string; blob: string }>;
  /** The main checkout: HEAD, status and index listing. */
  main: { head: string; status: string; index: string };
  /** `index.lock` files already there (a test's own stale lock is not one the action left). */
  locks: string[];
}

/** Every `index.lock` of the repository: the main checkout's and each linked worktree's. */
const indexLocks = async (repoDir: string): Promise<string[]> => {
  const commonDir = (await gitIn(repoDir, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  const adminDirs = await readdir(join(commonDir, 'worktrees')).catch(() => [] as string[]);
  return [join(commonDir, 'index.lock'), ...adminDirs.map((id) => join(commonDir, 'worktrees', id, 'index.lock'))].filter((path) => existsSync(path));
};

/** Admin folders of `git worktree add` runs that never finished: a lock saying "initializing", or no gitdir. */
const unfinishedAdminDirs = async (repoDir: string): Promise<string[]> => {
  const commonDir = (await gitIn(repoDir, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
  const adminDirs = await readdir(join(commonDir, 'worktrees')).catch(() => [] as string[]);
  const unfinished = await Promise.all(
    adminDirs.map(async (id) => {
      const folder = join(commonDir, 'worktrees', id);
      const lock = (await readFile(join(folder, 'locked'), 'utf8').catch(() => '')).trim();
      return lock === 'initializing' || !existsSync(join(folder, 'gitdir')) ? id : undefined;
    }),
  );
  return unfinished.filter((id): id is string => id !== undefined);
};

export interface NothingLostOptions {
  /** A successful merge may move the main checkout. */
  mainMayChange?: boolean;
  /** Processes that must be gone. */
  pids?: number[];
  /** Folders no process may have its working directory in. */
  noProcessIn?: string[];
}

const lines = (text: string): string[] => text.split('\n').filter(Boolean);
const records = (text: string): string[] => text.split('\0').filter((record, index, all) => record !== '' || index < all.length - 1);

/** git's blob id of a file or symlink on disk (SHA-1 repositories; no filters in test repos). */
const blobHash = async (path: string): Promise<string | undefined> => {
  const info = await lstat(path).catch(() => undefined);
  if (!info || info.isDirectory()) return undefined;
  const content = info.isSymbolicLink() ? Buffer.from(await readlink(path)) : await readFile(path);
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
};

interface WorktreeInfo {
  path: string;
  head: string | undefined;
  locked: string | undefined;
}

const worktrees = async (repoDir: string): Promise<WorktreeInfo[]> => {
  const out = await gitIn(repoDir, ['worktree', 'list', '--porcelain', '-z']);
  return out
    .split('\0\0')
    .filter(Boolean)
    .map((block) => {
      const fields = block.split('\0');
      const value = (label: string): string | undefined => {
        const field = fields.find((f) => f === label || f.startsWith(`${label} `));
        return field === undefined ? undefined : field.slice(label.length + 1);
      };
      return { path: value('worktree') ?? '', head: value('HEAD'), locked: value('locked') };
    });
};

/** (path, hash) of every changed, untracked and precious ignored file of one worktree. */
const dirtyFiles = async (dir: string): Promise<Array<{ path: string; hash: string }>> => {
  const status = records(await gitIn(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=matching']));
  const files: Array<{ path: string; hash: string }> = [];
  for (let index = 0; index < status.length; index++) {
    const record = status[index] ?? '';
    const xy = record.slice(0, 2);
    const path = record.slice(3);
    if (xy.startsWith('R') || xy.startsWith('C')) index += 1;
    if (xy === '!!' && !isPrecious(path)) continue;
    if (path.endsWith('/')) continue;
    const hash = await blobHash(join(dir, path));
    if (hash !== undefined) files.push({ path, hash });
  }
  return files;
};

const stagedBlobs = async (dir: string): Promise<Array<{ path: string; blob: string }>> => {
  const changed = records(await gitIn(dir, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--diff-filter=AMT']));
  const blobs: Array<{ path: string; blob: string }> = [];
  for (const path of changed) {
    const entry = (await gitIn(dir, ['ls-files', '-s', '-z', '--', `:(literal)${path}`])).split('\0')[0] ?? '';
    const blob = entry.split(' ')[1];
    if (blob) blobs.push({ path, blob });
  }
  return blobs;
};

/** Record what must survive. `repoDir` is the main checkout. */
export const captureOracle = async (repoDir: string): Promise<Oracle> => {
  const trees = await worktrees(repoDir);
  const heads = trees.map((t) => t.head).filter((h): h is string => h !== undefined);
  const commits = new Set(lines(await gitIn(repoDir, ['rev-list', '--all', ...heads])));
  const files: Oracle['files'] = [];
  const staged: Oracle['staged'] = [];
  for (const tree of trees) {
    if (!existsSync(tree.path)) continue;
    for (const file of await dirtyFiles(tree.path)) files.push({ worktree: tree.path, ...file });
    for (const blob of await stagedBlobs(tree.path)) staged.push({ worktree: tree.path, ...blob });
  }
  return { commits, files, staged, main: await mainState(repoDir), locks: await indexLocks(repoDir) };
};

const mainState = async (repoDir: string): Promise<Oracle['main']> => ({
  head: (await gitIn(repoDir, ['rev-parse', 'HEAD'])).trim(),
  status: await gitIn(repoDir, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored']),
  index: createHash('sha1').update(await gitIn(repoDir, ['ls-files', '-s', '-z'])).digest('hex'),
});

/** (path, blob) pairs of the trees of every archive commit and its parents. */
const archivedBlobs = async (repoDir: string): Promise<Set<string>> => {
  const archives = lines(await gitIn(repoDir, ['for-each-ref', '--format=%(objectname)', 'refs/lanes/archive/']));
  const found = new Set<string>();
  for (const archive of archives) {
    const commits = (await gitIn(repoDir, ['rev-list', '--parents', '-n', '1', archive])).trim().split(' ');
    for (const commit of commits) {
      for (const record of records(await gitIn(repoDir, ['ls-tree', '-r', '-z', '--full-tree', commit]))) {
        const tab = record.indexOf('\t');
        const blob = record.slice(0, tab).split(' ')[2];
        found.add(`${record.slice(tab + 1)}\0${blob}`);
      }
    }
  }
  return found;
};

/** Alive and not a zombie (an unreaped process is dead for every purpose here). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  let stat = '';
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  return !/\) [ZXx] /.test(stat);
};

const cwdInside = async (dirs: readonly string[]): Promise<number[]> => {
  const found: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const cwd = (await readlink(`/proc/${name}/cwd`).catch(() => '')).replace(/ \(deleted\)$/, '');
    if (cwd && dirs.some((dir) => cwd === dir || cwd.startsWith(`${dir}/`)) && isAlive(Number(name))) found.push(Number(name));
  }
  return found;
};

/** Assert that nothing captured in `before` was lost (git-and-process-safety §7). */
export const assertNothingLost = async (before: Oracle, repoDir: string, options: NothingLostOptions = {}): Promise<void> => {
  const trees = await worktrees(repoDir);
  const heads = trees.filter((t) => existsSync(t.path)).map((t) => t.head).filter((h): h is string => h !== undefined);
  const reachable = new Set(lines(await gitIn(repoDir, ['rev-list', '--branches', '--tags', '--glob=refs/lanes/*', ...heads])));
  const lost = [...before.commits].filter((commit) => !reachable.has(commit));
  expect(lost, 'commits no longer reachable from a branch, refs/lanes/* or a worktree HEAD').toEqual([]);

  const archived = await archivedBlobs(repoDir);
  const missingFiles: string[] = [];
  for (const file of before.files) {
    const onDisk = await blobHash(join(file.worktree, file.path));
    if (onDisk !== file.hash && !archived.has(`${file.path}\0${file.hash}`)) missingFiles.push(`${file.worktree}: ${file.path}`);
  }
  expect(missingFiles, 'dirty files neither on disk nor in an archive').toEqual([]);

  const missingStaged: string[] = [];
  for (const blob of before.staged) {
    const key = `${blob.path}\0${blob.blob}`;
    if (archived.has(key)) continue;
    const index = existsSync(blob.worktree) ? await gitIn(blob.worktree, ['ls-files', '-s', '-z', '--', `:(literal)${blob.path}`]).catch(() => '') : '';
    if (index.split(' ')[1] !== blob.blob) missingStaged.push(`${blob.worktree}: ${blob.path}`);
  }
  expect(missingStaged, 'staged content neither in its index nor in an archive').toEqual([]);

  if (!options.mainMayChange) expect(await mainState(repoDir), 'the main checkout').toEqual(before.main);

  const locks = (await indexLocks(repoDir)).filter((path) => !before.locks.includes(path));
  expect(locks, 'stray index.lock files').toEqual([]);
  expect(trees.filter((t) => t.locked === 'initializing').map((t) => t.path), 'worktrees locked "initializing"').toEqual([]);
  expect(await unfinishedAdminDirs(repoDir), 'worktree admin folders of an unfinished add (listed or not)').toEqual([]);

  if (options.pids) expect(options.pids.filter(isAlive), 'processes still alive').toEqual([]);
  if (options.noProcessIn) expect(await cwdInside(options.noProcessIn), 'processes with their cwd in a removed worktree').toEqual([]);
};
