import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentSpec, LaneRecord } from '../../core/lane.js';
import { runGit } from '../exec.js';
import type { Journal, JournalEntry } from '../journal.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { completeUnfinishedAdmin, listWorktrees, removeUnfinishedAdmin } from '../worktrees.js';
import { withFileLock } from '../file-lock.js';
import { CREATE_LOCK } from '../lane-create.js';
import { stateDir } from '../paths.js';
import { readArchiveMeta } from './archive.js';
import { processesInside } from './kill.js';
import { samePath } from './locate.js';
import { deleteBranchAt } from './remove.js';
import { recordRestored, restoredRecord, type CreateData } from './restore.js';
import { restoreArchiveFiles } from './restore-files.js';

/** What lane-create.ts journals besides the common create data. */
type CreateEntryData = CreateData & { agent?: AgentSpec; base?: string };

const isCreateData = (data: unknown): data is CreateEntryData => {
  const d = data as Partial<CreateEntryData> | undefined;
  return typeof d?.path === 'string' && typeof d.branch === 'string' && typeof d.baseSha === 'string';
};

const isEmptyDir = async (path: string): Promise<boolean | undefined> =>
  readdir(path).then(
    (names) => names.length === 0,
    () => undefined,
  );

/** Nothing in the worktree but what the checkout wrote: no change, no untracked or ignored file. */
const isPristine = async (path: string): Promise<boolean> => {
  const status = await runGit(['status', '--porcelain', '-z', '--ignored', '--untracked-files=all'], { cwd: path, readOnly: true });
  return status.code === 0 && status.stdout === '';
};

/** Keep an incomplete lane visible: record it (unless a lane has the name) so the user can look and `lanes rm` it. */
const keepAsLane = async (store: StateStore, entry: JournalEntry<CreateEntryData>): Promise<void> => {
  const { path, branch, baseSha } = entry.data;
  const lane: LaneRecord = {
    name: entry.lane,
    branch,
    worktree: path,
    agent: entry.data.agent ?? { kind: 'preset', preset: 'shell', command: process.env.SHELL || '/bin/sh', args: [] },
    base: entry.data.base ?? '',
    forkPoint: baseSha,
    createdAt: entry.startedAt,
    ready: false,
  };
  await store.update((state) => (state.lanes.some((l) => l.name === lane.name) ? state : { ...state, lanes: [...state.lanes, lane] }));
};

/**
 * Finish or roll back a lane creation (or restore) that a crash interrupted
 * (git-and-process-safety §8 F2). Recorded in the state: it completed. Interrupted while restoring
 * files: the restore is run again from the archive. Otherwise the half-made worktree is rolled back
 * only when it is certainly ours and empty of work — its branch still at the base commit, no
 * process in it, and either git's own `initializing` lock (`worktree remove -f -f`, the one place
 * lanes uses it) or a pristine checkout (plain `worktree remove`) — and then the branch by
 * compare-and-swap. Anything else is kept and recorded as a lane for the user to judge.
 */
export const recoverCreate = async (repo: Repo, store: StateStore, journal: Journal, entry: JournalEntry): Promise<string> => {
  if (!isCreateData(entry.data)) {
    await journal.finish(entry);
    return `dropped an unreadable creation journal entry for lane ${entry.lane}`;
  }
  const typed = entry as JournalEntry<CreateEntryData>;
  const { path, branch, baseSha, restore } = typed.data;
  const name = entry.lane;
  if ((await store.load()).state.lanes.some((lane) => lane.name === name && lane.worktree === path)) {
    await journal.finish(entry);
    return `the interrupted creation of lane ${name} had completed`;
  }

  const ref = `refs/heads/${branch}`;
  // Killed while git wrote the entry's commondir: no listing of the repository works until it is there.
  await completeUnfinishedAdmin(repo, path);
  let registered;
  for (const candidate of (await listWorktrees(repo)).slice(1)) if (await samePath(candidate.path, path)) registered = candidate;

  if (entry.step === 'restore-files' && restore && registered?.branch === ref) {
    const meta = await readArchiveMeta(repo, restore.commit);
    if (meta) {
      await restoreArchiveFiles(path, restore.commit, meta);
      await recordRestored(store, await restoredRecord(repo, meta, name, branch, path, entry.startedAt));
      await journal.finish(entry);
      return `finished restoring lane ${name} from ${restore.ref}`;
    }
  }

  const tip = await runGit(['rev-parse', '--verify', '--quiet', ref], { cwd: repo.commonDir, readOnly: true });
  const atBase = tip.code === 0 && tip.stdout.trim() === baseSha;
  if (registered) {
    const initializing = registered.locked === 'initializing';
    // A killed `worktree add` may not have pointed the entry's HEAD at the branch yet (detached at
    // the null commit); the entry is at our journaled path and still locked by git: it is ours.
    const onBranch = registered.branch === ref || (initializing && registered.branch === undefined);
    const ours = onBranch && atBase && (await processesInside(path)).length === 0;
    const pristine = ours && (initializing || (registered.locked === undefined && (await isPristine(path))));
    if (!pristine) {
      await keepAsLane(store, typed);
      await journal.finish(entry);
      return `lane ${name} was left incomplete by an interrupted creation; it is kept at ${path} for you to check (lanes rm ${name} removes it safely)`;
    }
    const force = initializing ? ['--force', '--force'] : [];
    const removed = await runGit(['worktree', 'remove', ...force, '--', path], { cwd: repo.mainWorktree });
    if (removed.code !== 0) return `could not roll back the interrupted creation of lane ${name}: ${removed.stderr.trim()}`;
  } else {
    // Under the creation lock (recover.lock, then create.lock: never the other way round), so that
    // another lanes process adding a worktree right now is not touched. A long creation elsewhere
    // is not waited for: the entry stays and is settled at a later start.
    await withFileLock(join(stateDir(repo), 'create.lock'), () => removeUnfinishedAdmin(repo, path, true), { ...CREATE_LOCK, timeoutMs: 5_000 });
    if ((await isEmptyDir(path)) === true) await rmdir(path).catch(() => undefined);
  }

  const kept: string[] = [];
  if (tip.code === 0) {
    const result = await deleteBranchAt(repo, branch, baseSha);
    if (result !== 'deleted') kept.push(`branch ${branch} kept (${result === 'moved' ? 'it has commits' : 'checked out elsewhere'})`);
    // A branch with commits nobody recorded would be invisible to lanes: record it as a lane.
    if (result === 'moved') await keepAsLane(store, typed);
  }
  if (!registered && (await isEmptyDir(path)) === false) kept.push(`${path} kept (not a worktree git knows)`);
  await journal.finish(entry);
  return `rolled back the interrupted creation of lane ${name}${kept.length > 0 ? `; ${kept.join('; ')}` : ''}`;
};
