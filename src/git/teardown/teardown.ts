import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-file.js';
import { runGit } from '../exec.js';
import { LanesError } from '../../core/errors.js';
import { laneMarker, type LaneRecord } from '../../core/lane.js';
import { processStartTime } from '../../term/process-tree.js';
import { crashPoint } from '../crash-point.js';
import { Journal, type JournalEntry } from '../journal.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';
import { archiveLane, assertArchivableName, listArchives, NothingToArchiveError, type ArchiveInput, type ArchiveResult } from './archive.js';
import { assessLoss, type LossReport } from './assess.js';
import { describeLoss } from './describe.js';
import { lockHead, releaseHead } from './head-lock.js';
import { killLaneProcesses } from './kill.js';
import { headOf, isArchived, keepReachable } from './last-look.js';
import { locateLane, type LaneLocation } from './locate.js';
import { resolveBaseCommit } from './merged.js';
import { relinkWorktree } from './prove.js';
import { deleteBranchAt, forgetLane, removeWorktree } from './remove.js';
import { markDone, markRunning, settleOlderTeardowns } from './settle.js';
import { entryPath } from './prove.js';

export type TeardownOutcome =
  | {
      kind: 'removed';
      /** The archive written first (undefined only when the lane had neither worktree nor branch). */
      archive: ArchiveResult | undefined;
      report: LossReport;
      /** Branches left in place, and why (the worktree's own other branch, a branch that moved). */
      kept: string[];
      /** Earlier interrupted teardowns of this lane this one settled, one line each. */
      notices: string[];
    }
  | {
      kind: 'refused';
      reason: string;
      report: LossReport;
      archive?: ArchiveResult;
      /** `--force` would go ahead (work would be lost, archived first); false for every other refusal. */
      isForceable: boolean;
      notices: string[];
    };

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
  /** Processes a running UI names as the lane's (pid and start time): each ended alone, if still the same. */
  namedProcesses?: ProcessIdentity[];
  now?: () => Date;
  /** SIGTERM → SIGKILL grace period (default 3 s). */
  graceMs?: number;
}

/** A process recorded with its start time, so a recovery never signals a reused pid. */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/** The teardown's journal data: what recovery needs to finish it, and what binds it to its lane. */
export type TeardownData = {
  /** The lane record judged (its `createdAt` tells it from a later lane of the same name). */
  lane: LaneRecord;
  base: string;
  force: boolean;
  roots: ProcessIdentity[];
  /** Processes named by a running UI: ended one by one, never as group or session leaders. */
  named?: ProcessIdentity[];
  archive?: ArchiveResult;
  /** The worktree's HEAD and the branch tip as judged (at `kill`, again at `remove-worktree`). */
  head?: string;
  branchTip?: string;
  /** Set at `remove-worktree`: the folder judged and the branch HEAD was on. */
  worktree?: string;
  headBranch?: string;
  /** The admin folder whose HEAD.lock this teardown holds (cleared by a recovery). */
  headLock?: string;
  /** Set at `remove-worktree`: the admin folder of the worktree as proven before the removal. */
  adminDir?: string;
};

export const TEARDOWN_STEPS = ['archive', 'kill', 'remove-worktree', 'delete-branch', 'forget'] as const;

export interface TeardownContext {
  repo: Repo;
  store: StateStore;
  journal: Journal;
  now?: () => Date;
  graceMs?: number;
  /** A recovery of an entry a crashed process left: the lane is judged again before anything is ended. */
  isRecovery?: boolean;
}

type Entry = JournalEntry<TeardownData>;

/** Record `step` before taking it (and stop here when a test asks for a crash at it). */
const stepTo = async (context: TeardownContext, entry: Entry, step: string, data: Partial<TeardownData> = {}): Promise<Entry> => {
  const next = await context.journal.step(entry, step, data);
  crashPoint('teardown', step);
  return next;
};

export interface Refusal {
  reason: string;
  /** `--force` would go ahead. */
  isForceable: boolean;
}

