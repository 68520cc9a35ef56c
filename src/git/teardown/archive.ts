import { createHash } from 'node:crypto';
import { LanesError, usageError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { validateLaneName } from '../../core/names.js';
import { git, runGit } from '../exec.js';
import type { Repo } from '../repo.js';
import { locateLane } from './locate.js';
import type { ScanOptions } from './nested.js';
import { storeNested, type NestedMeta } from './nested-store.js';
import { snapshotWorktree, type Snapshot } from './snapshot.js';

/** Where archives live: `refs/lanes/archive/<name>/<timestamp>` (SPEC §7). */
export const ARCHIVE_PREFIX = 'refs/lanes/archive/';

export interface ArchiveResult {
  /** The archive ref, e.g. `refs/lanes/archive/fix-login/2025-01-01T10-20-30-123Z`. */
  ref: string;
  /** The archive commit: the worktree's files on top of its real HEAD (first parent). */
  commit: string;
  /** Ignored files included because they look like work. */
  includedIgnored: string[];
}

/**
 * What an archive commit's message carries after its subject line, as one JSON line, so that
 * `restoreLane` brings back the lane record and the exact staged state.
 */
export interface ArchiveMeta {
  version: 1;
  /** The lane record at the time of the archive. */
  lane: LaneRecord;
  /** The worktree's real HEAD (also the first parent). */
  head: string;
  /** The branch HEAD was on, undefined when detached. */
  headRef: string | undefined;
  /** The recorded branch's tip, when the branch existed (a parent when it differs from HEAD). */
  branchTip: string | undefined;
  /** A commit whose tree is the agent's index (a parent), when something was staged. */
  indexCommit: string | undefined;
  intentToAdd: string[];
  includedIgnored: string[];
  /** The worktree's folder was gone: the archive holds HEAD's tree only. */
  missing: boolean;
  /** Same content, parents and record: same fingerprint (repeated teardowns reuse the archive). */
  fingerprint: string;
  /**
   * Repositories inside the worktree (nested-store.ts): their files are in the archive's tree,
   * their refs under `refs/lanes/archive/<name>/nested/<stamp>/<path>/`. Absent in older archives.
   */
  nested?: NestedMeta[];
}

const META_TAG = 'lanes-archive: ';
/** Archive commits are made by lanes, with a fixed identity: they never fail on a missing user.name. */
const IDENTITY = { name: 'lanes', email: 'lanes@localhost' };

/** A lane with neither a worktree nor a branch left: there is nothing to archive. */
export class NothingToArchiveError extends LanesError {}

/** A ref-safe, sortable timestamp: `2025-01-01T10-20-30-123Z`. */
const refTimestamp = (date: Date): string => date.toISOString().replace(/[:.]/g, '-');

/** Refuse a name that cannot be part of an archive ref (the state file may have been edited). */
export const assertArchivableName = (name: string): void => {
  const problem = validateLaneName(name);
  if (problem !== undefined) throw usageError(`invalid lane name '${name.replace(/[\x00-\x1f\x7f]/g, '?')}': ${problem}`);
};

const commitEnv = (date: Date): Record<string, string> => {
  const stamp = `@${Math.floor(date.getTime() / 1000)} +0000`;
  return {
    GIT_AUTHOR_NAME: IDENTITY.name,
    GIT_AUTHOR_EMAIL: IDENTITY.email,
    GIT_COMMITTER_NAME: IDENTITY.name,
    GIT_COMMITTER_EMAIL: IDENTITY.email,
    GIT_AUTHOR_DATE: stamp,
    GIT_COMMITTER_DATE: stamp,
  };
};

const fingerprintOf = (snapshot: Snapshot, branchTip: string | undefined, lane: LaneRecord): string =>
  createHash('sha256')
    .update(
      JSON.stringify([
        snapshot.tree,
        snapshot.head,
        snapshot.headRef ?? '',
        snapshot.indexTree ?? '',
        branchTip ?? '',
        snapshot.intentToAdd,
        lane,
        // Only when there are any: an archive made before nested repositories were archived stays reusable.
        ...(snapshot.nested.length > 0 ? [snapshot.nested] : []),
      ]),
    )
    .digest('hex');

/** Parse the metadata line of an archive commit's message; undefined for anything else. */
export const parseArchiveMessage = (message: string): ArchiveMeta | undefined => {
  const line = message.split('\n').find((l) => l.startsWith(META_TAG));
  if (line === undefined) return undefined;
  try {
    const meta = JSON.parse(line.slice(META_TAG.length)) as ArchiveMeta;
    return meta.version === 1 && typeof meta.head === 'string' ? meta : undefined;
  } catch {
    return undefined;
  }
};

/** The metadata of an archive commit, or undefined when it is not one of ours. */
export const readArchiveMeta = async (repo: Repo, commit: string): Promise<ArchiveMeta | undefined> => {
  const result = await runGit(['cat-file', 'commit', commit], { cwd: repo.commonDir, readOnly: true });
  if (result.code !== 0) return undefined;
  const blank = result.stdout.indexOf('\n\n');
  return parseArchiveMessage(blank < 0 ? '' : result.stdout.slice(blank + 2));
};

const commitTree = async (repo: Repo, tree: string, parents: string[], message: string, date: Date): Promise<string> =>
  (
    await git(['commit-tree', tree, ...parents.flatMap((parent) => ['-p', parent])], {
      cwd: repo.commonDir,
      env: commitEnv(date),
      input: message,
    })
  ).trim();

/** Create `refs/lanes/archive/<name>/<timestamp>` (never overwriting one: `update-ref <ref> <new> ""`). */
const createArchiveRef = async (repo: Repo, name: string, commit: string, date: Date): Promise<string> => {
  const stamp = refTimestamp(date);
  for (let attempt = 0; attempt < 100; attempt++) {
    const ref = `${ARCHIVE_PREFIX}${name}/${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    const made = await runGit(['update-ref', '-m', 'lanes: archive', ref, commit, ''], { cwd: repo.commonDir });
    if (made.code === 0) return ref;
    const exists = await runGit(['show-ref', '--verify', '--quiet', ref], { cwd: repo.commonDir, readOnly: true });
    if (exists.code !== 0) throw new LanesError(`could not write the archive ref ${ref}: ${made.stderr.trim()}`);
  }
  throw new LanesError(`could not find a free archive ref for lane ${name}`);
};

const branchTipOf = async (repo: Repo, branch: string): Promise<string | undefined> => {
  const result = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repo.commonDir, readOnly: true });
  return result.code === 0 ? result.stdout.trim() : undefined;
};

export interface ArchiveInput {
  repo: Repo;
  lane: LaneRecord;
  now?: () => Date;
  /**
   * An earlier archive of this lane: when nothing changed since (same files, parents and record),
   * it is returned instead of writing a new one.
   */
  previous?: ArchiveResult;
  /** Where the worktree is now, when it was found away from `lane.worktree` (moved by the user). */
  worktree?: string;
  /** How nested repositories are judged (the size limit). */
  nested?: ScanOptions;
}

/**
 * Archive a lane (SPEC §7): a commit of the worktree's full state — tracked changes, untracked
 * files and ignored files that look like work — on top of its real HEAD (detached or on any
 * branch), made with a copy of its index, under `refs/lanes/archive/<name>/<timestamp>`. Parents:
 * HEAD; a commit of the staged state when something was staged; the recorded branch's tip when it
 * differs from HEAD, so everything the lane had stays reachable. Repositories inside the worktree
 * (an agent's `git init` or `git clone`, a changed submodule) are archived for real: their files in
 * the tree, their history copied under `refs/lanes/archive/<name>/nested/…` (nested-store.ts). A
 * worktree whose folder is gone — or not proven the lane's (locate.ts): nothing is read from it —
 * is archived as its HEAD (from git's worktree entry) and branch tip.
 */
export const archiveLane = async (input: ArchiveInput): Promise<ArchiveResult> => {
  const { repo, lane } = input;
  assertArchivableName(lane.name);
  const date = (input.now ?? (() => new Date()))();
  const location = await locateLane(repo, input.worktree === undefined ? lane : { ...lane, worktree: input.worktree });
  const branchTip = await branchTipOf(repo, lane.branch);
  let snapshot: Snapshot;
  if (location.proven) {
    snapshot = await snapshotWorktree(location.path, input.nested);
  } else {
    const head = location.entry?.head ?? branchTip;
    if (head === undefined) throw new NothingToArchiveError(`lane ${lane.name} has neither a worktree nor a branch: nothing to archive`);
    const tree = (await git(['rev-parse', `${head}^{tree}`], { cwd: repo.commonDir, readOnly: true })).trim();
    snapshot = { head, headRef: location.entry?.branch, tree, indexTree: undefined, intentToAdd: [], includedIgnored: [], nested: [] };
  }
  const fingerprint = fingerprintOf(snapshot, branchTip, lane);
  if (input.previous) {
    const previous = await readArchiveMeta(repo, input.previous.commit);
    if (previous?.fingerprint === fingerprint) return { ...input.previous, includedIgnored: previous.includedIgnored };
  }

  const indexCommit =
    snapshot.indexTree === undefined ? undefined : await commitTree(repo, snapshot.indexTree, [snapshot.head], `lanes: index of lane ${lane.name}\n`, date);
  const parents = [snapshot.head, ...(indexCommit ? [indexCommit] : []), ...(branchTip && branchTip !== snapshot.head ? [branchTip] : [])];
  const nested = await storeNested(location.path, repo.commonDir, lane.name, refTimestamp(date), snapshot.nested);
  const meta: ArchiveMeta = {
    version: 1,
    lane,
    head: snapshot.head,
    headRef: snapshot.headRef,
    branchTip,
    indexCommit,
    intentToAdd: snapshot.intentToAdd,
    includedIgnored: snapshot.includedIgnored,
    missing: location.proven === undefined,
    fingerprint,
    ...(nested.length > 0 ? { nested } : {}),
  };
  const on = snapshot.headRef ? snapshot.headRef.replace(/^refs\/heads\//, '') : `detached ${snapshot.head.slice(0, 12)}`;
  const message = `lanes: archive of lane ${lane.name} (${on})\n\n${META_TAG}${JSON.stringify(meta)}\n`;
  const commit = await commitTree(repo, snapshot.tree, parents, message, date);
  const ref = await createArchiveRef(repo, lane.name, commit, date);
  return { ref, commit, includedIgnored: snapshot.includedIgnored };
};

export interface ArchiveEntry {
  lane: string;
  ref: string;
  commit: string;
  /** When it was written (ISO). */
  at: string;
}

const atFromRef = (stamp: string): string | undefined => {
  const match = /^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)-(\d{3})Z/.exec(stamp);
  return match ? `${match[1]}:${match[2]}:${match[3]}.${match[4]}Z` : undefined;
};

/** Every archive of the repository (`lanes ls --archived`), newest first. */
export const listArchives = async (repo: Repo): Promise<ArchiveEntry[]> => {
  const output = await git(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)', ARCHIVE_PREFIX], {
    cwd: repo.commonDir,
    readOnly: true,
  });
  const entries: ArchiveEntry[] = [];
  for (const line of output.split('\n')) {
    const [ref, commit, date] = line.split('\0');
    if (!ref || !commit || !ref.startsWith(ARCHIVE_PREFIX)) continue;
    const rest = ref.slice(ARCHIVE_PREFIX.length);
    const slash = rest.lastIndexOf('/');
    // Lane names have no '/': deeper refs are a nested repository's (`<name>/nested/<stamp>/…`).
    if (slash <= 0 || rest.slice(0, slash).includes('/')) continue;
    entries.push({ lane: rest.slice(0, slash), ref, commit, at: atFromRef(rest.slice(slash + 1)) ?? date ?? '' });
  }
  return entries.sort((a, b) => (a.at === b.at ? b.ref.localeCompare(a.ref) : a.at < b.at ? 1 : -1));
};
