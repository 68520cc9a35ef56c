import { Box, Text } from 'ink';
import { useAppState } from './context.js';
import { truncate } from './text.js';

/** The `x` dialog: the question, then (when work would be lost) exactly what, and a second question. */
export const TeardownDialog = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const { colors } = useAppState((s) => s.theme);
  if (overlay?.kind !== 'teardown') return null;
  const inner = Math.max(10, width - 4);
  const isRefused = overlay.phase === 'refused';
  const canForce = isRefused && overlay.canForce === true;
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={isRefused ? colors.warning : colors.dialogBorder} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate(`Tear down lane ${overlay.lane}`, inner)}
      </Text>
      <Text color={colors.muted}>
        {truncate('Its agent and every process in its worktree end; its full state is archived first (lanes restore brings it back).', inner)}
      </Text>
      <Text> </Text>
      {overlay.phase === 'confirm' ? <Text>{truncate('The worktree and branch are removed only when no work would be lost.', inner)}</Text> : null}
      {overlay.phase === 'running' ? <Text>{truncate('ending processes, archiving, removing…', inner)}</Text> : null}
      {isRefused ? (
        <Text color={colors.warning} wrap="truncate">
          {truncate(canForce && overlay.lines.length > 0 ? 'Refused: work would be lost:' : `Refused: ${overlay.reason ?? 'work would be lost'}`, inner)}
        </Text>
      ) : null}
      {overlay.lines.slice(0, Math.max(0, height - 9)).map((line, i) => (
        <Text key={`l${i}`} wrap="truncate">
          {truncate(`  ${line}`, inner)}
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text color={colors.muted}>
        {truncate(canForce ? 'y tear it down anyway (archived first: nothing is lost for good) · Esc keep it' : isRefused ? 'Esc close' : overlay.phase === 'confirm' ? 'y or Enter tear down · Esc cancel' : '', inner)}
      </Text>
    </Box>
  );
};
