import picomatch from 'picomatch';
import type { TouchedFile } from './touched.js';

/** One entry of the overlap list (`lanes overlaps --json`, SPEC §2, §5). */
export interface Overlap {
  path: string;
  /** Lanes touching the path, sorted. One lane only for a base-only overlap. */
  lanes: string[];
  /**
   * true: the merge of two of these lanes' branches conflicts on this path. false: every lane has
   * committed its whole change to the path and every pair merges it cleanly. null: cannot tell
   * (a change is not committed yet, a pair was not predicted, or a base-only overlap).
   */
  conflict: boolean | null;
  /** The base branch changed the path since the fork point of at least one of these lanes. */
  base: boolean;
}

/** Key of a pair of lanes in {@link OverlapInput.conflicts}: the two names, sorted, NUL between. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}\0${b}` : `${b}\0${a}`);

export interface OverlapInput {
  /** Each lane's touched set. */
  touched: ReadonlyMap<string, readonly TouchedFile[]>;
  /** Per lane: paths the base branch changed since that lane's fork point. */
  baseChanged: ReadonlyMap<string, ReadonlySet<string>>;
  /** Per {@link pairKey}: paths the merge of the two branches conflicts on; null when unknown. */
  conflicts: ReadonlyMap<string, ReadonlySet<string> | null>;
}

/**
 * Every overlap, sorted by path:
 * - a path in the touched sets of two or more lanes (a rename touches its old and its new path);
 * - a **base overlap** (SPEC §5 defines it per lane): a path touched by a single lane that the base
 *   changed since that lane's fork point. It is listed with `lanes: [that lane]`, `base: true` and
 *   `conflict: null` (the prediction is between lanes, not against the base).
 */
export const computeOverlaps = (input: OverlapInput): Overlap[] => {
  // path → lane → whether that lane's change to the path is wholly committed
  const byPath = new Map<string, Map<string, boolean>>();
  const note = (path: string, lane: string, isCommitted: boolean): void => {
    let lanes = byPath.get(path);
    if (!lanes) byPath.set(path, (lanes = new Map()));
    lanes.set(lane, (lanes.get(lane) ?? true) && isCommitted);
  };
  for (const [lane, files] of input.touched) {
    for (const file of files) {
      note(file.path, lane, file.committed);
      if (file.from !== undefined) note(file.from, lane, file.committed);
    }
  }
  const overlaps: Overlap[] = [];
  for (const [path, laneMap] of byPath) {
    const lanes = [...laneMap.keys()].sort();
    const base = lanes.some((lane) => input.baseChanged.get(lane)?.has(path) === true);
    if (lanes.length < 2) {
      if (base) overlaps.push({ path, lanes, conflict: null, base });
      continue;
    }
    overlaps.push({ path, lanes, conflict: conflictOf(path, lanes, laneMap, input.conflicts), base });
  }
  return overlaps.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

const conflictOf = (path: string, lanes: readonly string[], isCommitted: ReadonlyMap<string, boolean>, conflicts: OverlapInput['conflicts']): boolean | null => {
  let isKnownClean = lanes.every((lane) => isCommitted.get(lane) === true);
  for (let i = 0; i < lanes.length; i++) {
    for (let j = i + 1; j < lanes.length; j++) {
      const paths = conflicts.get(pairKey(lanes[i] as string, lanes[j] as string));
      if (paths?.has(path)) return true;
      if (!paths) isKnownClean = false;
    }
  }
  return isKnownClean ? false : null;
};

/**
 * Touched paths outside a lane's scope globs (SPEC §5), sorted; none when there is no scope. The
 * old path of a rename counts too: moving a file away from somewhere is a change there.
 */
export const scopeViolations = (files: readonly TouchedFile[], globs: readonly string[] | undefined): string[] => {
  if (!globs || globs.length === 0) return [];
  const isInScope = picomatch([...globs], { dot: true });
  const outside = new Set<string>();
  for (const file of files) {
    if (!isInScope(file.path)) outside.add(file.path);
    if (file.from !== undefined && !isInScope(file.from)) outside.add(file.from);
  }
  return [...outside].sort();
};
