import { lstat, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../../config/schema.js';
import { LanesError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { branchNameFor } from '../../core/names.js';
import { crashPoint } from '../crash-point.js';
import { stampWorktree } from '../lane-stamp.js';
import { GitError, runGit } from '../exec.js';
import { withFileLock } from '../file-lock.js';
import { Journal } from '../journal.js';
import { assertLaneName, defaultWorktreePath } from '../lane-create.js';
import { stateDir } from '../paths.js';
import { branchExists, mainBranch, type Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { listWorktrees } from '../worktrees.js';
import { listArchives, readArchiveMeta, type ArchiveMeta } from './archive.js';
import { samePath } from './locate.js';
import { restoreArchiveFiles } from './restore-files.js';

export interface RestoreInput {
  repo: Repo;
  name: string;
  stateStore: StateStore;
  config: Config;
}

/** The create journal's data (lane-create.ts writes the same shape; restore adds `restore`). */
export type CreateData = {
  path: string;
  branch: string;
  /** Where the branch was created: a rollback deletes it only while it still points there. */
  baseSha: string;
  restore?: { ref: string; commit: string };
};

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

/** The lane record a restored lane gets: the archived one at its new place, else a plain shell lane. */
export const restoredRecord = async (repo: Repo, meta: ArchiveMeta, name: string, branch: string, path: string, createdAt: string): Promise<LaneRecord> => {
  if (meta.lane && typeof meta.lane === 'object' && meta.lane.agent) {
    const { setupPid: _setup, ...lane } = meta.lane;
    return { ...lane, name, branch, worktree: path, ready: false };
  }
  const base = (await mainBranch(repo)) ?? '';
  return {
    name,
    branch,
    worktree: path,
    agent: { kind: 'preset', preset: 'shell', command: process.env.SHELL || '/bin/sh', args: [] },
    base,
    forkPoint: meta.head,
    createdAt,
    ready: false,
  };
};

/** Write the restored lane to the state, refusing a name taken meanwhile. */
export const recordRestored = async (store: StateStore, lane: LaneRecord): Promise<void> => {
  await store.update((state) => {
    if (state.lanes.some((l) => l.name === lane.name)) throw new LanesError(`a lane named ${lane.name} already exists`);
    return { ...state, lanes: [...state.lanes, lane] };
  });
};

const gitOrThrow = async (args: string[], cwd: string): Promise<void> => {
  const result = await runGit(args, { cwd, timeoutMs: 15 * 60_000 });
  if (result.code !== 0) throw new GitError(args, result);
};

/**
 * Bring a torn-down lane back from its newest archive (`lanes restore NAME`): its branch again at
 * the archive's HEAD (`git branch --no-track`, never over an existing branch), its worktree at the
 * default path, its files — changes, untracked and ignored ones — restored uncommitted with the
 * same staged state, and its record (agent, base, fork point, prompt…) from the archive. Journaled
 * as a creation, so a crash half-way is rolled back or finished by `recoverTeardowns`.
 */
export const restoreLane = async (input: RestoreInput): Promise<LaneRecord> => {
  const { repo, name, stateStore: store, config } = input;
  assertLaneName(name);
  const archive = (await listArchives(repo)).find((entry) => entry.lane === name);
  if (!archive) throw new LanesError(`lane ${name} has no archive`, { hint: 'lanes ls --archived lists the archives' });
  const meta = await readArchiveMeta(repo, archive.commit);
  if (!meta) throw new LanesError(`${archive.ref} is not a lanes archive`);
  if ((await store.load()).state.lanes.some((lane) => lane.name === name)) {
    throw new LanesError(`a lane named ${name} already exists`, { hint: 'tear it down first, or restore under another name by hand' });
  }
  const branch = branchNameFor(config.branchPrefix, name);
  if (await branchExists(repo, branch)) {
    throw new LanesError(`branch ${branch} already exists`, { hint: 'lanes never reuses or resets an existing branch' });
  }
  const path = defaultWorktreePath(repo, config, name);
  if (await exists(path)) throw new LanesError(`${path} already exists`, { hint: 'move it away first' });
  for (const entry of await listWorktrees(repo)) {
    if (await samePath(entry.path, path)) throw new LanesError(`a git worktree is already registered at ${path}`);
  }

  const journal = new Journal(repo);
  const data: CreateData = { path, branch, baseSha: meta.head, restore: { ref: archive.ref, commit: archive.commit } };
  let entry = await journal.begin('create', name, 'branch', data);
  let branchMade = false;
  let worktreeAdded = false;
  try {
    await mkdir(dirname(path), { recursive: true });
    await withFileLock(
      join(stateDir(repo), 'create.lock'),
      async () => {
        await gitOrThrow(['branch', '--no-track', '--', branch, meta.head], repo.mainWorktree);
        branchMade = true;
        entry = await journal.step(entry, 'worktree-add');
        crashPoint('create', 'worktree-add');
        worktreeAdded = true;
        await gitOrThrow(['worktree', 'add', '--', path, branch], repo.mainWorktree);
      },
      { label: 'lane creation', timeoutMs: 15 * 60_000, staleMs: 15 * 60_000 },
    );
    entry = await journal.step(entry, 'restore-files');
    crashPoint('create', 'restore-files');
    await restoreArchiveFiles(path, archive.commit, meta);
    const lane = await restoredRecord(repo, meta, name, branch, path, new Date().toISOString());
    await stampWorktree(path, { name: lane.name, createdAt: lane.createdAt });
    await recordRestored(store, lane);
    await journal.finish(entry);
    return lane;
  } catch (error) {
    // Everything restored came from the archive, which stays: undo what this call made.
    const left: string[] = [];
    if (worktreeAdded) {
      const removed = await runGit(['worktree', 'remove', '--force', '--', path], { cwd: repo.mainWorktree });
      if (removed.code !== 0 && (await exists(path))) left.push(`worktree ${path}`);
    }
    if (branchMade && left.length === 0) {
      const deleted = await runGit(['update-ref', '-d', `refs/heads/${branch}`, meta.head], { cwd: repo.mainWorktree });
      if (deleted.code !== 0) left.push(`branch ${branch}`);
    }
    if (left.length === 0) await journal.finish(entry);
    const detail = error instanceof Error ? error.message : String(error);
    throw new LanesError(`could not restore lane ${name}: ${detail}${left.length > 0 ? `; left behind: ${left.join(', ')}` : ''}`, { cause: error });
  }
};
