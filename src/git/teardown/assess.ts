import type { LaneRecord } from '../../core/lane.js';
import { git, runGit } from '../exec.js';
import type { Repo } from '../repo.js';
import { readDirt } from './dirt.js';
import { locateLane } from './locate.js';
import { checkMerged, resolveBaseCommit, type MergedAs, type UnmergedCommit } from './merged.js';
import { nestedRefusal, scanNested, type NestedRepo, type ScanOptions } from './nested.js';
import { listPreciousIgnored } from './snapshot.js';

/** What a teardown of a lane would lose (SPEC §7), judged from the worktree's real HEAD. */
export interface LossReport {
  /** The worktree folder judged (the recorded one, or where it was found after a move). */
  worktree: string;
  /** The worktree's real HEAD; undefined only when neither the worktree nor the branch exists. */
  head: string | undefined;
  /** The branch HEAD is on (short name); undefined when detached. */
  headBranch: string | undefined;
  /** HEAD is on the lane's recorded branch. */
  onRecordedBranch: boolean;
  /** The recorded branch's tip; undefined when the branch is gone. */
  branchTip: string | undefined;
  /** How HEAD's work is in the base (`content`: squash-merged or equivalent), or false. */
  mergedAs: MergedAs;
  /** Commits of HEAD and of the recorded branch not in the base (after the merged tip, if any). */
  unmergedCommits: UnmergedCommit[];
  /** The lane was merged before (`lane.merged.tip`): only commits after that tip were counted. */
  afterMergedTip: boolean;
  /** Modified, staged, deleted, conflicted and untracked paths. */
  dirty: string[];
  /** Ignored files that look like work (`.env`, notes): git would delete them silently. */
  precious: string[];
  /** Modified or untracked paths inside submodules, recursively. */
  submoduleDirty: string[];
  /**
   * Repositories inside the worktree whose history and files a removal would delete (an agent's
   * `git init` or `git clone`, a submodule with changes or commits of its own): archived first.
   */
  nested: NestedRepo[];
  /** Set when some of them cannot be archived: the teardown is refused, even with `--force`. */
  nestedRefusal?: string;
  /** The worktree is locked (by the user: `git worktree lock`): never removed. */
  lockedReason?: string;
  /** The worktree's folder is gone. */
  missing: boolean;
  /** The folder exists but is not provably the lane's worktree (why): nothing in it was read. */
  unproven?: string;
  /** A stale link of the worktree at this path (a moved checkout or folder) was rewritten first. */
  repaired?: string;
  /** Something above would be lost. */
  isLoss: boolean;
}

export interface AssessInput {
  repo: Repo;
  lane: LaneRecord;
  /** The base branch work must be in (a branch name, or any commit-ish). */
  base: string;
  /** How nested repositories are judged (the size limit). */
  nested?: ScanOptions;
}

/** The tip recorded by a merge of this lane (`lane.merged.tip`, written by the merge), if any. */
export const mergedTipOf = (lane: LaneRecord): string | undefined => {
  const merged = (lane as LaneRecord & { merged?: unknown }).merged;
  if (typeof merged !== 'object' || merged === null) return undefined;
  const tip = (merged as { tip?: unknown }).tip;
  return typeof tip === 'string' && /^[0-9a-f]{7,64}$/.test(tip) ? tip : undefined;
};

const HEADS = 'refs/heads/';

/**
 * Judge what tearing `lane` down would lose (SPEC §7, git-and-process-safety §1.3, §6): the
 * worktree is located and proven first (locate.ts; its one stale link rewritten if it moved); then
 * commits of its real HEAD and of the recorded branch that are not in the base, dirty and untracked
 * files, ignored files that look like work, dirt inside submodules, and repositories inside the
 * worktree (nested.ts). A folder not proven the lane's worktree is never read: it is judged from
 * git's entry and the branch, and reported as `unproven`. Read-only apart from that one relink.
 */
export const assessLoss = async (input: AssessInput): Promise<LossReport> => {
  const { repo, lane } = input;
  const location = await locateLane(repo, lane);
  const cwd = repo.commonDir;
  const base = await resolveBaseCommit(cwd, input.base);
  const branchResult = await runGit(['rev-parse', '--verify', '--quiet', `${HEADS}${lane.branch}^{commit}`], { cwd, readOnly: true });
  const branchTip = branchResult.code === 0 ? branchResult.stdout.trim() : undefined;

  let head: string | undefined;
  let headRef: string | undefined;
  const readable = location.proven !== undefined;
  if (!readable) {
    head = location.entry?.head ?? branchTip;
    headRef = location.entry ? location.entry.branch : branchTip ? `${HEADS}${lane.branch}` : undefined;
  } else {
    head = (await git(['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: location.path, readOnly: true })).trim();
    const symbolic = await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: location.path, readOnly: true });
    headRef = symbolic.code === 0 ? symbolic.stdout.trim() : undefined;
  }
  const headBranch = headRef?.startsWith(HEADS) ? headRef.slice(HEADS.length) : undefined;

  const mergedTip = mergedTipOf(lane);
  const headCheck = head === undefined ? undefined : await checkMerged(cwd, head, base, mergedTip);
  const branchCheck = branchTip === undefined || branchTip === head ? undefined : await checkMerged(cwd, branchTip, base, mergedTip);
  const seen = new Set<string>();
  const unmergedCommits = [...(headCheck?.commits ?? []), ...(branchCheck?.commits ?? [])].filter((commit) => {
    if (seen.has(commit.sha)) return false;
    seen.add(commit.sha);
    return true;
  });

  const dirt = readable ? await readDirt(location.path) : { dirty: [], submoduleDirty: [] };
  const precious = readable ? await listPreciousIgnored(location.path) : [];
  const nested = readable ? (await scanNested(location.path, cwd, input.nested)).filter((repo) => repo.needsArchive) : [];
  const refusal = nestedRefusal(lane.name, nested);
  const locked = location.entry?.locked;
  const report: LossReport = {
    worktree: location.path,
    head,
    headBranch,
    onRecordedBranch: headBranch === lane.branch,
    branchTip,
    mergedAs: headCheck?.mergedAs ?? false,
    unmergedCommits,
    afterMergedTip: mergedTip !== undefined,
    dirty: dirt.dirty,
    precious,
    submoduleDirty: dirt.submoduleDirty,
    nested,
    missing: location.missing,
    isLoss: unmergedCommits.length + dirt.dirty.length + precious.length + dirt.submoduleDirty.length + nested.length > 0,
    ...(refusal === undefined ? {} : { nestedRefusal: refusal }),
    ...(locked === undefined ? {} : { lockedReason: locked === '' ? 'locked (no reason given)' : locked }),
    ...(location.repaired === undefined ? {} : { repaired: location.repaired }),
    ...(location.unproven === undefined ? {} : { unproven: location.unproven }),
  };
  return report;
};
