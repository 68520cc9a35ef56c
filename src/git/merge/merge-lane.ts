import { isLanesError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { copyFile, open, rename, unlink } from 'node:fs/promises';
import { failureLine, runGit } from '../exec.js';
import { mergeSpaceRefusal } from '../free-space.js';
import { Journal, type JournalEntry } from '../journal.js';
import { applyResult, checkApplied } from './apply.js';
import { gitPaths } from './checkout.js';
import { commitResult } from './build.js';
import { planMerge } from './plan.js';
import { crashPointForTests, recordConflict, recordMerged, WIP_INDEX_SUFFIX, withMergeLock } from './record.js';
import { recoverEntry, recoverLocked } from './recover.js';
import { listForLine } from './status.js';
import type { MergeInput, MergeJournalData, MergeOutcome, MergePlan, MergeStep } from './types.js';
import { addVerifyWorktree, makeVerifyDir, removeVerifyWorktree, runVerify } from './verify.js';

/** Thrown inside a merge to stop it with one line for the user; nothing has been changed. */
class Refusal extends Error {}

const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

const wipMessage = (name: string): string => `lanes: work in progress on ${name}`;

/**
 * Commit everything in the lane's worktree on its branch (`--commit-wip`): the one write there.
 * Staged through a copy of the lane's index (GIT_INDEX_FILE), so a refusal (a pre-commit hook
 * that fails, a full disk) leaves the agent's index exactly as it was; only a commit that landed
 * replaces the index, with the copy that matches the new HEAD.
 */
const commitWip = async (lane: LaneRecord): Promise<void> => {
  const cwd = lane.worktree;
  const index = (await gitPaths(cwd, ['index']))?.[0] ?? refuse(`could not commit the lane's changes: git cannot read ${cwd}`);
  const copy = `${index}${WIP_INDEX_SUFFIX}${process.pid}`;
  // git's own lock on the index, held throughout: no `git add` of the agent's can write the index
  // meanwhile (and be undone by the copy replacing it), and one under way makes this refuse.
  const lock = `${index}.lock`;
  const held = await open(lock, 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') refuse(`could not commit the lane's changes: a git process holds its index (${lock}); nothing was changed, try again`);
    throw error;
  });
  await held.close();
  try {
    await copyFile(index, copy).catch((error: NodeJS.ErrnoException) => {
      // No index yet (nothing was ever staged): git starts the copy empty.
      if (error.code !== 'ENOENT') throw error;
    });
    for (const args of [['add', '-A'], ['commit', '-q', '-m', wipMessage(lane.name)]]) {
      const result = await runGit(args, { cwd, env: { GIT_INDEX_FILE: copy } });
      if (result.code !== 0) refuse(`could not commit the lane's changes (git ${args[0]}): ${failureLine(result.stderr, result.code)}; nothing was changed`);
    }
    await rename(copy, index);
  } finally {
    await unlink(copy).catch(() => undefined);
    await unlink(lock).catch(() => undefined);
  }
};

/** The refusals of SPEC §6.1 that a plan shows, in order. */
const planRefusal = (plan: MergePlan, input: MergeInput): string | undefined => {
  if (plan.uncommitted.length > 0 && !input.commitWip) {
    return `lane ${plan.lane.name} has uncommitted changes: ${listForLine(plan.uncommitted)}; commit them first or choose to commit them`;
  }
  return plan.refusal;
};

/**
 * Merge one lane into its base (SPEC §6, git-and-process-safety §6), holding lanes' merge lock:
 * preconditions refused with nothing touched; the result built off-tree (`merge-tree --write-tree`
 * + `commit-tree`); `verify` run on it in a temporary worktree; then the base moved by
 * `merge --ff-only` in its checkout or a compare-and-swap `update-ref`. Every step is journaled
 * before it is taken. Expected failures come back as outcomes, never as exceptions.
 */
export const mergeLane = async (input: MergeInput): Promise<MergeOutcome> => {
  try {
    return await withMergeLock(input.repo, () => mergeLocked(input));
  } catch (error) {
    if (error instanceof Refusal) return { kind: 'refused', reason: error.message };
    if (isLanesError(error)) return { kind: 'refused', reason: error.line };
    throw error;
  }
};

/**
 * The lane as given, with what the state file knows about its last merge: a caller's record may
 * predate it, and the next merge of a squash-merged lane depends on it.
 */
const withStoredMerge = async (input: MergeInput): Promise<LaneRecord> => {
  const stored = (await input.stateStore.load()).state.lanes.find((candidate) => candidate.name === input.lane.name);
  if (!stored) return input.lane;
  const { merged: _given, ...lane } = input.lane;
  return stored.merged ? { ...lane, merged: stored.merged } : lane;
};

