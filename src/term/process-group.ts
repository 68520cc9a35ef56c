/**
 * Signal the agent's process group. Right after spawn the group may not exist yet: node-pty's
 * helper calls setsid() in the child just before exec, so until then the child is still in our
 * group and only its pid can be signalled. `isLeaderAlive` false (the agent already exited) never
 * falls back to the pid, which may belong to another process by now.
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

/**
 * How long endGroup() waits after SIGHUP + SIGTERM before SIGKILL. Agents save sessions and stop
 * their tool subprocesses on SIGTERM; 3 s covers that on a loaded 2-core machine (the
 * process-safety notes measured 3–5 s as enough), while a user closing a lane should not wait longer.
 */
export const KILL_GRACE_MS = 3_000;
/** After SIGKILL the exit is reported once the kernel reaped the process: 1 s is ample. */
export const KILL_CONFIRM_MS = 1_000;

export interface EndGroupOptions {
  /** True when the leader exited within `ms`. */
  waitForExit: (ms: number) => Promise<boolean>;
  /** Runs right after SIGHUP and SIGTERM were sent (a paused tree is resumed there). */
  afterSignals?: () => Promise<void>;
}

/**
 * End the process group led by `pid`: SIGHUP and SIGTERM, SIGKILL after the grace period.
 * Resolves once the leader's exit was observed (or shortly after SIGKILL if it never is).
 */
export const endGroup = async (pid: number, options: EndGroupOptions): Promise<void> => {
  const startedAt = performance.now();
  signalGroup(pid, 'SIGHUP');
  signalGroup(pid, 'SIGTERM');
  await options.afterSignals?.().catch(() => undefined);
  const elapsed = performance.now() - startedAt;
  if (await options.waitForExit(Math.max(0, KILL_GRACE_MS - elapsed))) {
    // The agent is gone; members of its group that ignored the signals (a child that traps
    // TERM) get SIGKILL when the grace period ends, without holding up the caller.
    const remainingMs = KILL_GRACE_MS - (performance.now() - startedAt);
    setTimeout(() => signalGroup(pid, 'SIGKILL', false), Math.max(0, remainingMs)).unref();
    return;
  }
  signalGroup(pid, 'SIGKILL');
  await options.waitForExit(KILL_CONFIRM_MS);
};
