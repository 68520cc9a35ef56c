import type { LaneStatus } from './lane.js';
import { stripColumnMarks } from './screen.js';

/** How many of the screen's last non-blank lines the patterns look at: an agent's prompt and its
 * status line sit at the bottom, while older lines may quote an earlier question. */
const TAIL_LINES = 8;

export interface StatusPatterns {
  busy: RegExp[];
  waiting: RegExp[];
}

/** Compile a preset's pattern strings (validated by the configuration schema). */
export const compilePatterns = (patterns: { busy?: string[]; waiting?: string[] } | undefined): StatusPatterns | undefined =>
  patterns && (patterns.busy?.length || patterns.waiting?.length)
    ? { busy: (patterns.busy ?? []).map((p) => new RegExp(p)), waiting: (patterns.waiting ?? []).map((p) => new RegExp(p)) }
    : undefined;

/** The last non-blank lines of a screen, as plain text. */
export const screenTail = (lines: readonly string[]): string[] => {
  const out: string[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < TAIL_LINES; i--) {
    // Without its styles, erases and column marks: the text as it reads.
    const text = stripColumnMarks(lines[i] ?? '').replace(/\x1b\[[0-9;:]*[mX]/g, '').trimEnd();
    if (text !== '') out.unshift(text);
  }
  return out;
};

/**
 * Refine a status derived from activity with what the agent's screen says (SPEC §10): a matching
 * `waiting` pattern means the agent asks you something even while its spinner moves; a matching
 * `busy` pattern means it works even when nothing moved for a while. Other statuses stay.
 */
export const refineStatus = (status: LaneStatus, tail: readonly string[], patterns: StatusPatterns | undefined): LaneStatus => {
  if (!patterns || (status.kind !== 'busy' && status.kind !== 'waiting')) return status;
  const matches = (list: RegExp[]): boolean => list.some((re) => tail.some((line) => re.test(line)));
  if (matches(patterns.waiting)) return { kind: 'waiting' };
  if (matches(patterns.busy)) return { kind: 'busy' };
  return status;
};
