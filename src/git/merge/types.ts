import type { LaneRecord } from '../../core/lane.js';
import type { Repo } from '../repo.js';
import type { StateStore } from '../state.js';

/** One commit of a lane or of the base: full SHA and subject line. */
export interface CommitSummary {
  sha: string;
  subject: string;
}

/** What merging the lane would do, as the merge dialog shows it (SPEC §6.2). */
export interface MergePlan {
  lane: LaneRecord;
  /** Base branch, short name (`main`). */
  base: string;
  baseTip: string;
  branchTip: string;
  /** The lane worktree's real HEAD commit; undefined when the worktree is missing or unreadable. */
  worktreeHead: string | undefined;
  /**
   * The commit the lane's changes are measured from: the merge base of base and branch, or, after
   * a squash merge that base still contains, the lane tip that was merged then (so only later work
   * counts).
   */
  since: string;
  /** Lane commits not in the base (and not merged before), oldest first. */
  commits: CommitSummary[];
  /** Files the lane changed since `since` (three-dot semantics: never the base's own changes). */
  files: string[];
  /** Base commits the branch does not have. */
  behind: number;
  /** Those base commits that touch the lane's files (committed or uncommitted), newest first. */
  baseCommitsTouchingLane: Array<CommitSummary & { files: string[] }>;
  /** Dirty paths in the lane worktree: staged, unstaged and untracked. */
  uncommitted: string[];
  /** Where the base is checked out; undefined when it is checked out in no worktree. */
  checkout: string | undefined;
  /** The result of `git merge-tree --write-tree` (clean: its tree). */
  prediction: { clean: true; tree: string } | { clean: false; conflicts: string[] };
  /** The commit message the merge would get. */
  message: string;
  /**
   * Why the merge cannot go ahead, as one line. Absent when it can (uncommitted changes are not a
   * refusal here: the dialog offers to commit them).
   */
  refusal?: string;
}

export interface PlanInput {
  repo: Repo;
  lane: LaneRecord;
  squash?: boolean;
}

export interface MergeOptions {
  /** One squash commit on the base instead of a merge commit. */
  squash?: boolean;
  /** Commit the lane's uncommitted changes on its branch first (`--commit-wip`). */
  commitWip?: boolean;
  /** A shell command run in a temporary worktree of the result; non-zero stops the merge. */
  verify?: string;
  /** Output of the verify command, as it comes. */
  onVerifyOutput?: (chunk: string) => void;
  /** Time limit of the verify command. Default: 30 minutes. */
  verifyTimeoutMs?: number;
  stateStore: StateStore;
  now?: () => Date;
  /** Lines about interrupted merges that were finished or rolled back before this one started. */
  onNotice?: (lines: string[]) => void;
  /**
   * Runs the work-in-progress commit (`commit`) for a lane: the caller pauses the lane's agent
   * through the host around it, so nothing the agent writes lands half in the commit.
   */
  aroundWip?: (lane: string, commit: () => Promise<void>) => Promise<void>;
}

export interface MergeInput extends MergeOptions {
  repo: Repo;
  lane: LaneRecord;
}

export type MergeOutcome =
  /** `warning`: the base moved to the result, but a check afterwards found something to look at. */
  | { kind: 'merged'; result: string; squash: boolean; warning?: string }
  | { kind: 'conflict'; files: string[] }
  | { kind: 'refused'; reason: string }
  /** `reason` is the one line for a notice; `output` the command's output (its last 64 KB). */
  | { kind: 'verify-failed'; code: number; output: string; reason: string };

/** What a merge journal entry records (SPEC §8), so a restart can finish or roll it back. */
export type MergeJournalData = {
  base: string;
  branch: string;
  baseTip: string;
  branchTip: string;
  squash: boolean;
  /** The merged commit, once built. */
  result?: string;
  /** Worktree where the base is checked out, or null when it is checked out nowhere. */
  checkout: string | null;
  /** The lane's worktree (the WIP commit runs there). */
  laneWorktree: string;
  /** Temporary folder (made by lanes) that holds the verify worktree. */
  verifyDir?: string;
  /** The verify worktree inside `verifyDir`. */
  verifyWorktree?: string;
};

/** Steps of a merge, journaled before each is taken. */
export type MergeStep = 'commit-wip' | 'build' | 'verify' | 'apply' | 'record';
