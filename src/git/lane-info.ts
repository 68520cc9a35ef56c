import { LanesError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';
import type { LaneRecord } from '../core/lane.js';
import { runGit } from './exec.js';

/**
 * Commits on the lane's branch not in its base (`ahead`) and base commits not in the branch
 * (`behind`). A background read: `--no-optional-locks`. Zero when either branch is gone.
 */
export const aheadBehind = async (repoCwd: string, lane: LaneRecord): Promise<{ ahead: number; behind: number }> => {
  const counts = await runGit(['rev-list', '--left-right', '--count', `refs/heads/${lane.base}...refs/heads/${lane.branch}`], { cwd: repoCwd, readOnly: true });
  if (counts.code !== 0) return { ahead: 0, behind: 0 };
  const [behind = 0, ahead = 0] = counts.stdout.trim().split(/\s+/).map(Number);
  return { ahead: Number.isFinite(ahead) ? ahead : 0, behind: Number.isFinite(behind) ? behind : 0 };
};

/** The commit a branch points at, or undefined when it does not exist. Read-only. */
export const branchTip = async (repoCwd: string, branch: string): Promise<string | undefined> => {
  const result = await runGit(['rev-parse', '--verify', '-q', `refs/heads/${branch}^{commit}`], { cwd: repoCwd, readOnly: true });
  return result.code === 0 ? result.stdout.trim() : undefined;
};

/**
 * The one refusal for a lane whose branch shares no commit with its base (an orphan branch, or a
 * base that was replaced): `lanes ls`, `lanes diff`, `lanes merge` and the UI all say this.
 */
export const unrelatedHistory = (lane: LaneRecord): LanesError =>
  new LanesError(`lane ${lane.name}: its branch ${lane.branch} shares no history with ${lane.base} (an orphan branch?), so lanes cannot diff or merge it`, {
    hint: `look at it with git log ${shellQuote(lane.branch)}; lanes rm ${shellQuote(lane.name)} tears it down, archived first`,
  });

/** False when the lane's branch and its base both exist and share no commit. Read-only. */
export const sharesHistory = async (repoCwd: string, lane: LaneRecord): Promise<boolean> => {
  const result = await runGit(['merge-base', `refs/heads/${lane.base}`, `refs/heads/${lane.branch}`], { cwd: repoCwd, readOnly: true });
  // Exit 1 with no output: no common ancestor. Anything else (a branch gone) is not this problem.
  return !(result.code === 1 && result.stdout.trim() === '' && result.stderr.trim() === '');
};
