import { access } from 'node:fs/promises';
import type { LaneRecord } from '../core/lane.js';
import { computeOverlaps, scopeViolations, type Overlap } from '../core/overlap.js';
import type { TouchedFile } from '../core/touched.js';
import { readTouched } from '../git/touched.js';
import { OverlapInputs } from '../watch/overlap-inputs.js';

export interface LaneOverlaps {
  /** Touched sets of the lanes whose worktree exists. */
  touched: Map<string, TouchedFile[]>;
  overlaps: Overlap[];
  outOfScope: Map<string, string[]>;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * Touched sets and overlaps of all lanes, read once (for `lanes ls` and `lanes overlaps`; the UI
 * keeps them current with watchers instead). Read-only git calls only.
 */
export const readLaneOverlaps = async (repoCwd: string, lanes: readonly LaneRecord[]): Promise<LaneOverlaps> => {
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
