import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Rect } from '../core/layout.js';
import type { LaneView } from '../app/store.js';
import type { Theme } from '../config/theme.js';
import { paneHeader } from './pane-header.js';

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
 * The frame of one pane: a border whose top edge carries the title (number, name, status, branch,
 * agent; see pane-header.ts). The inside is left blank: the compositor draws the lane's terminal
 * there, and the agent's own title over the border's fill.
 */
export const PaneFrame = memo(function PaneFrame({ number, lane, rect, isFocused, isTyping, theme }: PaneFrameProps) {
  const { colors } = theme;
  const h = paneHeader({ number, lane, width: rect.width, isFocused, isTyping, theme });
  const { borderColor, isBold } = h;
  // The agent's title goes over this fill, drawn by the compositor (see titleOverlay).
  const fill = '─'.repeat(h.titleSlot.width);
  return (
    <Box position="absolute" marginLeft={rect.x} marginTop={rect.y} width={rect.width} height={rect.height} flexDirection="column">
      <Text wrap="truncate">
        <Text color={borderColor} bold={isBold}>
          {'╭─'}
        </Text>
        <Text color={isFocused ? colors.titleFocused : colors.title} bold={isBold} inverse={isFocused && theme.isMonochrome}>
          {h.head}
        </Text>
        {h.mode ? (
          <Text color={colors.borderTyping} inverse bold>
            {h.mode}
          </Text>
        ) : null}
        <Text color={h.statColor}>{h.stat}</Text>
        {h.overlap ? (
          <Text color={colors.warning} bold inverse={theme.isMonochrome}>
            {h.overlap}
          </Text>
        ) : null}
        {h.ready ? <Text color={colors.ready}>{h.ready}</Text> : null}
        {h.conflict ? <Text color={colors.conflict}>{h.conflict}</Text> : null}
        {h.merged ? <Text color={colors.merged}>{h.merged}</Text> : null}
        {h.scroll ? <Text color={colors.notice}>{h.scroll}</Text> : null}
        {h.scope ? <Text color={colors.warning}>{h.scope}</Text> : null}
        {h.counts ? <Text color={colors.muted}>{h.counts}</Text> : null}
        {h.ahead ? <Text color={colors.muted}>{h.ahead}</Text> : null}
        <Text color={colors.muted}>{h.rest}</Text>
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
