import type { LaneRecord } from '../core/lane.js';
import { computeOverlaps, pairKey, type OverlapInput } from '../core/overlap.js';
import type { TouchedFile } from '../core/touched.js';
import { branchTips, changedBetween, mergeBase, predictConflictsAt } from '../git/touched.js';

/** Base diffs of a few bases times a few dozen fork points; older entries are dropped first. */
const MAX_CACHED_BASE_DIFFS = 256;

/** One lane as the overlap computation sees it. */
export interface LaneTouched {
  record: LaneRecord;
  touched: readonly TouchedFile[];
}

/**
 * Gathers what {@link computeOverlaps} needs from git, as cheaply as it can: branch tips in one
 * `for-each-ref`; each lane's base changes since its fork point, cached by base tip and fork
 * point; merge-tree predictions only for pairs of lanes that overlap and both have commits,
 * cached by their tips (in `git/touched.ts`). All reads are read-only.
 */
export class OverlapInputs {
  private readonly baseDiffs = new Map<string, Set<string>>();

  constructor(
    private readonly repoCwd: string,
    private readonly onError: (lane: string, error: unknown) => void,
  ) {}

  async gather(lanes: readonly LaneTouched[]): Promise<OverlapInput> {
    const tips = await branchTips(this.repoCwd, [...new Set(lanes.flatMap(({ record }) => [record.branch, record.base]))]);
    const touched = new Map(lanes.map((lane) => [lane.record.name, lane.touched]));
    const baseChanged = new Map<string, Set<string>>();
    for (const { record } of lanes) {
      const baseTip = tips.get(record.base);
      if (baseTip !== undefined) baseChanged.set(record.name, await this.baseDiff(baseTip, tips.get(record.branch), record));
    }
    const conflicts = new Map<string, Set<string> | null>();
    const byName = new Map(lanes.map(({ record }) => [record.name, record]));
    for (const overlap of computeOverlaps({ touched, baseChanged, conflicts })) {
      for (let i = 0; i < overlap.lanes.length; i++) {
        for (let j = i + 1; j < overlap.lanes.length; j++) {
          const a = byName.get(overlap.lanes[i] as string);
          const b = byName.get(overlap.lanes[j] as string);
          if (!a || !b || conflicts.has(pairKey(a.name, b.name))) continue;
          const tipA = tips.get(a.branch);
          const tipB = tips.get(b.branch);
          // Without commits on both branches there is nothing for merge-tree to compare.
          if (tipA === undefined || tipB === undefined || tipA === a.forkPoint || tipB === b.forkPoint) continue;
          conflicts.set(pairKey(a.name, b.name), await predictConflictsAt(this.repoCwd, tipA, tipB));
        }
      }
    }
    return { touched, baseChanged, conflicts };
  }

  /**
   * What the base changed that the lane has not taken in: since the merge base of the two tips
   * (the fork point, or later once the lane merged the base into itself).
   */
  private async baseDiff(baseTip: string, branchTip: string | undefined, record: LaneRecord): Promise<Set<string>> {
    const key = `${baseTip}\0${branchTip ?? record.forkPoint}`;
    const cached = this.baseDiffs.get(key);
    if (cached) return cached;
    let paths: Set<string>;
    try {
      const since = branchTip === undefined ? record.forkPoint : await mergeBase(this.repoCwd, baseTip, branchTip, record.forkPoint);
      paths = await changedBetween(this.repoCwd, since, baseTip);
    } catch (error) {
      this.onError(record.name, error);
      return new Set();
    }
    this.baseDiffs.set(key, paths);
    if (this.baseDiffs.size > MAX_CACHED_BASE_DIFFS) {
      const oldest = this.baseDiffs.keys().next().value;
      if (oldest !== undefined) this.baseDiffs.delete(oldest);
    }
    return paths;
  }
}
