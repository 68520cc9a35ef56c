import type { LaneRecord } from '../../core/lane.js';
import type { LossReport } from './assess.js';

/** Paths listed in one line before "and N more". */
const LIST_LIMIT = 5;

const list = (paths: readonly string[]): string => {
  const shown = paths.slice(0, LIST_LIMIT).join(', ');
  return paths.length > LIST_LIMIT ? `${shown} and ${paths.length - LIST_LIMIT} more` : shown;
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * What a teardown would lose, one line per kind, for a refusal message or a confirmation dialog:
 * `2 unmerged commits`, `1 unmerged commit after the last merge`, `uncommitted: a.txt`,
 * `worktree is on branch other, not lanes/x`…
 */
export const describeLoss = (report: LossReport, lane: Pick<LaneRecord, 'branch'>): string[] => {
  const lines: string[] = [];
  if (report.lockedReason !== undefined) lines.push(`the worktree is locked: ${report.lockedReason}`);
  if (report.unproven !== undefined) lines.push(`not provably the lane's worktree: ${report.unproven}`);
  if (!report.missing && report.unproven === undefined && !report.onRecordedBranch) {
    lines.push(report.headBranch === undefined ? `the worktree is on a detached HEAD, not ${lane.branch}` : `the worktree is on branch ${report.headBranch}, not ${lane.branch}`);
  }
  const commits = report.unmergedCommits.length;
  if (commits > 0) {
    const after = report.afterMergedTip ? ' after the last merge' : '';
    lines.push(`${plural(commits, 'unmerged commit')}${after}: ${report.unmergedCommits.slice(0, 3).map((c) => `${c.sha.slice(0, 8)} ${c.subject}`).join('; ')}${commits > 3 ? '; …' : ''}`);
  }
  if (report.dirty.length > 0) lines.push(`uncommitted: ${list(report.dirty)}`);
  if (report.precious.length > 0) lines.push(`ignored files git would delete: ${list(report.precious)}`);
  if (report.submoduleDirty.length > 0) lines.push(`changes inside submodules: ${list(report.submoduleDirty)}`);
  const nested = report.nested.filter((repo) => repo.problem === undefined);
  if (nested.length > 0) {
    const what = nested.map((repo) => {
      const kind = repo.gitlink === undefined ? '' : 'submodule, ';
      const commits = repo.head === undefined ? 'no commit yet' : repo.gitlink === undefined ? plural(repo.commits, 'commit') : `${plural(repo.commits, 'commit')} of its own`;
      return `${repo.path} (${kind}${commits})`;
    });
    lines.push(`nested repositories, with their own history: ${list(what)}`);
  }
  const blocked = report.nested.filter((repo) => repo.problem !== undefined);
  if (blocked.length > 0) lines.push(`nested repositories lanes cannot archive: ${list(blocked.map((repo) => `${repo.path} ${repo.problem ?? ''}`))}`);
  if (report.missing) lines.push('the worktree folder is missing');
  return lines;
};
