/**
 * The raw floor: node-pty running `cat FILE` (one PTY per lane, all at once), output read and
 * discarded. What a multiplexer could at best deliver on this machine.
 */
import { spawn } from 'node-pty';
import { onCleanup } from './cleanup.mjs';

/** Resolves with the milliseconds from spawning until every `cat` exited. */
export const rawFloor = async (files, { cols = 120, rows = 40, timeoutMs = 120_000 } = {}) => {
  const start = performance.now();
  const ptys = files.map((file) => spawn('cat', [file], { name: 'xterm-256color', cols, rows, cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: null }));
  const undo = onCleanup(() => {
    for (const pty of ptys) {
      try {
        pty.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });
  let timer;
  try {
    await Promise.race([
      Promise.all(
        ptys.map(
          (pty) =>
            new Promise((resolve) => {
              pty.onData(() => undefined);
              pty.onExit(resolve);
            }),
        ),
      ),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('raw floor timed out')), timeoutMs))),
    ]);
    return performance.now() - start;
  } finally {
    clearTimeout(timer);
    await undo();
  }
};
