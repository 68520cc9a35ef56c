import { Box, Text } from 'ink';
import { useAppState } from './context.js';
import { fit, truncate } from './text.js';
import { overlapState } from './overlap-state.js';

/** The `o` panel: every file touched by more than one lane, navigable; Enter focuses a lane. */
export const OverlapPanel = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const overlaps = useAppState((s) => s.overlaps);
  const { colors } = useAppState((s) => s.theme);
  const selected = overlay?.kind === 'overlaps' ? Math.min(overlay.selected, Math.max(0, overlaps.length - 1)) : 0;
  const inner = Math.max(10, width - 4);
  const pathWidth = Math.max(8, Math.floor(inner * 0.35));
  const lanesWidth = Math.max(6, Math.floor(inner * 0.35));
  const stateWidth = Math.max(4, inner - pathWidth - lanesWidth - 2);
  const rowsAvailable = Math.max(1, height - 7);
  // Keep the selected row in view.
  const start = Math.max(0, Math.min(selected - Math.floor(rowsAvailable / 2), overlaps.length - rowsAvailable));
  const shown = overlaps.slice(start, start + rowsAvailable);
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={colors.dialogBorder} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate(`Overlaps — ${overlaps.length} file${overlaps.length === 1 ? '' : 's'} touched by more than one lane or by the base`, inner)}
      </Text>
      <Text color={colors.muted}>{fit(' ', 2) + fit('path', pathWidth - 2) + fit('lanes', lanesWidth) + fit('state', stateWidth)}</Text>
      {overlaps.length === 0 ? <Text color={colors.muted}>{truncate('No overlaps: no file is touched by two lanes.', inner)}</Text> : null}
      {shown.map((overlap, i) => {
        const isSelected = start + i === selected;
        return (
          <Text key={`${overlap.path}\0${overlap.lanes.join(',')}`} wrap="truncate" inverse={isSelected}>
            <Text color={isSelected ? undefined : colors.footerKey}>{isSelected ? '› ' : '  '}</Text>
            <Text>{fit(overlap.path, pathWidth - 2)}</Text>
            <Text>{fit(overlap.lanes.map((lane) => (overlap.kinds?.[lane] ? `${lane} (${overlap.kinds[lane]})` : lane)).join(', '), lanesWidth)}</Text>
            <Text color={overlap.conflict === true ? colors.error : colors.warning}>{fit(overlapState(overlap), stateWidth)}</Text>
          </Text>
        );
      })}
      <Box flexGrow={1} />
      <Text color={colors.muted}>{truncate('↑↓ j k select · Enter focus a lane of it · Esc, q or o close', inner)}</Text>
    </Box>
  );
};
