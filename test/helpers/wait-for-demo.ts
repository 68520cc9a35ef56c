import { setTimeout as sleep } from 'node:timers/promises';

/** How often a condition is checked: prompt enough for output waits, far from a busy loop. */
const POLL_MS = 25;

/**
 * Resolve as soon as `predicate` returns true; reject after `timeoutMs` with `describe()` in the
 * message (e.g. the output seen so far), so a failed wait says what was on screen.
 */
export const waitFor = async (
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() >= deadline) {
      const detail = describe();
      throw new Error(`condition not met within ${timeoutMs} ms${detail ? `\n${detail}` : ''}`);
    }
    await sleep(POLL_MS);
  }
};
