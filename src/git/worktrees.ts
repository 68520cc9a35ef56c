import { readFile, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runGit, GitError, splitZ } from './exec.js';
import type { Repo } from './repo.js';

/** One entry of `git worktree list --porcelain -z`. */
export interface WorktreeEntry {
  path: string;
  /** Commit checked out; undefined for a bare entry. */
  head: string | undefined;
  /** Full ref (`refs/heads/main`); undefined when detached or bare. */
  branch: string | undefined;
  detached: boolean;
  bare: boolean;
  /** Lock reason ('' when locked without a reason); undefined when not locked. */
  locked: string | undefined;
  /** Why git could prune the entry (e.g. its folder is gone); undefined when it is fine. */
  prunable: string | undefined;
}

const emptyEntry = (path: string): WorktreeEntry => ({
  path,
  head: undefined,
  branch: undefined,
  detached: false,
  bare: false,
  locked: undefined,
  prunable: undefined,
});

/** Split `label value` (value may be absent, and may contain spaces and newlines). */
const splitField = (field: string): [string, string | undefined] => {
  const space = field.indexOf(' ');
  return space === -1 ? [field, undefined] : [field.slice(0, space), field.slice(space + 1)];
};

/**
 * Parse `git worktree list --porcelain -z` output: fields end in NUL and an empty field ends each
 * entry, so paths with spaces, unicode and newlines come through unchanged. Unknown fields are
 * ignored (newer git may add some).
 */
export const parseWorktreeList = (output: string): WorktreeEntry[] => {
  const entries: WorktreeEntry[] = [];
  let current: WorktreeEntry | undefined;
  for (const field of splitZ(output)) {
    if (field === '') {
      if (current) entries.push(current);
      current = undefined;
      continue;
    }
    const [label, value] = splitField(field);
    if (label === 'worktree') {
      if (current) entries.push(current);
      current = emptyEntry(value ?? '');
      continue;
    }
    if (!current) continue;
    switch (label) {
      case 'HEAD':
        current.head = value;
        break;
      case 'branch':
        current.branch = value;
        break;
      case 'detached':
        current.detached = true;
        break;
      case 'bare':
        current.bare = true;
        break;
      case 'locked':
        current.locked = value ?? '';
        break;
      case 'prunable':
        current.prunable = value ?? '';
        break;
      default:
        break;
    }
  }
  if (current) entries.push(current);
  return entries;
};

/**
 * `git worktree add` in another process writes its admin files one after the other; a listing
 * that reads one between its creation and its content fails ("failed to read
 * worktrees/x/commondir"). That passes within milliseconds: the listing is tried again, with
 * jittered waits, for up to about LIST_RETRY_MS.
 */
const LIST_RETRY_MS = 3_000;
const isAddInFlight = (stderr: string): boolean => /failed to read worktrees\//.test(stderr);

/** List worktrees, running git in `cwd` (any folder of the repository, or its common dir). */
export const listWorktreesIn = async (cwd: string): Promise<WorktreeEntry[]> => {
  const args = ['worktree', 'list', '--porcelain', '-z'];
  const deadline = Date.now() + LIST_RETRY_MS;
  for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
    const result = await runGit(args, { cwd, readOnly: true });
    if (result.code === 0) return parseWorktreeList(result.stdout);
    if (!isAddInFlight(result.stderr) || Date.now() >= deadline) throw new GitError(args, result);
    await sleep(delay + Math.floor(Math.random() * delay));
  }
};

/**
 * Every worktree of the repository, the main one first. Runs in the common dir, so it works even
 * when the main worktree's folder is gone. Read-only (`--no-optional-locks`).
 */
export const listWorktrees = (repo: Repo): Promise<WorktreeEntry[]> => listWorktreesIn(repo.commonDir);

/**
 * `git worktree add` makes its admin folder, writes `locked` ("initializing"), then `gitdir`.
 * Killed before `gitdir`, the entry is invisible to `git worktree list`, and once locked it is
 * never pruned. Such folders for a worktree at `path` that lanes was adding are removed: named
 * after its last path component, with git's digits for a clash when `withSuffixes` (the caller
 * holds the lock that keeps other lanes creations out), and holding no `gitdir` and nothing but
 * an empty or "initializing" lock. Only an unfinished `add` leaves that.
 */
