import type { Overlap } from '../core/overlap.js';

/** How an overlap reads in the panel and in `lanes overlaps`. */
export const overlapState = (overlap: Overlap): string => {
  const parts: string[] = [];
  if (overlap.lanes.length > 1) parts.push(overlap.conflict === true ? 'conflict' : overlap.conflict === false ? 'same file, merges cleanly' : 'same file (not all committed)');
  if (overlap.base) parts.push('base changed it too');
  return parts.join('; ');
};
