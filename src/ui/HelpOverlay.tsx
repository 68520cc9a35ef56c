import { Box, Text } from 'ink';
import { helpRows, keyLabel } from '../core/keymap.js';
import { useAppState } from './context.js';
import { fit, truncate, wrapWords } from './text.js';

/** Full-screen help, generated from the key map (so it never disagrees with the keys). */
export const HelpOverlay = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const keymap = useAppState((s) => s.keymap);
  const { colors } = useAppState((s) => s.theme);
  const rows = helpRows(keymap);
  const keyWidth = Math.min(18, Math.max(...rows.map((r) => r.keys.length)) + 2);
  const inner = Math.max(10, width - 4);
  const leave = keyLabel(keymap, 'leave-type');
  // A description longer than its column continues on the next rows, under itself.
  const lines = rows.flatMap((row) =>
    wrapWords(row.description, Math.max(1, inner - keyWidth)).map((text, i) => ({ id: `${row.keys}\0${row.description}\0${i}`, keys: i === 0 ? row.keys : '', text })),
  );
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={colors.dialogBorder} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate('lanes — keys in navigate mode', inner)}
      </Text>
      <Text color={colors.muted}>{truncate(`In type mode every key goes to the agent; ${leave} comes back here.`, inner)}</Text>
      <Text> </Text>
      {lines.slice(0, Math.max(0, height - 6)).map((line) => (
        <Text key={line.id} wrap="truncate">
          <Text color={colors.footerKey} bold>
            {fit(line.keys, keyWidth)}
          </Text>
          <Text>{line.text}</Text>
        </Text>
      ))}
      <Box flexGrow={1} />
      <Text color={colors.muted}>{truncate('Esc, q or ? closes this help.', inner)}</Text>
    </Box>
  );
};
