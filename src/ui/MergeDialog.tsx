import { Box, Text } from 'ink';
import { useAppState } from './context.js';
import { truncate } from './text.js';

/** The merge dialog (`m`, `M`): the plan, the verify output while it runs, and how it ended. */
export const MergeDialog = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const { colors } = useAppState((s) => s.theme);
  if (overlay?.kind !== 'merge') return null;
  const inner = Math.max(10, width - 4);
  const title = overlay.lanes.length > 1 ? `Merge ready lanes: ${overlay.lanes.join(', ')}` : `Merge lane ${overlay.lanes[0] ?? ''}`;
  const mode = `${overlay.squash ? 'one squash commit' : 'a merge commit'}${overlay.commitWip ? ', uncommitted work committed first' : ''}`;
  const outputRows = Math.max(0, height - overlay.summary.length - 9);
  let hint: string;
  if (overlay.phase === 'loading') hint = 'reading the lane…';
  else if (overlay.phase === 'running') hint = 'merging: computing the result off to the side, verifying, then moving the base…';
  else if (overlay.phase === 'done') hint = overlay.result?.conflict ? 'a ask the agent to merge the base and resolve · Esc close' : 'Enter or Esc close';
  else if (overlay.refusal) hint = 'Esc close';
  else if (overlay.uncommitted > 0 && !overlay.commitWip) hint = 'c commit the uncommitted work first · s squash · Esc cancel';
  else hint = `Enter merge · s ${overlay.squash ? 'merge commit' : 'squash'}${overlay.uncommitted > 0 ? ' · c keep uncommitted' : ''} · Esc cancel`;
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={colors.dialogBorder} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate(title, inner)}
      </Text>
      <Text color={colors.muted}>{truncate(`as ${mode}`, inner)}</Text>
      <Text> </Text>
      {overlay.summary.map((line, i) => (
        <Text key={`s${i}`} wrap="truncate" color={line.startsWith('predicted: conflicts') ? colors.error : undefined}>
          {truncate(line, inner)}
        </Text>
      ))}
      {overlay.refusal ? (
        <Text color={colors.error} wrap="truncate">
          {truncate(overlay.refusal, inner)}
        </Text>
      ) : null}
      {overlay.output.length > 0 ? <Text color={colors.muted}>{truncate('verify:', inner)}</Text> : null}
      {overlay.output.slice(-outputRows).map((line, i) => (
        <Text key={`o${i}`} wrap="truncate" color={colors.muted}>
          {truncate(line, inner)}
        </Text>
      ))}
      <Box flexGrow={1} />
      {overlay.result ? (
        <Text color={overlay.result.isSuccess ? colors.statusWaiting : colors.error} wrap="truncate">
          {truncate(overlay.result.text, inner)}
        </Text>
      ) : null}
      <Text color={colors.muted}>{truncate(hint, inner)}</Text>
    </Box>
  );
};
