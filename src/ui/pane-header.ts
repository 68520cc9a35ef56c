import chalk from 'chalk';
import { statusLabel } from '../core/lane.js';
import { columnMark } from '../core/screen.js';
import type { LaneView } from '../app/store.js';
import type { Theme } from '../config/theme.js';
import { statusStyle } from './status-style.js';
import { sanitize, stringWidth, truncate } from './text.js';

export interface PaneHeaderInput {
  /** Number shown in the title (1-based position of the lane). */
  readonly number: number;
  readonly lane: LaneView;
  /** The pane's outer width, borders included. */
  readonly width: number;
  readonly isFocused: boolean;
  readonly isTyping: boolean;
  readonly theme: Theme;
}

/** The pieces of a pane's top border, as the chrome draws them. Empty pieces are not shown. */
export interface PaneHeader {
  borderColor: string | undefined;
  isBold: boolean;
  head: string;
  mode: string;
  stat: string;
  statColor: string | undefined;
  overlap: string;
  ready: string;
  conflict: string;
  merged: string;
  scroll: string;
  scope: string;
  counts: string;
  ahead: string;
  /** Branch and agent. */
  rest: string;
  /**
   * The border's fill after the pieces, up to the corner: columns from the pane's left edge and
   * how many. The agent's title is drawn there by the compositor, not by Ink (see titleOverlay).
   */
  titleSlot: { x: number; width: number };
}

/** The border before the first piece: `╭─`. */
const LEAD = 2;

/**
 * Lay out the top border of a pane: the pieces that fit, most important first (later pieces are
 * dropped when the pane is narrow), and where the fill that carries the agent's title is.
 */
export const paneHeader = ({ number, lane, width, isFocused, isTyping, theme }: PaneHeaderInput): PaneHeader => {
  const { colors } = theme;
  const isOverlapping = lane.overlapCount > 0;
  // Overlap wins over focus for the border colour (the focused pane stays bold and titled).
  const borderColor = isOverlapping ? colors.warning : isTyping ? colors.borderTyping : isFocused ? colors.borderFocused : colors.border;
  const status = statusStyle(lane.status, colors);
  const inner = Math.max(0, width - 2);
  const { added, modified, deleted } = lane.changes;
  let budget = inner - 1;
  const head = truncate(` ${number} ${lane.name} `, budget);
  budget -= stringWidth(head);
  // Later pieces are shown only while they fit whole.
  const take = (piece: string): string => {
    if (piece === '' || budget < stringWidth(piece)) return '';
    budget -= stringWidth(piece);
    return piece;
  };
  const header: Omit<PaneHeader, 'rest' | 'titleSlot'> = {
    borderColor,
    isBold: isFocused,
    head,
    mode: take(isTyping ? ' TYPE ' : ''),
    stat: take(` ${status.symbol} ${statusLabel(lane.status)} `),
    statColor: status.color,
    overlap: take(isOverlapping ? ` ⚠ ${lane.overlapCount} ` : ''),
    ready: take(lane.isReady ? ' ✓ ready ' : ''),
    conflict: take(lane.conflictCount > 0 ? ` ✖ conflict ${lane.conflictCount} ` : ''),
    merged: take(lane.isMerged ? ' merged ' : ''),
    scroll: take(lane.scrollOffset > 0 ? ` ↑${lane.scrollOffset} ` : ''),
    scope: take(lane.outOfScope > 0 ? ` ${lane.outOfScope} out of scope ` : ''),
    counts: take(added + modified + deleted > 0 ? ` +${added} ~${modified} -${deleted} ` : ''),
    ahead: take(lane.ahead + lane.behind > 0 ? ` ↑${lane.ahead} ↓${lane.behind} ` : ''),
  };
  const rest = budget > 4 ? truncate(` ${lane.branch} · ${lane.agent} `, budget) : '';
  budget -= stringWidth(rest);
  const fill = Math.max(0, budget);
  return { ...header, rest, titleSlot: { x: LEAD + inner - 1 - fill, width: fill } };
};

/** A title narrower than this slot is not shown (`· x…` is the least that says something). */
const MIN_TITLE_SLOT = 4;

/** Style text as Ink's `<Text color bold>` does (theme colours are chalk names or #rrggbb). */
const styled = (text: string, color: string | undefined, isBold = false): string => {
  if (text === '') return '';
  const colored = color === undefined ? text : color.startsWith('#') ? chalk.hex(color)(text) : ((chalk as unknown as Record<string, (s: string) => string>)[color]?.(text) ?? text);
  return isBold ? chalk.bold(colored) : colored;
};

/**
 * What the compositor draws in a pane's title slot: the agent's title (control characters
 * removed, cut to fit, wide characters measured as drawn) in the muted colour, then the border's
 * fill, exactly `titleSlot.width` columns. The fill starts at a column mark, so it lands where it
 * belongs however wide the terminal draws the title's characters.
 */
export const titleOverlay = (header: PaneHeader, title: string | undefined, theme: Theme): string => {
  const { width } = header.titleSlot;
  const clean = title === undefined ? '' : sanitize(title);
  const text = clean !== '' && width >= MIN_TITLE_SLOT ? truncate(`· ${clean} `, width) : '';
  const used = stringWidth(text);
  const fill = styled('─'.repeat(width - used), header.borderColor, header.isBold);
  return text === '' ? fill : `${styled(text, theme.colors.muted)}${fill === '' ? '' : columnMark(used)}${fill}`;
};
