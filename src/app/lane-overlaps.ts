import { access } from 'node:fs/promises';
import type { LaneRecord } from '../core/lane.js';
import { computeOverlaps, scopeViolations, type Overlap } from '../core/overlap.js';
import type { TouchedFile } from '../core/touched.js';
import { readTouched } from '../git/touched.js';
import { branchTip } from '../git/lane-info.js';
import { OverlapInputs } from '../watch/overlap-inputs.js';

export interface LaneOverlaps {
  /** Touched sets of the lanes whose worktree exists. */
  touched: Map<string, TouchedFile[]>;
  overlaps: Overlap[];
  outOfScope: Map<string, string[]>;
}

/**
 * Lanes whose work is not merged as it is now: a lane merged at its current tip is in the base, so
 * its files are the base's — they overlap with nothing and conflict with nothing.
 */
export const unmergedLanes = async (repoCwd: string, lanes: readonly LaneRecord[]): Promise<LaneRecord[]> => {
  const tips = await Promise.all(lanes.map((lane) => (lane.merged ? branchTip(repoCwd, lane.branch) : Promise.resolve(undefined))));
  return lanes.filter((lane, i) => !lane.merged || lane.merged.tip !== tips[i]);
};

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Touched sets and overlaps of all lanes, read once (for `lanes ls` and `lanes overlaps`; the UI
 * keeps them current with watchers instead). Read-only git calls only.
 */
export const readLaneOverlaps = async (repoCwd: string, all: readonly LaneRecord[]): Promise<LaneOverlaps> => {
  const lanes = await unmergedLanes(repoCwd, all);
  const present = (await Promise.all(lanes.map(async (record) => ((await exists(record.worktree)) ? record : undefined)))).filter(
    (record): record is LaneRecord => record !== undefined,
  );
  const read = await Promise.all(present.map(async (record) => ({ record, touched: await readTouched(record).catch(() => [] as TouchedFile[]) })));
  const input = await new OverlapInputs(repoCwd, () => undefined).gather(read);
  const outOfScope = new Map<string, string[]>();
  for (const { record, touched } of read) {
    const outside = scopeViolations(touched, record.scope);
    if (outside.length > 0) outOfScope.set(record.name, outside);
  }
  return { touched: new Map(read.map(({ record, touched }) => [record.name, touched])), overlaps: computeOverlaps(input), outOfScope };
};