const mergeLocked = async (input: MergeInput): Promise<MergeOutcome> => {
  const { repo, stateStore } = input;
  const squash = input.squash ?? false;
  const recovered = await recoverLocked(repo, stateStore);
  if (recovered.length > 0) input.onNotice?.(recovered);
  const lane = await withStoredMerge(input);

  let plan = await planMerge({ repo, lane, squash });
  const refusal = planRefusal(plan, input);
  if (refusal) return { kind: 'refused', reason: refusal };
  if (plan.prediction.clean) {
    const hasVerify = Boolean(input.verify?.trim());
    const space = await mergeSpaceRefusal(repo, { baseTip: plan.baseTip, tree: plan.prediction.tree, checkout: plan.checkout, hasVerify });
    if (space) return { kind: 'refused', reason: space };
  }

  const journal = new Journal(repo);
  let entry: JournalEntry<MergeJournalData> | undefined;
  const step = async (name: MergeStep, data: Partial<MergeJournalData> = {}): Promise<void> => {
    entry = entry
      ? await journal.step(entry, name, data)
      : await journal.begin<MergeJournalData>('merge', lane.name, name, {
          base: plan.base,
          branch: lane.branch,
          baseTip: plan.baseTip,
          branchTip: plan.branchTip,
          squash,
          checkout: plan.checkout ?? null,
          laneWorktree: lane.worktree,
          ...data,
        });
    crashPointForTests(name);
  };

  try {
    if (plan.uncommitted.length > 0) {
      await step('commit-wip');
      // Committed and checked again while the agent is paused (when the caller pauses it).
      const commitAndCheck = async (): Promise<void> => {
        await commitWip(lane);
        plan = await planMerge({ repo, lane, squash });
        if (plan.uncommitted.length > 0) refuse(`the lane's worktree changed while its work was being committed: ${listForLine(plan.uncommitted)}`);
      };
      await (input.aroundWip ? input.aroundWip(lane.name, commitAndCheck) : commitAndCheck());
      const again = planRefusal(plan, input);
      if (again) refuse(again);
    }
    if (!plan.prediction.clean) {
      await recordConflict(stateStore, lane.name, plan.prediction.conflicts);
      if (entry) await journal.finish(entry);
      return { kind: 'conflict', files: plan.prediction.conflicts };
    }

    await step('build', { baseTip: plan.baseTip, branchTip: plan.branchTip, checkout: plan.checkout ?? null });
    const result = await commitResult(repo.commonDir, {
      tree: plan.prediction.tree,
      baseTip: plan.baseTip,
      branchTip: plan.branchTip,
      since: plan.since,
      squash,
      message: plan.message,
    });

    const command = input.verify?.trim() ? input.verify : undefined;
    if (command !== undefined) {
      const verify = await makeVerifyDir();
      await step('verify', { result, verifyDir: verify.dir, verifyWorktree: verify.worktree });
      let outcome;
      try {
        await addVerifyWorktree(repo, verify.worktree, result);
        outcome = await runVerify(command, verify.worktree, {
          ...(input.onVerifyOutput ? { onOutput: input.onVerifyOutput } : {}),
          ...(input.verifyTimeoutMs === undefined ? {} : { timeoutMs: input.verifyTimeoutMs }),
        });
      } finally {
        await removeVerifyWorktree(repo, verify.dir, verify.worktree);
      }
      if (outcome.code !== 0) {
        if (entry) await journal.finish(entry);
        const how = outcome.timedOut ? 'timed out' : `exit ${outcome.code}`;
        return { kind: 'verify-failed', code: outcome.code, output: outcome.output, reason: `verify failed (${how}): ${command}` };
      }
    }

    const applyInput = { base: plan.base, baseTip: plan.baseTip, result, checkout: plan.checkout ?? null, reflogMessage: `lanes: merge lane ${lane.name}` };
    await step('apply', { result });
    const applied = await applyResult(repo, applyInput);
    if (!applied.ok) refuse(applied.reason);

    await step('record');
    const problem = await checkApplied(repo, applyInput);
    await recordMerged(stateStore, lane.name, { tip: plan.branchTip, at: (input.now?.() ?? new Date()).toISOString(), result });
    if (entry) await journal.finish(entry);
    return problem ? { kind: 'merged', result, squash, warning: problem } : { kind: 'merged', result, squash };
  } catch (error) {
    if (!entry) throw error;
    // A refusal changed nothing (a refused fast-forward included): forget the entry. Changes in
    // the base checkout seen now may be the user's own, made meanwhile; they are never rolled back.
    if (error instanceof Refusal) await journal.finish(entry);
    // Anything unexpected: settle the entry the way a restart would (remove the verify worktree,
    // finish or roll back).
    else await recoverEntry(repo, stateStore, journal, entry);
    throw error;
  }
};
