/**
 * Fault injection for the recovery tests (git-and-process-safety §8 F2, F5): with
 * `LANES_TEST_CRASH_AT=<step>` (or `<op>:<step>`) in the environment, the process kills itself with
 * SIGKILL right after the journal recorded that step, before taking it — the same state a power cut
 * or `kill -9` leaves. Without the variable this does nothing.
 */
export const crashPoint = (op: string, step: string): void => {
  const target = process.env.LANES_TEST_CRASH_AT;
  if (target === undefined || (target !== step && target !== `${op}:${step}`)) return;
  process.kill(process.pid, 'SIGKILL');
};
