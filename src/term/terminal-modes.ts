import type { Terminal } from '@xterm/headless';
import type { TerminalModes } from './types.js';

/** The emulator's modes that the UI needs to forward input correctly. */
export const readModes = (terminal: Terminal): TerminalModes => {
  const modes = terminal.modes;
  return {
    bracketedPaste: modes.bracketedPasteMode,
    applicationCursorKeys: modes.applicationCursorKeysMode,
    mouseTracking: modes.mouseTrackingMode,
    isAlternateScreen: terminal.buffer.active.type === 'alternate',
    // Present in xterm 6; read defensively so an older emulator just never holds painting.
    isSynchronizedOutput: (modes as { synchronizedOutputMode?: boolean }).synchronizedOutputMode === true,
  };
};
