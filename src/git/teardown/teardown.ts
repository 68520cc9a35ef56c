import type { LaneRecord } from '../../core/lane.js';
import { processStartTime } from '../../term/process-tree.js';
import { crashPoint } from '../crash-point.js';
import { Journal, type JournalEntry } from '../journal.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { archiveLane, assertArchivableName, listArchives, NothingToArchiveError, type ArchiveInput, type ArchiveResult } from './archive.js';
import { assessLoss, type LossReport } from './assess.js';
import { describeLoss } from './describe.js';
import { killLaneProcesses } from './kill.js';
import { locateLane } from './locate.js';
import { resolveBaseCommit } from './merged.js';
import { deleteBranchAt, forgetLane, removeWorktree } from './remove.js';

export type TeardownOutcome =
  | {
      kind: 'removed';
      /** The archive written first (undefined only when the lane had neither worktree nor branch). */
      archive: ArchiveResult | undefined;
      report: LossReport;
      /** Branches left in place, and why (the worktree's own other branch, a branch that moved). */
      kept: string[];
    }
  | { kind: 'refused'; reason: string; report: LossReport; archive?: ArchiveResult };

export interface TeardownInput {
  repo: Repo;
  lane: LaneRecord;
  /** Base branch work must be in to count as merged. */
  base: string;
  stateStore: StateStore;
  /** Tear down even when work would be lost (it is archived first). Never overrides a user's lock. */
  force?: boolean;
  /** The lane's agent pids (process group and session leaders). */
  rootPids?: number[];
  now?: () => Date;
  /** SIGTERM → SIGKILL grace period (default 3 s). */
  graceMs?: number;
}

/** A process recorded with its start time, so a recovery never signals a reused pid. */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/** The teardown's journal data: what recovery needs to finish it. */
export type TeardownData = {
  lane: LaneRecord;
  base: string;
  force: boolean;
  roots: ProcessIdentity[];
  archive?: ArchiveResult;
  /** Set at `remove-worktree`: the folder judged, the branch tip judged, the branch HEAD was on. */
  worktree?: string;
  branchTip?: string;
  headBranch?: string;
};

export const TEARDOWN_STEPS = ['archive', 'kill', 'remove-worktree', 'delete-branch', 'forget'] as const;

export interface TeardownContext {
  repo: Repo;
  store: StateStore;
  journal: Journal;
  now?: () => Date;
  graceMs?: number;
}

type Entry = JournalEntry<TeardownData>;

/** Record `step` before taking it (and stop here when a test asks for a crash at it). */
const stepTo = async (context: TeardownContext, entry: Entry, step: string, data: Partial<TeardownData> = {}): Promise<Entry> => {
  const next = await context.journal.step(entry, step, data);
  crashPoint('teardown', step);
  return next;
};

/** Why a teardown must not go on, or undefined. */
export const refusalOf = (report: LossReport, lane: LaneRecord, force: boolean): string | undefined => {
  if (report.lockedReason !== undefined) {
    return `the worktree of lane ${lane.name} is locked (${report.lockedReason}): lanes never removes a locked worktree; unlock it with git worktree unlock first`;
  }
  if (report.isLoss && !force) return `tearing down lane ${lane.name} would lose work: ${describeLoss(report, lane).join('; ')}`;
  return undefined;
};

/** Pids with their current start times; pids already gone are dropped. */
export const identify = async (pids: readonly number[]): Promise<ProcessIdentity[]> => {
  const found = await Promise.all(pids.map(async (pid) => ({ pid, startTime: await processStartTime(pid) })));
  return found.filter((p): p is ProcessIdentity => p.startTime !== undefined);
};

/** The recorded roots that are still the same processes. */
const liveRoots = async (roots: readonly ProcessIdentity[]): Promise<number[]> =>
  (await Promise.all(roots.map(async (root) => ((await processStartTime(root.pid)) === root.startTime ? root.pid : undefined)))).filter(
    (pid): pid is number => pid !== undefined,
  );

/** Archive the lane; undefined when it has nothing left to archive (no worktree, no branch). */
const archiveIfAny = (input: ArchiveInput): Promise<ArchiveResult | undefined> =>
  archiveLane(input).catch((error: unknown) => {
    if (error instanceof NothingToArchiveError) return undefined;
    throw error;
  });

type Continued = { kind: 'removed'; kept: string[]; archive: ArchiveResult | undefined } | { kind: 'refused'; reason: string; archive?: ArchiveResult };

/** The branch and state steps: delete the recorded branch by compare-and-swap, forget the lane. */
export const continueFromDeleteBranch = async (context: TeardownContext, entry: Entry): Promise<Continued> => {
  const { lane } = entry.data;
  const kept: string[] = [];
  const result = await deleteBranchAt(context.repo, lane.branch, entry.data.branchTip);
  if (result === 'moved') kept.push(`branch ${lane.branch} kept: it moved after the check`);
  if (result === 'checked-out') kept.push(`branch ${lane.branch} kept: another worktree has it checked out`);
  const headBranch = entry.data.headBranch;
  if (headBranch !== undefined && headBranch !== lane.branch) kept.push(`branch ${headBranch} kept: the worktree was on it`);
  const last = await stepTo(context, entry, 'forget');
  await forgetLane(context.store, lane.name);
  await context.journal.finish(last);
  return { kind: 'removed', kept, archive: entry.data.archive };
};

