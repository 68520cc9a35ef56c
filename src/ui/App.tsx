import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { selectLayout, FOOTER_ROWS } from '../app/selectors.js';
import { useAppState } from './context.js';
import { DiffView } from './DiffView.js';
import { Footer } from './Footer.js';
import { HelpOverlay } from './HelpOverlay.js';
import { NewLaneForm } from './NewLaneForm.js';
import { OverlapPanel } from './OverlapPanel.js';
import { MergeDialog } from './MergeDialog.js';
import { TeardownDialog } from './TeardownDialog.js';
import { TrustDialog } from './TrustDialog.js';
import { PaneFrame } from './PaneFrame.js';
import { keyLabel } from '../core/keymap.js';
import { truncate } from './text.js';

/**
 * The chrome of the whole screen: pane frames, footer and overlays. Exactly `rows` lines of
 * `cols` columns; pane interiors stay blank for the compositor to fill.
 */
export const App = () => {
  const size = useAppState((s) => s.size);
  const lanes = useAppState((s) => s.lanes);
  const focus = useAppState((s) => s.focus);
  const isZoomed = useAppState((s) => s.isZoomed);
  const mode = useAppState((s) => s.mode);
  const overlay = useAppState((s) => s.overlay);
  const theme = useAppState((s) => s.theme);
  const keymap = useAppState((s) => s.keymap);
  const layout = selectLayout({ size, lanes, isZoomed, focus });
  const areaHeight = Math.max(0, size.rows - FOOTER_ROWS);
  const { cols } = size;

  let body: ReactNode;
  if (overlay?.kind === 'help') body = <HelpOverlay width={cols} height={areaHeight} />;
  else if (overlay?.kind === 'new-lane') body = <NewLaneForm width={cols} height={areaHeight} />;
  else if (overlay?.kind === 'overlaps') body = <OverlapPanel width={cols} height={areaHeight} />;
  else if (overlay?.kind === 'merge') body = <MergeDialog width={cols} height={areaHeight} />;
  else if (overlay?.kind === 'teardown') body = <TeardownDialog width={cols} height={areaHeight} />;
  else if (overlay?.kind === 'trust') body = <TrustDialog width={cols} height={areaHeight} />;
  else if (overlay?.kind === 'diff') body = <DiffView width={cols} height={areaHeight} />;
  else if (layout.tooSmall) {
    body = (
      <Box width={cols} height={areaHeight} alignItems="center" justifyContent="center">
        <Text color={theme.colors.warning}>{truncate('terminal too small', cols)}</Text>
      </Box>
    );
  } else if (lanes.length === 0) {
    body = (
      <Box width={cols} height={areaHeight} alignItems="center" justifyContent="center" flexDirection="column">
        <Text bold>{truncate('No lanes yet.', cols)}</Text>
        <Text color={theme.colors.muted}>{truncate(`Press ${keyLabel(keymap, 'new-lane')} to start an agent in a new worktree.`, cols)}</Text>
      </Box>
    );
  } else {
    body = (
      <Box width={cols} height={areaHeight}>
        {layout.panes.map((pane) => {
          const lane = lanes[pane.lane];
          if (!lane) return null;
          return (
            <PaneFrame
              key={lane.name}
              number={pane.lane + 1}
              lane={lane}
              rect={pane.rect}
              isFocused={pane.lane === focus}
              isTyping={pane.lane === focus && mode === 'type'}
              theme={theme}
            />
          );
        })}
      </Box>
    );
  }
  return (
    <Box width={cols} height={size.rows} flexDirection="column">
      {body}
      <Footer width={cols} page={layout.page} pages={layout.pages} />
    </Box>
  );
};
