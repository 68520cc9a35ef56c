import { access, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isAlive } from '../file-lock.js';
import { Journal, type JournalEntry } from '../journal.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { rollBackCheckout } from './apply.js';
import { isAncestor, refTip } from './build.js';
import { gitPaths } from './checkout.js';
import { MergeBusyError, recordMerged, WIP_INDEX_SUFFIX, withMergeLock } from './record.js';
import { listForLine, processesIn, readStatus, statusPaths } from './status.js';
import type { MergeJournalData } from './types.js';
import { removeVerifyWorktree } from './verify.js';

const short = (sha: string): string => sha.slice(0, 7);

/**
 * Remove what an interrupted WIP commit left in the lane's git dir, if no git works there: a stale
 * `index.lock`, and the index copy it staged in (with that copy's lock) when its process is gone.
 */
const clearStaleLaneLock = async (worktree: string): Promise<string | undefined> => {
  const [lock, index] = (await gitPaths(worktree, ['index.lock', 'index'])) ?? [];
  if (!lock || !index || (await processesIn(worktree, { gitOnly: true })).length > 0) return undefined;
  const prefix = `${basename(index)}${WIP_INDEX_SUFFIX}`;
  for (const name of await readdir(dirname(index)).catch(() => [] as string[])) {
    const pid = Number(name.slice(prefix.length).replace(/\.lock$/, ''));
    if (name.startsWith(prefix) && Number.isInteger(pid) && !isAlive(pid)) await unlink(join(dirname(index), name)).catch(() => undefined);
  }
  if (!(await access(lock).then(() => true, () => false))) return undefined;
  await unlink(lock).catch(() => undefined);
  return `removed a stale index.lock in ${worktree}`;
};

/**
 * Settle one merge journal entry whose process is gone (or that failed unexpectedly), as
 * git-and-process-safety §8 F1 says, and forget it. Returns one line for a notice, or undefined
 * when the entry has to wait (a git process still works in the base checkout).
 */
export const recoverEntry = async (
  repo: Repo,
  store: StateStore,
  journal: Journal,
  entry: JournalEntry<MergeJournalData>,
): Promise<string | undefined> => {
  const { data } = entry;
  const what = `merge of lane ${entry.lane} into ${data.base}`;
  const extras: string[] = [];
  if (data.verifyDir && data.verifyWorktree) {
    await removeVerifyWorktree(repo, data.verifyDir, data.verifyWorktree);
    extras.push('removed its verify worktree');
  }
  if (entry.step === 'commit-wip') {
    const cleared = await clearStaleLaneLock(data.laneWorktree);
    if (cleared) extras.push(cleared);
  }
  const tail = extras.length > 0 ? ` (${extras.join('; ')})` : '';

  let line: string;
  const isApplying = entry.step === 'apply' || entry.step === 'record';
  if (!isApplying || data.result === undefined) {
    line = `${what} was interrupted before the base moved; nothing to undo${tail}`;
  } else {
    const result = data.result;
    const tip = await refTip(repo.commonDir, `refs/heads/${data.base}`);
    if (tip === result || (tip !== undefined && tip !== data.baseTip && (await isAncestor(repo.commonDir, result, tip)))) {
      await recordMerged(store, entry.lane, { tip: data.branchTip, at: new Date().toISOString(), result });
      const dirty = data.checkout === null ? [] : statusPaths(await readStatus(data.checkout).catch(() => []));
      const check = dirty.length > 0 ? `; ${data.checkout} has changes to look at: ${listForLine(dirty)}` : '';
      line = `${what} had completed; the lane is recorded as merged${check}${tail}`;
    } else if (tip === data.baseTip) {
      if (data.checkout !== null) {
        const rollback = await rollBackCheckout(data.checkout, data.baseTip, result);
        if (!rollback.ok && rollback.isBusy) return undefined;
        if (!rollback.ok) line = `${what} was interrupted; ${data.base} stays at ${short(data.baseTip)}, but ${rollback.reason}${tail}`;
        else {
          const restored = rollback.restored ? `, ${rollback.restored} file(s) in ${data.checkout} restored` : '';
          line = `${what} was interrupted and rolled back: ${data.base} stays at ${short(data.baseTip)}${restored}${tail}`;
        }
      } else line = `${what} was interrupted; ${data.base} stays at ${short(data.baseTip)}${tail}`;
    } else {
      line = `${what} was interrupted; ${data.base} has moved since, so nothing was done${tail}`;
    }
  }
  await journal.finish(entry);
  return line;
};

/** {@link recoverMerges} with the merge lock already held. */
export const recoverLocked = async (repo: Repo, store: StateStore): Promise<string[]> => {
  const journal = new Journal(repo);
  const lines: string[] = [];
  for (const entry of await journal.interrupted()) {
    if (entry.op !== 'merge') continue;
    try {
      const line = await recoverEntry(repo, store, journal, entry as JournalEntry<MergeJournalData>);
      if (line !== undefined) lines.push(line);
    } catch (error) {
      // Kept in the journal for the next attempt; one entry never blocks the others.
      lines.push(`could not settle the interrupted merge of lane ${entry.lane}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return lines;
};

/**
 * Finish or roll back every merge a crash interrupted (journal entries of op `merge` whose process
 * is gone; SPEC §8): a base already at the result is recorded as merged; a base still at its old
 * tip stays there, and a fast-forward cut short in its checkout is undone when every changed path
 * is one the merge touches; a leftover verify worktree is removed. Returns one line per operation,
 * for a notice. While another process merges, it does nothing and returns no lines.
 */
export const recoverMerges = async (repo: Repo, stateStore: StateStore): Promise<string[]> => {
  try {
    return await withMergeLock(repo, () => recoverLocked(repo, stateStore));
  } catch (error) {
    if (error instanceof MergeBusyError) return [];
    throw error;
  }
};
