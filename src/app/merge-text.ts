import { LanesError } from '../core/errors.js';
import type { LaneRecord } from '../core/lane.js';
import type { MergeOutcome } from '../git/merge/index.js';

/** The recorded lane named `name`, or a one-line refusal listing the lanes there are. */
export const findLane = (lanes: readonly LaneRecord[], name: string): LaneRecord => {
  const lane = lanes.find((l) => l.name === name);
  if (lane) return lane;
  const known = lanes.map((l) => l.name).join(', ');
  throw new LanesError(`no lane named '${name}'`, { hint: known ? `lanes here: ${known}` : 'there are no lanes yet' });
};

/** One line saying how a merge ended (for the CLI, notices and dialogs). */
export const describeOutcome = (name: string, base: string, outcome: MergeOutcome): string => {
  switch (outcome.kind) {
    case 'merged':
      return `merged lane ${name} into ${base} (${outcome.squash ? 'squash commit' : 'merge commit'} ${outcome.result.slice(0, 10)})${outcome.warning ? `; ${outcome.warning}` : ''}`;
    case 'conflict':
      return `lane ${name} conflicts with ${base} in ${outcome.files.join(', ')}: nothing was changed; ask its agent to merge ${base} into its branch and resolve`;
    case 'refused':
      return outcome.reason;
    case 'verify-failed':
      return `${outcome.reason}; ${base} was not changed`;
  }
};

/** What lanes types into a lane's agent to have it resolve a conflict in its own worktree. */
export const conflictRequest = (lane: LaneRecord, files: readonly string[]): string =>
  `Please merge the base branch ${lane.base} into your branch ${lane.branch} here in this worktree, resolve the conflicts in ${files.join(', ')}, run the tests, and commit the merge.`;
