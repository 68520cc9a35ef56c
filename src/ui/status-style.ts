import type { LaneStatus } from '../core/lane.js';
import type { ThemeColors } from '../config/theme.js';

/** Symbol and theme colour of each status, so a status reads at a glance even without colour. */
export const statusStyle = (status: LaneStatus, colors: ThemeColors): { symbol: string; color: string | undefined } => {
  switch (status.kind) {
    case 'starting':
      return { symbol: '◌', color: colors.statusStarting };
    case 'busy':
      return { symbol: '●', color: colors.statusBusy };
    case 'waiting':
      return { symbol: '◆', color: colors.statusWaiting };
    case 'paused':
      return { symbol: '⏸', color: colors.statusPaused };
    case 'exited':
      return { symbol: '■', color: colors.statusExited };
    case 'failed':
      return { symbol: '✖', color: colors.statusFailed };
    case 'missing':
      return { symbol: '?', color: colors.statusMissing };
    case 'stopped':
      return { symbol: '○', color: colors.statusStopped };
  }
};
