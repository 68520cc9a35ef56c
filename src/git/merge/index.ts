/** Merging lanes into their base (SPEC §6): plan, merge one, merge a queue, recover after a crash. */
export { planMerge } from './plan.js';
export { mergeLane } from './merge-lane.js';
export { mergeQueue, type MergeQueueInput, type MergeQueueResult } from './queue.js';
export { recoverMerges } from './recover.js';
export { mergeLockPath } from './record.js';
export type { CommitSummary, MergeInput, MergeOptions, MergeOutcome, MergePlan, PlanInput } from './types.js';
