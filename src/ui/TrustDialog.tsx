import { Box, Text } from 'ink';
import { useAppState } from './context.js';
import { truncate } from './text.js';

/** At start: the repository file's commands, and whether to trust them (t) or not now (n). */
export const TrustDialog = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const { colors } = useAppState((s) => s.theme);
  if (overlay?.kind !== 'trust') return null;
  const inner = Math.max(10, width - 4);
  // Title, two lines of text, a blank line, the error, the spacer and the key line: 9 rows with the border.
  const room = Math.max(1, height - 9 - overlay.ignored.length);
  const shown = overlay.lines.length > room ? [...overlay.lines.slice(0, room - 1), `  … and ${overlay.lines.length - room + 1} more (lanes trust lists them all)`] : overlay.lines;
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
      {overlay.ignored.map((key) => (
        <Text key={key} color={colors.muted} wrap="truncate">
          {truncate(`  ${key}: ignored (a repository cannot change a built-in or your own preset)`, inner)}
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