/** Why a teardown must not go on, or undefined. */
export const refusalOf = (report: LossReport, lane: LaneRecord, force: boolean): Refusal | undefined => {
  if (report.unproven !== undefined) {
    return {
      reason: `the folder of lane ${lane.name} is not provably its worktree (${report.unproven}): lanes signals, repairs and removes nothing there`,
      isForceable: false,
    };
  }
  if (report.lockedReason !== undefined) {
    return {
      reason: `the worktree of lane ${lane.name} is locked (${report.lockedReason}): lanes never removes a locked worktree; unlock it with git worktree unlock first`,
      isForceable: false,
    };
  }
  if (report.nestedRefusal !== undefined) return { reason: report.nestedRefusal, isForceable: false };
  if (report.isLoss && !force) return { reason: `tearing down lane ${lane.name} would lose work: ${describeLoss(report, lane).join('; ')}`, isForceable: true };
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

type Continued =
  | { kind: 'removed'; kept: string[]; archive: ArchiveResult | undefined }
  | { kind: 'refused'; reason: string; isForceable: boolean; archive?: ArchiveResult; report?: LossReport };

const refused = async (context: TeardownContext, entry: Entry, refusal: Refusal, extra: { archive?: ArchiveResult; report?: LossReport } = {}): Promise<Continued> => {
  await context.journal.finish(entry);
  return { kind: 'refused', reason: refusal.reason, isForceable: refusal.isForceable, ...extra };
};

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

/** The lane's worktree, found from its record — or where the teardown judged it, when that differs. */
export const locateJudged = async (repo: Repo, data: TeardownData): Promise<LaneLocation> => {
  const location = await locateLane(repo, data.lane);
  if (data.worktree === undefined || location.path === data.worktree) return location;
  const there = await locateLane(repo, { ...data.lane, worktree: data.worktree });
  return there.missing ? location : there;
};

/**
 * The last look before removal, with the worktree's HEAD.lock held so nothing can commit on it:
 * HEAD re-read; a HEAD no archive holds yet (a commit from outside the lane's processes) is
 * archived again, and without force a HEAD other than the one judged is judged again.
 */
const lastLook = async (context: TeardownContext, entry: Entry, path: string): Promise<{ entry: Entry; head: string | undefined } | { refusal: Refusal; archive?: ArchiveResult; report?: LossReport }> => {
  const { lane, force, base } = entry.data;
  const head = await headOf(path);
  if (head === undefined) return { entry, head };
  const archived = await isArchived(context.repo, head, entry.data.archive?.commit);
  const archive = archived
    ? entry.data.archive
    : await archiveIfAny({ repo: context.repo, lane, worktree: path, ...(context.now ? { now: context.now } : {}), ...(entry.data.archive ? { previous: entry.data.archive } : {}) });
  if (!force && head !== entry.data.head) {
    const report = await assessLoss({ repo: context.repo, lane: { ...lane, worktree: path }, base });
    const refusal = refusalOf(report, lane, force);
    if (refusal !== undefined) return { refusal, report, ...(archive ? { archive } : {}) };
  }
  if (archived && head === entry.data.head) return { entry, head };
  return { entry: await context.journal.step(entry, 'remove-worktree', { ...(archive ? { archive } : {}), head }), head };
};

/** Tries after the worktree folder went but git could not delete its admin folder. */
const ADMIN_RETRIES = 20;
const ADMIN_RETRY_MS = 100;

/**
 * `git worktree remove`; when git deleted the folder but failed on the admin folder (a git process
 * from outside was writing its index.lock there), the entry alone is removed again — the folder is
 * gone, nothing more can be lost — until git succeeds or the tries run out.
 */
const removeUntilGone = async (repo: Repo, path: string): Promise<Awaited<ReturnType<typeof removeWorktree>>> => {
  const isGone = (): Promise<boolean> => lstat(path).then(() => false, () => true);
  let removed = await removeWorktree(repo, path, true);
  for (let attempt = 0; !removed.ok && attempt < ADMIN_RETRIES && (await isGone()); attempt++) {
    await new Promise((done) => setTimeout(done, ADMIN_RETRY_MS));
    removed = await removeWorktree(repo, path, true);
  }
  return removed;
};

/**
 * Remove the worktree (the archive exists and the checks passed), then the branch steps. The folder
 * is proven again first; its HEAD is held (git's own HEAD.lock) from the last look until git has
 * removed it, and the last HEAD seen is checked to be archived afterwards.
 */
export const continueFromRemove = async (context: TeardownContext, start: Entry): Promise<Continued> => {
  let entry = start;
  const { lane } = entry.data;
  const location = await locateJudged(context.repo, entry.data);
  if (location.unproven !== undefined) {
    return refused(context, entry, { reason: `the folder of lane ${lane.name} is not provably its worktree (${location.unproven}): nothing was removed`, isForceable: false });
  }
  const proven = location.proven;
  let lastHead: string | undefined;
  if (proven) {
    // Journaled before it is taken, so a crash never leaves a lock nobody knows of.
    entry = await context.journal.step(entry, 'remove-worktree', { headLock: proven.adminDir, worktree: proven.path });
    if (!(await lockHead(proven.adminDir, entry.id))) {
      return refused(context, entry, { reason: `git holds the HEAD of lane ${lane.name}'s worktree (${proven.adminDir}/HEAD.lock): nothing was removed; try again`, isForceable: false });
    }
    crashPoint('teardown', 'head-locked');
    try {
      const look = await lastLook(context, entry, proven.path);
      if ('refusal' in look) {
        await releaseHead(proven.adminDir, entry.id);
        return await refused(context, entry, look.refusal, { ...(look.archive ? { archive: look.archive } : {}), ...(look.report ? { report: look.report } : {}) });
      }
      entry = look.entry;
      lastHead = look.head;
      if (proven.relink === 'gitdir') await relinkWorktree(proven);
    } catch (error) {
      await releaseHead(proven.adminDir, entry.id);
      throw error;
    }
  }
  const removed = await removeUntilGone(context.repo, location.path);
  if (!removed.ok) {
    if (proven) await releaseHead(proven.adminDir, entry.id);
    const where = entry.data.archive ? `; the archive ${entry.data.archive.ref} holds its files` : '';
    return refused(context, entry, { reason: `could not remove the worktree ${location.path}: ${removed.reason}${where}`, isForceable: false }, entry.data.archive ? { archive: entry.data.archive } : {});
  }
  const kept: string[] = [];
  if (lastHead !== undefined && !(await isArchived(context.repo, lastHead, entry.data.archive?.commit)) && !(await isArchived(context.repo, lastHead, entry.data.branchTip))) {
    kept.push(`commit ${lastHead.slice(0, 12)} kept as ${await keepReachable(context.repo, lane, lastHead)}`);
  }
  const result = await continueFromDeleteBranch(context, await stepTo(context, entry, 'delete-branch'));
  return result.kind === 'removed' ? { ...result, kept: [...kept, ...result.kept] } : result;
};

/**
 * From the kill step on: end the lane's processes — its recorded trees, the processes carrying its
 * marker, and those working inside its worktree only once the folder is proven its own — judge
 * again (nothing may change after this), archive again if anything changed, then remove. A
 * recovery judges before it ends anything: a lane that gained work since is not touched.
 */
export const continueFromKill = async (context: TeardownContext, entry: Entry): Promise<Continued & { report: LossReport }> => {
  const { repo } = context;
  const { lane, base, force } = entry.data;
  const location = await locateLane(repo, lane);
  if (location.unproven !== undefined || (context.isRecovery === true && !force)) {
    const report = await assessLoss({ repo, lane, base });
    const refusal = refusalOf(report, lane, force);
    if (refusal !== undefined) return { ...(await refused(context, entry, refusal)), report };
  }
  const kill = await killLaneProcesses({
    rootPids: await liveRoots(entry.data.roots),
    ...(entry.data.named ? { singles: entry.data.named } : {}),
    marker: laneMarker(lane.worktree),
    ...(location.proven ? { provenWorktree: location.proven.path } : {}),
    ...(context.graceMs === undefined ? {} : { graceMs: context.graceMs }),
  });
  const report = await assessLoss({ repo, lane, base });
  const archive = await archiveIfAny({ repo, lane, ...(context.now ? { now: context.now } : {}), ...(entry.data.archive ? { previous: entry.data.archive } : {}) });
  const refusal: Refusal | undefined =
    kill.remaining.length > 0 ? { reason: `processes of lane ${lane.name} are still running: ${kill.remaining.join(', ')}`, isForceable: false } : refusalOf(report, lane, force);
  if (refusal !== undefined) return { ...(await refused(context, entry, refusal, archive ? { archive } : {})), report };
  const next = await stepTo(context, entry, 'remove-worktree', {
    ...(archive ? { archive } : {}),
    worktree: report.worktree,
    ...(location.proven ? { adminDir: location.proven.adminDir } : {}),
    ...(report.head ? { head: report.head } : {}),
    ...(report.branchTip ? { branchTip: report.branchTip } : {}),
    ...(report.headBranch ? { headBranch: report.headBranch } : {}),
  });
  const result = await continueFromRemove(context, next);
  return { ...result, report: result.kind === 'refused' && result.report ? result.report : report };
};

/**
 * A proven worktree whose HEAD names no commit (a `git worktree add` killed half-way leaves HEAD
 * unreadable): git can neither judge nor remove it. Its HEAD is pointed at the lane's branch — what
 * the add would have done — so it is judged (and archived) against that. Returns a notice.
 */
const pointHeadAtBranch = async (repo: Repo, lane: LaneRecord): Promise<string | undefined> => {
  const location = await locateLane(repo, lane);
  if (!location.proven || (await headOf(location.path)) !== undefined) return undefined;
  const tip = await runGit(['rev-parse', '--verify', '--quiet', `refs/heads/${lane.branch}^{commit}`], { cwd: repo.commonDir, readOnly: true });
  if (tip.code !== 0) return undefined;
  await writeFileAtomic(join(location.proven.adminDir, 'HEAD'), `ref: refs/heads/${lane.branch}\n`);
  return `the worktree of lane ${lane.name} had no readable HEAD (an interrupted git worktree add); it now points at ${lane.branch}`;
};

/** Two lane records naming one folder: neither is torn down by it (one of them was edited). */
const refuseSharedFolder = async (store: StateStore, lane: LaneRecord): Promise<void> => {
  const here = await entryPath(lane.worktree);
  for (const other of (await store.load()).state.lanes) {
    if (other.name !== lane.name && (await entryPath(other.worktree)) === here) {
      throw new LanesError(`lanes ${lane.name} and ${other.name} both name the folder ${lane.worktree}: nothing was torn down; one of the records was edited: correct it in lanes' state.json first`);
    }
  }
};

const newestArchiveOf = async (repo: Repo, name: string): Promise<ArchiveResult | undefined> => {
  const newest = (await listArchives(repo)).find((archive) => archive.lane === name);
  return newest ? { ref: newest.ref, commit: newest.commit, includedIgnored: [] } : undefined;
};

/**
 * Tear a lane down (SPEC §7, git-and-process-safety §6), journaling each step before taking it:
 * `archive` (always, even when nothing would be lost; an unchanged lane reuses its newest archive),
 * then — unless the folder is not provably the lane's worktree, the lane is locked, or work would be
 * lost without `force` — `kill` (the whole process tree, the processes carrying the lane's marker
 * and everything with its cwd in the proven worktree; the lane is judged and archived again
 * afterwards), `remove-worktree` (HEAD held by its lock from a last look until git removed it; no
 * `--force` unless only judged files block it; never `-f -f`), `delete-branch` (compare-and-swap on
 * the judged tip; another branch HEAD was on is kept) and `forget` (the state record). A refusal
 * removes nothing and does not touch the agent. Older interrupted teardowns of the same lane are
 * settled first (settle.ts); one a live process is running makes this one refuse.
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
  await refuseSharedFolder(input.stateStore, lane);
  const notices = await settleOlderTeardowns(repo, journal, lane);
  const pointed = await pointHeadAtBranch(repo, lane);
  if (pointed !== undefined) notices.push(pointed);
  const data: TeardownData = {
    lane,
    base,
    force: input.force === true,
    roots: await identify(input.rootPids ?? []),
    ...(input.namedProcesses && input.namedProcesses.length > 0 ? { named: input.namedProcesses } : {}),
  };
  let entry: Entry = await journal.begin('teardown', lane.name, 'archive', data);
  markRunning(entry.id);
  crashPoint('teardown', 'archive');
  let destructive = false;
  try {
    const previous = await newestArchiveOf(repo, lane.name);
    const archive = await archiveIfAny({ repo, lane, ...(input.now ? { now: input.now } : {}), ...(previous ? { previous } : {}) });
    const before = await assessLoss({ repo, lane, base });
    const refusal = refusalOf(before, lane, data.force);
    if (refusal !== undefined) {
      await journal.finish(entry);
      return { kind: 'refused', reason: refusal.reason, isForceable: refusal.isForceable, report: before, notices, ...(archive ? { archive } : {}) };
    }
    entry = await stepTo(context, entry, 'kill', {
      ...(archive ? { archive } : {}),
      ...(before.head ? { head: before.head } : {}),
      ...(before.branchTip ? { branchTip: before.branchTip } : {}),
    });
    destructive = true;
    const result = await continueFromKill(context, entry);
    if (result.kind === 'refused') {
      return { kind: 'refused', reason: result.reason, isForceable: result.isForceable, report: result.report, notices, ...(result.archive ? { archive: result.archive } : {}) };
    }
    return { kind: 'removed', archive: result.archive, report: result.report, kept: result.kept, notices };
  } catch (error) {
    // Before the kill nothing was changed: the entry goes. After it, the entry stays so that the
    // next start (recoverTeardowns) finishes or reports the teardown.
    if (!destructive) await journal.finish(entry);
    throw error;
  } finally {
    markDone(entry.id);
  }
};
