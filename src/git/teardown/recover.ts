import { git, runGit, splitZ } from '../exec.js';
import { withFileLock } from '../file-lock.js';
import { Journal, type JournalEntry } from '../journal.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { headOf, isArchived } from './last-look.js';
import { relinkHalfRemoved } from './prove.js';
import { recoverCreate } from './recover-create.js';
import { forgetLane } from './remove.js';
import { RECOVERY_LOCK, recoveryLockPath, releaseEntryLock } from './settle.js';
import { snapshotWorktree } from './snapshot.js';
import {
  continueFromDeleteBranch,
  continueFromKill,
  continueFromRemove,
  locateJudged,
  type TeardownContext,
  type TeardownData,
} from './teardown.js';

type Entry = JournalEntry<TeardownData>;

const isTeardownData = (data: unknown): data is TeardownData => {
  const d = data as Partial<TeardownData> | undefined;
  return typeof d?.lane?.name === 'string' && typeof d.lane.branch === 'string' && typeof d.lane.worktree === 'string' && typeof d.base === 'string';
};

/**
 * True when the worktree holds nothing the archive lacks: compared with the archive's tree, its
 * current state (made the same way) only misses files — a removal that a crash cut short.
 */
const onlyLostFilesSinceArchive = async (repo: Repo, worktree: string, archiveCommit: string): Promise<boolean> => {
  const snapshot = await snapshotWorktree(worktree);
  const changes = splitZ(
    await git(['diff-tree', '-r', '-z', '--no-renames', '--name-status', `${archiveCommit}^{tree}`, snapshot.tree], { cwd: repo.commonDir, readOnly: true }),
  );
  for (let index = 0; index < changes.length; index += 2) if (changes[index] !== 'D') return false;
  return true;
};

const branchTipNow = async (repo: Repo, branch: string): Promise<string | undefined> => {
  const result = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], { cwd: repo.commonDir, readOnly: true });
  return result.code === 0 ? result.stdout.trim() : undefined;
};

/**
 * Why an interrupted teardown must not go on with the lane as it is now, or undefined: the entry
 * acts only on the object it was written for — the same lane record (creation time) and, from the
 * kill step on, the same worktree HEAD and branch tip it judged.
 */
const unboundReason = async (context: TeardownContext, entry: Entry): Promise<{ drop: string } | { stop: string } | undefined> => {
  const { lane } = entry.data;
  const current = (await context.store.load()).state.lanes.find((record) => record.name === lane.name);
  if (current === undefined) {
    return entry.step === 'forget' || entry.step === 'delete-branch' ? undefined : { drop: `lane ${lane.name} is no longer recorded` };
  }
  if (current.createdAt !== lane.createdAt) return { drop: `lane ${lane.name} is now a newer lane (created ${current.createdAt}), left as it is` };
  if (entry.step !== 'kill' && entry.step !== 'remove-worktree') return undefined;
  const tip = await branchTipNow(context.repo, lane.branch);
  if (entry.data.branchTip !== undefined && tip !== entry.data.branchTip) return { stop: `branch ${lane.branch} moved since the teardown judged it` };
  const location = await locateJudged(context.repo, entry.data);
  if (location.proven && entry.data.head !== undefined) {
    const head = await headOf(location.path);
    if (head !== undefined && head !== entry.data.head && !(await isArchived(context.repo, head, entry.data.archive?.commit))) {
      return { stop: `the worktree's HEAD moved since the teardown judged it` };
    }
  }
  return undefined;
};

/** Continue a teardown from its recorded step; every step can be taken again safely. */
const resumeTeardown = async (context: TeardownContext, entry: Entry): Promise<string> => {
  const { lane } = entry.data;
  const done = (result: { kind: 'removed'; kept: string[] } | { kind: 'refused'; reason: string }): string =>
    result.kind === 'removed'
      ? `finished the interrupted teardown of lane ${lane.name}${entry.data.archive ? ` (archive ${entry.data.archive.ref})` : ''}${result.kept.length > 0 ? `; ${result.kept.join('; ')}` : ''}`
      : `the interrupted teardown of lane ${lane.name} stopped: ${result.reason}`;

  // Its process died holding the worktree's HEAD: the lock is dropped whatever happens next.
  await releaseEntryLock(entry);
  if (entry.step === 'archive') {
    // Nothing had been changed yet (an archive ref may exist; it is harmless).
    await context.journal.finish(entry);
    return `the teardown of lane ${lane.name} was interrupted before anything was removed; the lane is kept`;
  }
  const unbound = await unboundReason(context, entry);
  if (unbound !== undefined) {
    await context.journal.finish(entry);
    return 'drop' in unbound
      ? `dropped an interrupted teardown of lane ${lane.name}: ${unbound.drop}`
      : `the interrupted teardown of lane ${lane.name} stopped: ${unbound.stop}; nothing more was done (lanes rm ${lane.name} judges it again)`;
  }
  switch (entry.step) {
    case 'kill':
      return done(await continueFromKill(context, entry));
    case 'remove-worktree': {
      const { adminDir, worktree } = entry.data;
      if (adminDir !== undefined && worktree !== undefined) await relinkHalfRemoved(context.repo, worktree, adminDir);
      const location = await locateJudged(context.repo, entry.data);
      const archive = entry.data.archive;
      if (location.proven && (archive === undefined || !(await onlyLostFilesSinceArchive(context.repo, location.path, archive.commit)))) {
        // The worktree gained something after the crash: judge it all again.
        return done(await continueFromKill(context, entry));
      }
      return done(await continueFromRemove(context, { ...entry, data: { ...entry.data, worktree: location.path } }));
    }
    case 'delete-branch':
      return done(await continueFromDeleteBranch(context, entry));
    case 'forget':
      await forgetLane(context.store, lane.name);
      await context.journal.finish(entry);
      return done({ kind: 'removed', kept: [] });
    default:
      return `the teardown of lane ${lane.name} stopped at an unknown step '${entry.step}'; its journal entry is kept`;
  }
};

/**
 * Finish what crashed lanes processes left half done (SPEC §8): interrupted teardowns continue
 * from their recorded step when their archive exists (or stop with the reason, removing nothing
 * more), and interrupted creations are rolled back or finished (recover-create.ts). Only entries
 * whose owner process is gone are touched; merges are left to the merge recovery. Returns one
 * message per entry for the user.
 */
export const recoverTeardowns = async (repo: Repo, stateStore: StateStore): Promise<string[]> => {
  const journal = new Journal(repo);
  return withFileLock(
    recoveryLockPath(repo),
    async () => {
      const messages: string[] = [];
      for (const entry of await journal.interrupted()) {
        try {
          if (entry.op === 'create') {
            messages.push(await recoverCreate(repo, stateStore, journal, entry));
          } else if (entry.op === 'teardown') {
            if (!isTeardownData(entry.data)) {
              messages.push(`the journal entry ${entry.id} of a teardown of lane ${entry.lane} is unreadable; it is kept`);
              continue;
            }
            messages.push(await resumeTeardown({ repo, store: stateStore, journal, isRecovery: true }, entry as Entry));
          }
        } catch (error) {
          messages.push(`could not recover the interrupted ${entry.op} of lane ${entry.lane}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      return messages;
    },
    // A recovery kills processes (3 s grace) and removes worktrees: minutes on a large checkout.
    RECOVERY_LOCK,
  );
};
