import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadTheme, themesDirectory } from '../config/theme.js';
import { createLocalHost } from '../host/local-host.js';
import type { TerminalHost } from '../term/types.js';
import { mountChrome } from '../ui/chrome.js';
import { Compositor } from '../ui/compositor.js';
import { newLane, type LanesContext } from './context.js';
import { Controller } from './controller.js';
import { InputRouter } from './input-router.js';
import { writeUiStatus } from './ui-status.js';
import { createAppStore, notify } from './store.js';
import { createTty, type Tty } from './tty.js';

/** State-file changes from `lanes new` are picked up after this much quiet (well under a second). */
const STATE_DEBOUNCE_MS = 100;
/** How often lanes checks that every worktree still exists (a lane whose folder vanished is `missing`). */
const MISSING_CHECK_MS = 5000;

export interface UiOptions {
  context: LanesContext;
  themeName?: string;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  host?: TerminalHost;
  /** A line shown in the footer at start (e.g. where the demo repository is). */
  greeting?: string;
}

/**
 * Run the full-screen UI until the user quits. Resolves with the exit code. The terminal is given
 * back on every path: quit, error, SIGTERM, SIGHUP.
 */
export const runUi = async (options: UiOptions): Promise<number> => {
  const { context } = options;
  const env = context.env;
  const theme = await loadTheme(options.themeName ?? context.config.theme, { themesDir: themesDirectory(), env });
  const tty: Tty = createTty(options.stdin ?? process.stdin, options.stdout ?? process.stdout);
  const store = createAppStore({ repoName: context.repo.name, base: context.base.branch, keymap: context.keymap, theme, size: tty.size() });
  const compositor = new Compositor(tty.stdout);
  const host = options.host ?? createLocalHost();
  // Ink renders its first frame while mounting, before the controller exists to schedule paints.
  let requestPaint = (): void => undefined;
  const chrome = mountChrome(
    store,
    (frame) => {
      compositor.setChrome(frame);
      requestPaint();
    },
    theme.isMonochrome ? 0 : 3,
  );
  const controller = new Controller({
    config: context.config,
    stateStore: context.stateStore,
    host,
    store,
    compositor,
    ring: () => tty.stdout.write('\x07'),
    env,
    newLane: (request) => newLane(context, request),
  });
  requestPaint = () => controller.frames.request();
  const router = new InputRouter(controller);
  const ctl = controller;

  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let stateWatcher: FSWatcher | undefined;
  let stateTimer: NodeJS.Timeout | undefined;
  let isClosing = false;

  const close = async (code: number): Promise<void> => {
    if (isClosing) return;
    isClosing = true;
    clearInterval(missingTimer);
    if (stateTimer) clearTimeout(stateTimer);
    stateWatcher?.close();
    router.dispose();
    tty.stdin.off('data', onData);
    tty.stdout.off('resize', onResize);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGCONT', onContinue);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    try {
      await ctl.shutdown();
    } finally {
      chrome.unmount();
      tty.restore();
      await writeUiStatus(context.stateStore.dir, undefined).catch(() => undefined);
      resolveExit(code);
    }
  };
  ctl.onQuit = () => close(0);

  const onData = (chunk: string | Buffer): void => router.feed(chunk.toString());
  const onResize = (): void => {
    const size = tty.size();
    chrome.resize(size.cols, size.rows);
    store.setState({ size });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    void close(signal === 'SIGHUP' ? 129 : signal === 'SIGINT' ? 130 : 143);
  };
  const onContinue = (): void => {
    // Back from a suspend: the terminal was reset by the shell; enter our mode again and redraw.
    tty.restore();
    tty.enter();
    compositor.invalidate();
    ctl.frames.flush();
  };
  const onCrash = (error: unknown): void => {
    // Restore the terminal first so the message is readable and the shell usable.
    tty.restore();
    process.stderr.write(`lanes: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void close(70);
  };

  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGCONT', onContinue);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  tty.enter();
  tty.stdin.on('data', onData);
  tty.stdout.on('resize', onResize);
  ctl.applyLayout();

  // Lanes created from the command line appear within a second: watch the state folder.
  await mkdir(context.stateStore.dir, { recursive: true });
  const resync = (): void => {
    if (stateTimer) clearTimeout(stateTimer);
    stateTimer = setTimeout(() => {
      stateTimer = undefined;
      if (!isClosing) ctl.sync().catch((error: unknown) => notify(store, `could not read lanes state: ${String(error)}`, 'error'));
    }, STATE_DEBOUNCE_MS);
  };
  try {
    stateWatcher = watch(context.stateStore.dir, (_event, file) => {
      if (file === null || String(file).startsWith('state.json')) resync();
    });
  } catch {
    notify(store, 'cannot watch the lanes state folder: lanes created elsewhere appear after a restart', 'warning');
  }
  const missingTimer = setInterval(() => {
    if (!isClosing) void ctl.checkMissing();
  }, MISSING_CHECK_MS);
  missingTimer.unref();

  const load = await context.stateStore.load();
  if (load.recoveredFrom) notify(store, `lanes state was unreadable; backed up to ${load.recoveredFrom} and rebuilt from git`, 'warning');
  else if (options.greeting) notify(store, options.greeting);
  await ctl.sync();

  // Publish statuses for `lanes ls` while the UI runs.
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.lanes !== previous.lanes) writeUiStatus(context.stateStore.dir, state.lanes).catch(() => undefined);
  });
  await writeUiStatus(context.stateStore.dir, store.getState().lanes).catch(() => undefined);
  const code = await exited;
  unsubscribe();
  return code;
};
