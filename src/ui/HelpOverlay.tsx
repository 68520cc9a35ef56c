import { Box, Text } from 'ink';
import { helpRows, keyLabel } from '../core/keymap.js';
import { useAppState } from './context.js';
import { fit, truncate } from './text.js';

/** Full-screen help, generated from the key map (so it never disagrees with the keys). */
export const HelpOverlay = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const keymap = useAppState((s) => s.keymap);
  const { colors } = useAppState((s) => s.theme);
  const rows = helpRows(keymap);
  const keyWidth = Math.min(18, Math.max(...rows.map((r) => r.keys.length)) + 2);
  const inner = Math.max(10, width - 4);
  const leave = keyLabel(keymap, 'leave-type');
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={colors.dialogBorder} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate('lanes — keys in navigate mode', inner)}
      </Text>
      <Text color={colors.muted}>{truncate(`In type mode every key goes to the agent; ${leave} comes back here.`, inner)}</Text>
      <Text> </Text>
      {rows.slice(0, Math.max(0, height - 6)).map((row) => (
        <Text key={row.keys + row.description} wrap="truncate">
          <Text color={colors.footerKey} bold>
            {fit(row.keys, keyWidth)}
          </Text>
          <Text>{truncate(row.description, Math.max(0, inner - keyWidth))}</Text>
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text color={colors.muted}>{truncate('Esc, q or ? closes this help.', inner)}</Text>
    </Box>
  );
};
