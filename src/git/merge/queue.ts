import type { LaneRecord } from '../../core/lane.js';
import type { Repo } from '../repo.js';
import { mergeLane } from './merge-lane.js';
import type { MergeOptions, MergeOutcome } from './types.js';

export interface MergeQueueInput extends MergeOptions {
  repo: Repo;
  /** The lanes to merge, in the order they were marked ready. */
  lanes: LaneRecord[];
  /** Called after each lane with its outcome. */
  onStep?: (lane: LaneRecord, outcome: MergeOutcome) => void;
}

export interface MergeQueueResult {
  /** Names of the lanes merged, in order. */
  merged: string[];
  /** The lane the queue stopped at and why: a conflict, a refusal or a failed verify. */
  stoppedAt?: { lane: string; outcome: MergeOutcome };
}

/**
 * Merge lanes one at a time, each a full {@link mergeLane} (lock, checks, off-tree result, verify,
 * base move), stopping at the first lane that does not merge (SPEC §6, `M`).
 */
export const mergeQueue = async (input: MergeQueueInput): Promise<MergeQueueResult> => {
  const { lanes, onStep, ...options } = input;
  const merged: string[] = [];
  for (const lane of lanes) {
    const outcome = await mergeLane({ ...options, lane });
    onStep?.(lane, outcome);
    if (outcome.kind !== 'merged') return { merged, stoppedAt: { lane: lane.name, outcome } };
    merged.push(lane.name);
  }
  return { merged };
};