/** Remove the worktree (the archive exists and the checks passed), then the branch steps. */
export const continueFromRemove = async (context: TeardownContext, entry: Entry): Promise<Continued> => {
  const path = entry.data.worktree ?? entry.data.lane.worktree;
  const removed = await removeWorktree(context.repo, path, true);
  if (!removed.ok) {
    await context.journal.finish(entry);
    const where = entry.data.archive ? `; the archive ${entry.data.archive.ref} holds its files` : '';
    return { kind: 'refused', reason: `could not remove the worktree ${path}: ${removed.reason}${where}`, ...(entry.data.archive ? { archive: entry.data.archive } : {}) };
  }
  return continueFromDeleteBranch(context, await stepTo(context, entry, 'delete-branch'));
};

/**
 * From the kill step on: end the lane's processes, judge again (nothing may change after this),
 * archive again if anything changed since the first archive, then remove.
 */
export const continueFromKill = async (context: TeardownContext, entry: Entry): Promise<Continued & { report: LossReport }> => {
  const { repo } = context;
  const { lane, base, force } = entry.data;
  const location = await locateLane(repo, lane);
  const kill = await killLaneProcesses({
    worktree: location.path,
    rootPids: await liveRoots(entry.data.roots),
    ...(context.graceMs === undefined ? {} : { graceMs: context.graceMs }),
  });
  const report = await assessLoss({ repo, lane, base });
  const archive = await archiveIfAny({ repo, lane, ...(context.now ? { now: context.now } : {}), ...(entry.data.archive ? { previous: entry.data.archive } : {}) });
  const refusal =
    kill.remaining.length > 0 ? `processes of lane ${lane.name} are still running: ${kill.remaining.join(', ')}` : refusalOf(report, lane, force);
  if (refusal !== undefined) {
    await context.journal.finish(entry);
    return { kind: 'refused', reason: refusal, report, ...(archive ? { archive } : {}) };
  }
  const next = await stepTo(context, entry, 'remove-worktree', {
    ...(archive ? { archive } : {}),
    worktree: report.worktree,
    ...(report.branchTip ? { branchTip: report.branchTip } : {}),
    ...(report.headBranch ? { headBranch: report.headBranch } : {}),
  });
  return { ...(await continueFromRemove(context, next)), report };
};

const newestArchiveOf = async (repo: Repo, name: string): Promise<ArchiveResult | undefined> => {
  const newest = (await listArchives(repo)).find((archive) => archive.lane === name);
  return newest ? { ref: newest.ref, commit: newest.commit, includedIgnored: [] } : undefined;
};

/**
 * Tear a lane down (SPEC §7, git-and-process-safety §6), journaling each step before taking it:
 * `archive` (always, even when nothing would be lost; an unchanged lane reuses its newest archive),
 * then — unless the lane is locked, or work would be lost without `force` — `kill` (the whole
 * process tree and everything with its cwd in the worktree; the lane is judged and archived again
 * afterwards), `remove-worktree` (no `--force` unless only judged files block it; never `-f -f`),
 * `delete-branch` (compare-and-swap on the judged tip; another branch HEAD was on is kept) and
 * `forget` (the state record). A refusal removes nothing and does not touch the agent.
 */
export const teardownLane = async (input: TeardownInput): Promise<TeardownOutcome> => {
  const { repo, lane, base } = input;
  assertArchivableName(lane.name);
  // A base that does not exist is a usage problem: refused before anything is written.
  await resolveBaseCommit(repo.commonDir, base);
  const journal = new Journal(repo);
  const context: TeardownContext = {
    repo,
    store: input.stateStore,
    journal,
    ...(input.now ? { now: input.now } : {}),
    ...(input.graceMs === undefined ? {} : { graceMs: input.graceMs }),
  };
  const data: TeardownData = { lane, base, force: input.force === true, roots: await identify(input.rootPids ?? []) };
  let entry: Entry = await journal.begin('teardown', lane.name, 'archive', data);
  crashPoint('teardown', 'archive');
  let destructive = false;
  try {
    const previous = await newestArchiveOf(repo, lane.name);
    const archive = await archiveIfAny({ repo, lane, ...(input.now ? { now: input.now } : {}), ...(previous ? { previous } : {}) });
    const before = await assessLoss({ repo, lane, base });
    const refusal = refusalOf(before, lane, data.force);
    if (refusal !== undefined) {
      await journal.finish(entry);
      return { kind: 'refused', reason: refusal, report: before, ...(archive ? { archive } : {}) };
    }
    entry = await stepTo(context, entry, 'kill', archive ? { archive } : {});
    destructive = true;
    const result = await continueFromKill(context, entry);
    if (result.kind === 'refused') return { kind: 'refused', reason: result.reason, report: result.report, ...(result.archive ? { archive: result.archive } : {}) };
    return { kind: 'removed', archive: result.archive, report: result.report, kept: result.kept };
  } catch (error) {
    // Before the kill nothing was changed: the entry goes. After it, the entry stays so that the
    // next start (recoverTeardowns) finishes or reports the teardown.
    if (!destructive) await journal.finish(entry);
    throw error;
  }
};
