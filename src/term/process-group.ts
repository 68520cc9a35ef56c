/**
 * Signal the agent's process group. Right after spawn the group may not exist yet: node-pty's
 * helper calls setsid() in the child just before exec, so until then the child is still in our
 * group and only its pid can be signalled. `isLeaderAlive` false (the agent already exited) never
 * falls back to the pid, which may belong to another process by then.
 */
export const signalGroup = (pgid: number, signal: NodeJS.Signals, isLeaderAlive = true): void => {
  try {
    process.kill(-pgid, signal);
    return;
  } catch {
    // ESRCH: no such group (yet, or any more).
  }
  if (!isLeaderAlive) return;
  try {
    process.kill(pgid, signal);
  } catch {
    // ESRCH: gone.
  }
};
