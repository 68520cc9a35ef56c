import { Box, Text } from 'ink';
import { footerHints, keyLabel } from '../core/keymap.js';
import type { LaneStatus } from '../core/lane.js';
import { useAppState } from './context.js';
import { statusStyle } from './status-style.js';
import { stringWidth, truncate } from './text.js';

const ORDER: Array<LaneStatus['kind']> = ['busy', 'waiting', 'starting', 'paused', 'exited', 'failed', 'missing', 'stopped'];

/**
 * The bottom row: mode, base branch, lane counts by status, key hints generated from the key map,
 * and the latest notification (or the quit question).
 */
export const Footer = ({ width, page, pages }: { readonly width: number; readonly page: number; readonly pages: number }) => {
  const base = useAppState((s) => s.base);
  const lanes = useAppState((s) => s.lanes);
  const mode = useAppState((s) => s.mode);
  const notice = useAppState((s) => s.notice);
  const keymap = useAppState((s) => s.keymap);
  const theme = useAppState((s) => s.theme);
  const overlay = useAppState((s) => s.overlay);
  const { colors } = theme;

  if (overlay?.kind === 'confirm-quit') {
    const running = lanes.filter((l) => ['busy', 'waiting', 'starting', 'paused'].includes(l.status.kind)).length;
    const text =
      running === 0
        ? ' Quit lanes? No agent runs; every worktree and branch is kept.  y quit · n stay '
        : ` Quit lanes? ${running} agent${running === 1 ? ' keeps' : 's keep'} running in the lanes host; lanes attaches again.  y detach · e end ${running === 1 ? 'it' : 'them all'} and quit · n stay `;
    return (
      <Box width={width} height={1}>
        <Text color={colors.warning} inverse wrap="truncate">
          {truncate(text, width)}
        </Text>
      </Box>
    );
  }

  const counts = new Map<LaneStatus['kind'], number>();
  for (const lane of lanes) counts.set(lane.status.kind, (counts.get(lane.status.kind) ?? 0) + 1);
  const modeText = mode === 'type' ? ' TYPE ' : ' NAV ';
  const leave = keyLabel(keymap, 'leave-type');
  const left = ` ${base} · ${lanes.length} lane${lanes.length === 1 ? '' : 's'}${pages > 1 ? ` · page ${page + 1}/${pages}` : ''} `;
  const hints =
    mode === 'type'
      ? [{ key: leave, label: 'leave type mode' }]
      : footerHints(keymap);
  const noticeText = notice ? ` ${notice.text} ` : '';
  const noticeColor = notice?.level === 'error' ? colors.error : notice?.level === 'warning' ? colors.warning : colors.notice;

  // Hints take what is left after the mode, base, counts and the notice.
  const countParts = ORDER.filter((k) => counts.get(k)).map((k) => ({ kind: k, text: `${statusStyle({ kind: k } as LaneStatus, colors).symbol}${counts.get(k)} ${k} ` }));
  const hintWidth = (h: { key: string; label: string }): number => stringWidth(` ${h.key} ${h.label} `);
  // In type mode the way out is never crowded out by a notice.
  const reserved = mode === 'type' ? hints.reduce((n, h) => n + hintWidth(h), 0) : 0;
  const fixedWidth = stringWidth(modeText) + stringWidth(left) + countParts.reduce((n, p) => n + stringWidth(p.text), 0) + reserved;
  // A notice may take all but ten columns of what is left; hints fill the rest.
  const noticeShown = truncate(noticeText, Math.min(stringWidth(noticeText), Math.max(0, width - fixedWidth - 10)));
  let budget = width - fixedWidth - stringWidth(noticeShown) + reserved;
  const shownHints: Array<{ key: string; label: string }> = [];
  for (const hint of hints) {
    const w = hintWidth(hint);
    if (w > budget) break;
    shownHints.push(hint);
    budget -= w;
  }
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text color={mode === 'type' ? colors.borderTyping : colors.borderFocused} inverse bold>
          {modeText}
        </Text>
        <Text color={colors.footer}>{left}</Text>
        {countParts.map((p) => (
          <Text key={p.kind} color={statusStyle({ kind: p.kind } as LaneStatus, colors).color}>
            {p.text}
          </Text>
        ))}
        {shownHints.map((h) => (
          <Text key={h.label}>
            {' '}
            <Text color={colors.footerKey} bold>
              {h.key}
            </Text>
            <Text color={colors.muted}> {h.label} </Text>
          </Text>
        ))}
        {' '.repeat(Math.max(0, budget))}
        <Text color={noticeColor}>{noticeShown}</Text>
      </Text>
    </Box>
  );
};
