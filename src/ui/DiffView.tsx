import { Box, Text } from 'ink';
import type { ThemeColors } from '../config/theme.js';
import { clampScroll, diffBodyRows, fileAt, type DiffDocument, type DocLine } from '../core/diff-doc.js';
import { useAppState } from './context.js';
import { fit, stringWidth, truncate } from './text.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Counts after a file's name in the list: `+12 -3`, or `binary`. */
const countsText = (line: Extract<DocLine, { kind: 'file' }>): string => (line.binary ? 'binary' : `+${line.added} -${line.deleted}`);

/** One diff line, cut to `width` columns (never wrapped), in its theme colour. */
const DiffLine = ({ line, width, nameWidth, colors }: { readonly line: DocLine; readonly width: number; readonly nameWidth: number; readonly colors: ThemeColors }) => {
  if (line.kind === 'file') {
    const name = fit(line.text, Math.min(nameWidth, Math.max(1, width - 2 - stringWidth(countsText(line)) - 1)));
    return (
      <Text wrap="truncate">
        {'  '}
        {name}{' '}
        {line.binary ? (
          <Text color={colors.muted}>binary</Text>
        ) : (
          <>
            <Text color={colors.diffAdd}>+{line.added}</Text> <Text color={colors.diffRemove}>-{line.deleted}</Text>
          </>
        )}
      </Text>
    );
  }
  const text = truncate(line.text, width) || ' ';
  switch (line.kind) {
    case 'header':
      return (
        <Text wrap="truncate" bold color={colors.diffHeader}>
          {text}
        </Text>
      );
    case 'hunk':
      return (
        <Text wrap="truncate" color={colors.diffHunk}>
          {text}
        </Text>
      );
    case 'add':
      return (
        <Text wrap="truncate" color={colors.diffAdd}>
          {text}
        </Text>
      );
    case 'del':
      return (
        <Text wrap="truncate" color={colors.diffRemove}>
          {text}
        </Text>
      );
    case 'note':
      return (
        <Text wrap="truncate" color={colors.muted}>
          {text}
        </Text>
      );
    default:
      return <Text wrap="truncate">{text}</Text>;
  }
};

/** `lines 1–30 of 212 · file 2/5 src/cart.ts`: where the view is. */
const positionText = (doc: DiffDocument, scroll: number, rows: number): string => {
  if (doc.lines.length === 0) return '';
  const last = Math.min(doc.lines.length, scroll + rows);
  const file = fileAt(doc, scroll);
  const where = file < 0 ? 'file list' : `file ${file + 1}/${doc.fileStarts.length} ${doc.files[file]?.path ?? ''}`;
  return `lines ${scroll + 1}–${last} of ${doc.lines.length} · ${where} · `;
};

/**
 * The full-screen diff of one lane (`d`): a title with the lane, its fork point, the file count and
 * `+added -deleted`; then the file list with counts and the coloured patch, scrolled by the diff
 * view's keys. Only the visible lines are drawn.
 */
export const DiffView = ({ width, height }: { readonly width: number; readonly height: number }) => {
  const overlay = useAppState((s) => s.overlay);
  const { colors } = useAppState((s) => s.theme);
  if (overlay?.kind !== 'diff') return null;
  const inner = Math.max(10, width - 4);
  const rows = diffBodyRows(height);
  const doc = overlay.diff;
  const scroll = doc ? clampScroll(doc, overlay.scroll, rows) : 0;
  let title = `Diff · lane ${overlay.lane} · fork point ${overlay.forkPoint.slice(0, 10)}`;
  if (doc) {
    if (doc.mergeBase !== overlay.forkPoint) title += ` · from ${doc.mergeBase.slice(0, 10)}`;
    title += ` · ${plural(doc.files.length, 'file')} · +${doc.added} -${doc.deleted}`;
  }
  const visible = doc ? doc.lines.slice(scroll, scroll + rows) : [];
  // File names in the list line up over the visible rows.
  const nameWidth = Math.max(1, ...visible.map((line) => (line.kind === 'file' ? stringWidth(line.text) : 0)));
  let body;
  if (overlay.loading) body = <Text color={colors.muted}>{truncate(`Reading the diff of lane ${overlay.lane}…`, inner)}</Text>;
  else if (overlay.error !== undefined) body = <Text color={colors.error}>{truncate(overlay.error, inner)}</Text>;
  else if (!doc || doc.lines.length === 0) body = <Text color={colors.muted}>{truncate(`No changes: lane ${overlay.lane} has not changed anything since it forked.`, inner)}</Text>;
  else body = visible.map((line, i) => <DiffLine key={scroll + i} line={line} width={inner} nameWidth={nameWidth} colors={colors} />);
  const position = doc ? positionText(doc, scroll, rows) : '';
  return (
    <Box width={width} height={height} borderStyle="round" borderColor={colors.dialogBorder} flexDirection="column" paddingX={1}>
      <Text bold color={colors.titleFocused}>
        {truncate(title, inner)}
      </Text>
      <Box flexDirection="column" height={rows} overflow="hidden">
        {body}
      </Box>
      <Text color={colors.muted}>{truncate(`${position}j k scroll · ] [ file · g G top/bottom · q close`, inner)}</Text>
    </Box>
  );
};
