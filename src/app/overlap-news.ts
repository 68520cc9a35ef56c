import type { Overlap } from '../core/overlap.js';

/** What to tell the user about an overlap reading: a footer line, and whether to ring. */
export interface OverlapNews {
  text: string;
  ring: boolean;
}

const keyOf = (o: Overlap): string => `${o.path}\0${o.lanes.join('\0')}`;

/**
 * Remembers which overlaps the user has been told about. Each reading yields news for the ones
 * not seen before. Until the first complete reading (every lane read once), overlaps are what was
 * there when lanes started: reported (the user should know; a reading can land after an agent's
 * first write, so nothing is swallowed) but without the bell. After it, every new one rings.
 */
export class OverlapNewsDesk {
  private known = new Set<string>();
  private hasSettled = false;

  read(overlaps: readonly Overlap[], isComplete: boolean): OverlapNews | undefined {
    const fresh = overlaps.filter((o) => !this.known.has(keyOf(o)));
    this.known = new Set(overlaps.map(keyOf));
    const isStartup = !this.hasSettled;
    if (isComplete) this.hasSettled = true;
    const first = fresh[0];
    if (first === undefined) return undefined;
    const what = first.lanes.length > 1 ? `${first.lanes.join(' and ')} both touch ${first.path}` : `the base also changed ${first.path} (lane ${first.lanes[0] ?? ''})`;
    const more = fresh.length > 1 ? ` (+${fresh.length - 1} more)` : '';
    const conflict = first.conflict === true ? ' — their branches conflict' : '';
    return { text: `overlap: ${what}${conflict}${more}; o lists them`, ring: !isStartup };
  }
}
