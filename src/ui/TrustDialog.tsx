import { Box, Text } from 'ink';
import { useAppState } from './context.js';
import { truncate } from './text.js';
import { trustDialogLayout } from '../app/trust-flow.js';

/** At start: the repository file's commands, and whether to trust them (t) or not now (n). */
export const TrustDialog = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const size = useAppState((s) => s.size);
  const { colors } = useAppState((s) => s.theme);
  if (overlay?.kind !== 'trust') return null;
  const { inner, shown, ignored } = trustDialogLayout(overlay, size);
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={colors.warning} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate(`Trust the commands of ${overlay.label}?`, inner)}
      </Text>
      <Text color={colors.muted}>{truncate(`This repository's ${overlay.label} defines commands lanes would run on this machine:`, inner)}</Text>
      {shown.map((line, i) => (
        <Text key={`c${i}`} wrap="truncate">
          {truncate(line, inner)}
        </Text>
      ))}
      {ignored.map((line) => (
        <Text key={line} color={colors.muted} wrap="truncate">
          {truncate(line, inner)}
        </Text>
      ))}
      <Text color={colors.muted}>{truncate('None of them runs until you trust this exact content; any edit of the file asks again.', inner)}</Text>
      {overlay.error ? <Text color={colors.warning}>{truncate(overlay.error, inner)}</Text> : null}
      <Box flexGrow={1} />
      <Text color={colors.muted}>
        {truncate(overlay.phase === 'saving' ? 'recording…' : 't trust and run them · n not now (they are skipped; lanes trust allows them later)', inner)}
      </Text>
    </Box>
  );
};
