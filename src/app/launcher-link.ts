/**
 * The UI's link to its launcher (cli/entry.ts). The launcher starts the UI with a Node IPC
 * channel whose other end only the launcher holds: when the launcher dies — even by SIGKILL, which
 * it cannot handle — the kernel closes that end and the UI sees `disconnect` at once. Node has no
 * parent-death signal (PR_SET_PDEATHSIG); this is the portable equivalent. The channel carries no
 * messages, and the UI's own children do not inherit it (Node opens it close-on-exec).
 */
let isLinked = false;

/** Called once in the UI process at start: note the launcher's channel, without keeping the process alive for it. */
export const linkLauncher = (): void => {
  if (process.channel === undefined) return;
  process.channel.unref();
  isLinked = true;
};

/**
 * Call `listener` once when the launcher is gone (at once when it already is). Returns the
 * unsubscribe function; does nothing when the UI was not started by a launcher.
 */
export const onLauncherGone = (listener: () => void): (() => void) => {
  if (!isLinked) return () => undefined;
  if (!process.connected) {
    const timer = setImmediate(listener);
    return () => clearImmediate(timer);
  }
  process.once('disconnect', listener);
  return () => process.off('disconnect', listener);
};
