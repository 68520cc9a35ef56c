import { closeSync, constants, openSync } from 'node:fs';
import type { IPty } from 'node-pty';

/**
 * Open the slave side of a freshly spawned PTY and keep it open until the agent's exit was
 * handled. On Linux, once the last slave descriptor closes, reading the master fails with EIO
 * while the agent's final output may still be unread, and node-pty then drops it (node-pty
 * issues #72, #85, #726: measured here, `echo` of 40 KB lost its tail in 50 of 100 runs; 0 of 100
 * with the slave held). Holding a descriptor keeps the data readable until node-pty closes the
 * master (200 ms after the exit), long enough to drain it. O_NOCTTY: the terminal must never
 * become ours. Returns undefined when the slave cannot be opened (the agent is then merely
 * exposed to the old race).
 */
export const holdSlave = (pty: IPty): number | undefined => {
  const path = (pty as IPty & { ptsName?: unknown }).ptsName;
  if (typeof path !== 'string' || path === '') return undefined;
  try {
    return openSync(path, constants.O_RDWR | constants.O_NOCTTY);
  } catch {
    return undefined;
  }
};

export const releaseSlave = (fd: number | undefined): void => {
  if (fd === undefined) return;
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
};
