import { watch, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { loadTheme, themesDirectory } from '../config/theme.js';
import { attachHost } from './host-link.js';
import type { TerminalHost } from '../term/types.js';
import { mountChrome } from '../ui/chrome.js';
import { Compositor } from '../ui/compositor.js';
import { newLane, recoverInterrupted, type LanesContext } from './context.js';
import { Controller } from './controller.js';
import { OverlapWiring } from './overlap-wiring.js';
import { leftoverLines } from './leftovers.js';
import { InputRouter } from './input-router.js';
import { publishStatuses, writeUiStatus } from './ui-status.js';
import { isLanesError } from '../core/errors.js';
import { createAppStore, notify } from './store.js';
import { createTty, type Tty } from './tty.js';
import { recordTrust } from '../config/trust.js';
import { openTrust, type TrustOffer } from './trust-flow.js';
import { onLauncherGone } from './launcher-link.js';
import { keyLabel } from '../core/keymap.js';

/** State-file changes from `lanes new` are picked up after this much quiet (well under a second). */
const STATE_DEBOUNCE_MS = 100;
/** Notices leave the footer after this long (errors stay twice as long), giving the key hints back. */
const NOTICE_MS = 6000;

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
  // Everything that can refuse runs before the screen changes, so a refusal is one plain line.
  await mkdir(context.stateStore.dir, { recursive: true });
  const load = await context.stateStore.load();
  // The host is reached (or started) before the screen changes: a host of another version, or a
  // runtime folder that is not private, is one plain line.
  const host = options.host ?? (await attachHost(context));
  const tty: Tty = createTty(options.stdin ?? process.stdin, options.stdout ?? process.stdout);
  const store = createAppStore({ repoName: context.repo.name, base: context.base.branch, keymap: context.keymap, theme, size: tty.size() });
  const compositor = new Compositor(tty.stdout);
  if ('onLost' in host) {
    (host as { onLost: (reason: string) => void }).onLost = (reason) =>
      notify(store, `the lanes host is gone (${reason}): its agents ended with it; worktrees and branches are kept, ${keyLabel(context.keymap, 'restart')} restarts an agent`, 'error');
  }
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
  const { repoFile, whenTrusted } = context;
  const { untrusted } = context.config;
  const trustOffer: TrustOffer | undefined =
    repoFile && whenTrusted && untrusted
      ? {
          file: repoFile,
          line: untrusted.line,
          accept: async () => {
            // Exactly the content shown (and loaded): a file edited since stays untrusted on disk.
            await recordTrust(env, repoFile.path, repoFile.sha256, repoFile.commandsSha256);
            context.config = whenTrusted;
            return whenTrusted;
          },
        }
      : undefined;
  // File activity and overlap bells feed the controller, which is created after the wiring it reports to.
  let onFileActivity = (_lane: string): void => undefined;
  let ring = (): void => undefined;
  const overlaps = new OverlapWiring({
    store,
    repoCwd: context.repo.mainWorktree,
    commonDir: context.repo.commonDir,
    base: context.base.branch,
    extraIgnore: context.config.watch.ignore,
    isBell: context.config.notify === 'bell',
    ring: () => ring(),
    onFileActivity: (lane) => onFileActivity(lane),
  });
  const controller = new Controller({
    onLanesChanged: (records) => overlaps.setLanes(records),
    onMerged: () => overlaps.refresh(),
    repo: context.repo,
    config: context.config,
    stateStore: context.stateStore,
    host,
    store,
    compositor,
    env,
    newLane: (request) => newLane(context, request),
    ...(trustOffer ? { trustOffer } : {}),
  });
  requestPaint = () => controller.requestPaint();
  ring = () => controller.ring();
  onFileActivity = (lane) => controller.noteFileActivity(lane);
  const router = new InputRouter(controller);
  const ctl = controller;

  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  let stateWatcher: FSWatcher | undefined;
  let stateTimer: NodeJS.Timeout | undefined;
  let isClosing = false;

  const close = async (code: number, leave: { endAgents?: boolean } = {}): Promise<void> => {
    if (isClosing) return;
    isClosing = true;
    if (stateTimer) clearTimeout(stateTimer);
    stateWatcher?.close();
    router.dispose();
    tty.stdin.off('data', onData);
    tty.stdout.off('resize', onResize);
    tty.stdin.off('end', onTtyGone);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('SIGINT', onSignal);
    process.off('SIGCONT', onContinue);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    unlinkLauncher();
    try {
      await Promise.all([ctl.shutdown(leave), overlaps.dispose()]);
    } finally {
      chrome.unmount();
      tty.restore();
      await writeUiStatus(context.stateStore.dir, undefined).catch(() => undefined);
      resolveExit(code);
    }
  };
  ctl.onQuit = (leave) => close(0, leave ?? {});

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
  const onTtyGone = (): void => {
    // The window closed or the connection dropped: end cleanly without writing to it.
    tty.markGone();
    void close(129);
  };
  const onCrash = (error: unknown): void => {
    // Restore the terminal first so the message is readable and the shell usable.
    tty.restore();
    if (!tty.isGone) process.stderr.write(`lanes: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void close(70);
  };

  // The launcher was killed (kill -9): the shell has the terminal back. Give it back in the state
  // the user left it first, then detach, as on SIGHUP (the agents go on in the host).
  const unlinkLauncher = onLauncherGone(() => {
    tty.restore();
    void close(129);
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGCONT', onContinue);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  tty.enter();
  tty.stdin.on('data', onData);
  tty.stdout.on('resize', onResize);
  // Errors on the terminal (EIO after a hang-up) end lanes cleanly; the listeners stay so a late
  // error after closing is not thrown.
  tty.stdout.on('error', onTtyGone);
  tty.stdin.on('error', onTtyGone);
  tty.stdin.on('end', onTtyGone);
  let unsubscribe = (): void => undefined;
  try {
    ctl.applyLayout();
    // Lanes created from the command line appear within a second: watch the state folder.
    const resync = (): void => {
      if (stateTimer) clearTimeout(stateTimer);
      stateTimer = setTimeout(() => {
        stateTimer = undefined;
        if (!isClosing) ctl.sync().catch((error: unknown) => notify(store, `could not read lanes state: ${describe(error)}`, 'error'));
      }, STATE_DEBOUNCE_MS);
    };
    try {
      stateWatcher = watch(context.stateStore.dir, (_event, file) => {
        if (file === null || String(file).startsWith('state.json')) resync();
      });
      stateWatcher.on('error', () => notify(store, 'stopped watching the lanes state folder: lanes created elsewhere appear after a restart', 'warning'));
    } catch {
      notify(store, 'cannot watch the lanes state folder: lanes created elsewhere appear after a restart', 'warning');
    }
    // Operations a crash interrupted are finished or rolled back before anything else.
    const recovered = [
      ...(await recoverInterrupted(context)),
      // Before any agent starts: what still runs in a lane the host does not hold is not ours
      // (an agent's tree a killed host left behind): reported, never ended.
      ...(await leftoverLines((await context.stateStore.load()).state.lanes.filter((lane) => !host.terminals().some((t) => t.id === lane.name))).catch(() => [])),
    ];
    if (recovered.length > 0) notify(store, recovered.join('; '), 'warning');
    if (load.recoveredFrom) notify(store, `lanes state was unreadable; backed up to ${load.recoveredFrom} and rebuilt from git`, 'warning');
    else if (options.greeting) notify(store, options.greeting);
    if (context.notices.length > 0) notify(store, context.notices.join('; '), 'warning');
    // Asked before any agent starts; "not now" keeps the repository's commands skipped.
    if (trustOffer) openTrust(ctl, trustOffer);
    await ctl.sync();

    // Publish statuses for `lanes ls` while the UI runs: only when a status label changed, and at
    // most a few times a second (titles and scroll offsets change the lanes far more often).
    const unpublish = publishStatuses(store, context.stateStore.dir);
    const unexpire = expireNotices(store);
    unsubscribe = () => {
      unpublish();
      unexpire();
    };
  } catch (error) {
    tty.restore();
    process.stderr.write(`lanes: ${describe(error)}\n`);
    await close(1);
  }
  const code = await exited;
  unsubscribe();
  return code;
};

/** Clear each notice a few seconds after it appeared (unless a newer one replaced it). */
const expireNotices = (store: ReturnType<typeof createAppStore>): (() => void) => {
  const timers = new Set<NodeJS.Timeout>();
  const unsubscribe = store.subscribe((state, previous) => {
    const { notice } = state;
    if (!notice || notice === previous.notice) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        if (store.getState().notice?.id === notice.id) store.setState({ notice: undefined });
      },
      notice.level === 'error' ? NOTICE_MS * 2 : NOTICE_MS,
    );
    timers.add(timer);
  });
  return () => {
    unsubscribe();
    for (const timer of timers) clearTimeout(timer);
  };
};

const describe = (error: unknown): string =>
  isLanesError(error) ? error.line : error instanceof Error ? error.message : String(error);
