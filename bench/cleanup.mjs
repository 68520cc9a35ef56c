/**
 * Everything the bench starts is registered here and undone in reverse order: at the end of each
 * scenario, and on every way out of the process (error, Ctrl-C, SIGTERM).
 */
const actions = new Set();

/** Register an undo step; returns a function that runs it now (once) and unregisters it. */
export const onCleanup = (undo) => {
  let isDone = false;
  const run = async () => {
    if (isDone) return;
    isDone = true;
    actions.delete(run);
    try {
      await undo();
    } catch (error) {
      process.stderr.write(`bench: cleanup step failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  actions.add(run);
  return run;
};

/** Run every registered undo step, newest first. */
export const cleanupAll = async () => {
  for (const run of [...actions].reverse()) await run();
};

let isInstalled = false;

/** Clean up on signals and crashes too; the exit code says what happened. */
export const installCleanupHandlers = () => {
  if (isInstalled) return;
  isInstalled = true;
  const bail = (code, message) => {
    if (message) process.stderr.write(`${message}\n`);
    cleanupAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => bail(130, 'bench: interrupted, cleaning up'));
  process.on('SIGTERM', () => bail(143, 'bench: terminated, cleaning up'));
  process.on('SIGHUP', () => bail(129));
  process.on('uncaughtException', (error) => bail(70, `bench: ${error?.stack ?? error}`));
  process.on('unhandledRejection', (error) => bail(70, `bench: ${error?.stack ?? error}`));
};