export const removeUnfinishedAdmin = async (repo: Repo, path: string, withSuffixes: boolean): Promise<void> => {
  const admin = join(repo.commonDir, 'worktrees');
  const base = basename(path);
  const names = await readdir(admin).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(base) || !(withSuffixes ? /^\d*$/ : /^$/).test(name.slice(base.length))) continue;
    const folder = join(admin, name);
    const contents = await readdir(folder).catch(() => undefined);
    // Killed while it wrote `gitdir`, the file is there but empty: git lists nothing for it either.
    const emptyGitdir = contents?.includes('gitdir') === true && (await readFile(join(folder, 'gitdir'), 'utf8').catch(() => 'unreadable')).trim() === '';
    if (contents === undefined || contents.some((entry) => entry !== 'locked' && !(entry === 'gitdir' && emptyGitdir))) continue;
    const lock = contents.includes('locked') ? (await readFile(join(folder, 'locked'), 'utf8').catch(() => undefined))?.trim() : '';
    if (lock === '' || lock === 'initializing') await rm(folder, { recursive: true, force: true });
  }
};

/**
 * `git worktree add` writes `locked` ("initializing"), `gitdir`, the worktree's `.git` file,
 * `commondir`, then `HEAD` (the null commit until checkout). Killed while it wrote `commondir`, every
 * `git worktree list` of the repository fails ("failed to read worktrees/x/commondir"); killed
 * before `HEAD`, git refuses to remove the worktree ("is not a .git file"). For the worktree at
 * `path` that lanes was adding, such a folder gets the files git would have written next (`../..`,
 * the null commit), so it is listed (locked "initializing") and can be rolled back. Touches
 * nothing else.
 */
export const completeUnfinishedAdmin = async (repo: Repo, path: string): Promise<void> => {
  const admin = join(repo.commonDir, 'worktrees');
  const base = basename(path);
  for (const name of await readdir(admin).catch(() => [] as string[])) {
    if (!name.startsWith(base) || !/^\d*$/.test(name.slice(base.length))) continue;
    const folder = join(admin, name);
    const lock = (await readFile(join(folder, 'locked'), 'utf8').catch(() => undefined))?.trim();
    const gitdir = (await readFile(join(folder, 'gitdir'), 'utf8').catch(() => undefined))?.trim();
    if (lock !== 'initializing' || gitdir === undefined || gitdir === '') continue;
    const named = await realpath(dirname(gitdir)).catch(() => dirname(gitdir));
    if (named !== (await realpath(path).catch(() => path))) continue;
    // Only once git wrote the worktree's own `.git` file naming this folder: earlier states are
    // rolled back as they are (removeUnfinishedAdmin, worktree remove -f -f).
    const link = (await readFile(join(path, '.git'), 'utf8').catch(() => ''))
      .trim()
      .replace(/^gitdir: /, '');
    if (link === '' || (await realpath(link).catch(() => link)) !== (await realpath(folder).catch(() => folder))) continue;
    const isEmpty = async (file: string): Promise<boolean> => ((await readFile(join(folder, file), 'utf8').catch(() => '')).trim() === '');
    if (await isEmpty('commondir')) await writeFile(join(folder, 'commondir'), '../..\n');
    if (await isEmpty('HEAD')) await writeFile(join(folder, 'HEAD'), `${'0'.repeat(40)}\n`);
  }
};

/** A linked worktree that a `git worktree add` began and never finished, and why it looks so. */
export interface HalfMadeWorktree {
  entry: WorktreeEntry;
  why: string;
}

const NULL_OID = /^0+$/;

/**
 * Linked worktrees left half-made (git-and-process-safety §8 F2): still locked "initializing" by
 * git, a HEAD that is unreadable (git shows the null commit) or that names a commit the
 * repository does not have. `git worktree add` passes through that state for a moment every time;
 * a killed one stays in it. Read-only.
 */
export const halfMadeWorktrees = async (repo: Repo, entries?: readonly WorktreeEntry[]): Promise<HalfMadeWorktree[]> => {
  const linked = (entries ?? (await listWorktrees(repo))).slice(1).filter((entry) => !entry.bare && entry.prunable === undefined);
  const heads = linked.map((entry) => entry.head).filter((head): head is string => head !== undefined && !NULL_OID.test(head));
  const missing = new Set<string>();
  if (heads.length > 0) {
    const checked = await runGit(['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo.commonDir, readOnly: true, input: `${heads.join('\n')}\n` });
    for (const line of checked.stdout.split('\n')) {
      const [oid, kind] = line.split(' ');
      if (oid && kind !== 'commit') missing.add(oid);
    }
  }
  const found: HalfMadeWorktree[] = [];
  for (const entry of linked) {
    if (entry.locked === 'initializing') found.push({ entry, why: 'git is still adding it, or an interrupted git worktree add left it locked "initializing"' });
    else if (entry.head === undefined || NULL_OID.test(entry.head)) found.push({ entry, why: 'its HEAD is unreadable (an interrupted git worktree add)' });
    else if (missing.has(entry.head)) found.push({ entry, why: `its HEAD names a commit the repository does not have (${entry.head.slice(0, 12)})` });
  }
  return found;
};
