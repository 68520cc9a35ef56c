import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Rect } from '../core/layout.js';
import { statusLabel } from '../core/lane.js';
import type { LaneView } from '../app/store.js';
import type { Theme } from '../config/theme.js';
import { statusStyle } from './status-style.js';
import { sanitize, stringWidth, truncate } from './text.js';

export interface PaneFrameProps {
  /** Number shown in the title (1-based position of the lane). */
  readonly number: number;
  readonly lane: LaneView;
  /** Outer rectangle of the pane on the screen, borders included. */
  readonly rect: Rect;
  readonly isFocused: boolean;
  /** True when the focused pane is in type mode: its border says so. */
  readonly isTyping: boolean;
  readonly theme: Theme;
}

/**
 * The frame of one pane: a border whose top edge carries the title (number, name, branch, agent,
 * status). The inside is left blank: the compositor draws the lane's terminal there.
 */
export const PaneFrame = memo(function PaneFrame({ number, lane, rect, isFocused, isTyping, theme }: PaneFrameProps) {
  const { colors } = theme;
  const isOverlapping = lane.overlapCount > 0;
  // Overlap wins over focus for the border colour (the focused pane stays bold and titled).
  const borderColor = isOverlapping ? colors.warning : isTyping ? colors.borderTyping : isFocused ? colors.borderFocused : colors.border;
  const status = statusStyle(lane.status, colors);
  const inner = Math.max(0, rect.width - 2);
  // Title pieces, most important first; later pieces are dropped when the pane is narrow.
  const mode = isTyping ? ' TYPE ' : '';
  const scroll = lane.scrollOffset > 0 ? ` ↑${lane.scrollOffset} ` : '';
  const head = ` ${number} ${lane.name} `;
  const stat = ` ${status.symbol} ${statusLabel(lane.status)} `;
  const overlap = isOverlapping ? ` ⚠ ${lane.overlapCount} ` : '';
  const ready = lane.isReady ? ' ✓ ready ' : '';
  const merged = lane.isMerged ? ' merged ' : '';
  const conflict = lane.conflictCount > 0 ? ` ✖ conflict ${lane.conflictCount} ` : '';
  const scope = lane.outOfScope > 0 ? ` ${lane.outOfScope} out of scope ` : '';
  const { added, modified, deleted } = lane.changes;
  const counts = added + modified + deleted > 0 ? ` +${added} ~${modified} -${deleted} ` : '';
  const aheadBehind = lane.ahead + lane.behind > 0 ? ` ↑${lane.ahead} ↓${lane.behind} ` : '';
  const rest = ` ${lane.branch} · ${lane.agent}${lane.title ? ` · ${sanitize(lane.title)}` : ''} `;
  let budget = inner - 1;
  const headText = truncate(head, budget);
  budget -= stringWidth(headText);
  // Later pieces are shown only while they fit whole.
  const take = (piece: string): string => {
    if (piece === '' || budget < stringWidth(piece)) return '';
    budget -= stringWidth(piece);
    return piece;
  };
  const modeText = take(mode);
  const statText = take(stat);
  const overlapText = take(overlap);
  const readyText = take(ready);
  const conflictText = take(conflict);
  const mergedText = take(merged);
  const scrollText = take(scroll);
  const scopeText = take(scope);
  const countsText = take(counts);
  const aheadText = take(aheadBehind);
  const restText = budget > 4 ? truncate(rest, budget) : '';
  budget -= stringWidth(restText);
  const fill = '─'.repeat(Math.max(0, budget));
  const isBold = isFocused;
  return (
    <Box position="absolute" marginLeft={rect.x} marginTop={rect.y} width={rect.width} height={rect.height} flexDirection="column">
      <Text wrap="truncate">
        <Text color={borderColor} bold={isBold}>
          {'╭─'}
        </Text>
        <Text color={isFocused ? colors.titleFocused : colors.title} bold={isBold} inverse={isFocused && theme.isMonochrome}>
          {headText}
        </Text>
        {modeText ? (
          <Text color={colors.borderTyping} inverse bold>
            {modeText}
          </Text>
        ) : null}
        <Text color={status.color}>{statText}</Text>
        {overlapText ? (
          <Text color={colors.warning} bold inverse={theme.isMonochrome}>
            {overlapText}
          </Text>
        ) : null}
        {readyText ? <Text color={colors.ready}>{readyText}</Text> : null}
        {conflictText ? <Text color={colors.conflict}>{conflictText}</Text> : null}
        {mergedText ? <Text color={colors.merged}>{mergedText}</Text> : null}
        {scrollText ? <Text color={colors.notice}>{scrollText}</Text> : null}
        {scopeText ? <Text color={colors.warning}>{scopeText}</Text> : null}
        {countsText ? <Text color={colors.muted}>{countsText}</Text> : null}
        {aheadText ? <Text color={colors.muted}>{aheadText}</Text> : null}
        <Text color={colors.muted}>{restText}</Text>
        <Text color={borderColor} bold={isBold}>
          {fill}
          {'╮'}
        </Text>
      </Text>
      <Box
        width={rect.width}
        height={rect.height - 1}
        borderStyle="round"
        borderTop={false}
        borderColor={borderColor}
      />
    </Box>
  );
});
