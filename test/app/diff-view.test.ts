import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ControllerDeps } from '../../src/app/controller.js';
import { diffViewRows } from '../../src/app/diff-view.js';
import type { AppStore, DiffOverlay } from '../../src/app/store.js';
import type { LaneRecord } from '../../src/core/lane.js';
import type { LaneDiff } from '../../src/core/patch.js';
import { makeRig as makeControllerRig, type Rig } from '../helpers/controller-rig.js';

/** How long a lone ESC is held before it is the Escape key (input-router.ts). */
const ESCAPE_WAIT_MS = 25;

const KEYS = {
  escape: '\x1b',
  up: '\x1b[A',
  down: '\x1b[B',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  home: '\x1b[H',
  end: '\x1b[F',
} as const;

const newFile = (path: string, count: number): string[] => [
  `diff --git a/${path} b/${path}`,
  'new file mode 100644',
  'index 0000000..1111111',
  '--- /dev/null',
  `+++ b/${path}`,
  `@@ -0,0 +1,${count} @@`,
  ...Array.from({ length: count }, (_, i) => `+${path} ${i + 1}`),
];

/**
 * Three files: the list (3 lines) and a blank, then a.txt's 46 lines from line 4, b.txt's 8 from
 * line 50, c.txt's 7 from line 58: 65 lines.
 */
const DIFF: LaneDiff = {
  mergeBase: 'f'.repeat(40),
  files: [
    { path: 'a.txt', added: 40, deleted: 0, binary: false },
    { path: 'b.txt', added: 2, deleted: 0, binary: false },
    { path: 'c.txt', added: 1, deleted: 0, binary: false },
  ],
  patch: `${[...newFile('a.txt', 40), ...newFile('b.txt', 2), ...newFile('c.txt', 1)].join('\n')}\n`,
};
const LINES = 3 + 1 + 46 + 8 + 7;

let rig: Rig | undefined;

const makeRig = async (names: string[], deps: Partial<ControllerDeps> = {}): Promise<Rig> => {
  rig = await makeControllerRig(names, { cols: 100, rows: 30 }, deps);
  return rig;
};

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
});

afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
  vi.useRealTimers();
});

const state = (): ReturnType<AppStore['getState']> => {
  if (!rig) throw new Error('no rig');
  return rig.store.getState();
};

const diffOverlay = (): DiffOverlay => {
  const { overlay } = state();
  if (overlay?.kind !== 'diff') throw new Error(`no diff view open: ${JSON.stringify(overlay)}`);
  return overlay;
};

/** Open the diff view of the focused lane and wait until its diff arrived. */
const openLoaded = async (): Promise<void> => {
  rig!.router.feed('d');
  await vi.waitFor(() => expect(diffOverlay().loading).toBe(false));
};

describe('the diff view (d)', () => {
  it('opens for the focused lane at once, loading, hides the panes, then shows the diff', async () => {
    let resolve: (diff: LaneDiff) => void = () => undefined;
    const readDiff = vi.fn((_lane: LaneRecord) => new Promise<LaneDiff>((r) => (resolve = r)));
    const { router, controller, host, records } = await makeRig(['alpha', 'beta'], { readDiff });
    const hidden = vi.spyOn(controller.deps.compositor, 'setPaneAreaHidden');
    router.feed('2');
    router.feed('d');
    expect(readDiff).toHaveBeenCalledWith(expect.objectContaining({ name: 'beta', worktree: records[1]!.worktree }));
    expect(state().overlay).toEqual({ kind: 'diff', lane: 'beta', forkPoint: records[1]!.forkPoint, scroll: 0, loading: true });
    expect(hidden).toHaveBeenLastCalledWith(true);
    resolve(DIFF);
    await vi.waitFor(() => expect(diffOverlay().loading).toBe(false));
    expect(diffOverlay().diff?.lines).toHaveLength(LINES);
    expect(diffOverlay().diff?.fileStarts).toEqual([4, 50, 58]);
    router.feed('q');
    expect(state().overlay).toBeUndefined();
    expect(hidden).toHaveBeenLastCalledWith(false);
    expect(host.writes).toEqual([]);
  });

  it('scrolls with j k and the arrows, a page with space, PageDown and PageUp, within the diff', async () => {
    const { router, host } = await makeRig(['alpha'], { readDiff: () => Promise.resolve(DIFF) });
    await openLoaded();
    const rows = diffViewRows(30);
    expect(rows).toBe(25);
    // The bottom puts the last file's header (line 58) at the top: further than the last page (40).
    const bottom = 58;
    const steps: Array<[string, number]> = [
      ['k', 0],
      [KEYS.up, 0],
      ['j', 1],
      [KEYS.down, 2],
      ['k', 1],
      [KEYS.up, 0],
      [' ', rows],
      [KEYS.pageDown, 2 * rows],
      [KEYS.pageDown, bottom],
      ['j', bottom],
      [KEYS.pageUp, bottom - rows],
      [KEYS.pageUp, bottom - 2 * rows],
      [KEYS.pageUp, 0],
    ];
    for (const [key, scroll] of steps) {
      router.feed(key);
      expect(diffOverlay().scroll, `after ${JSON.stringify(key)}`).toBe(scroll);
    }
    expect(host.writes).toEqual([]);
  });

  it('jumps to the next and previous file with ] and [, and to the top and bottom with g G, Home, End', async () => {
    const { router } = await makeRig(['alpha'], { readDiff: () => Promise.resolve(DIFF) });
    await openLoaded();
    const bottom = 58;
    const steps: Array<[string, number]> = [
      [']', 4],
      [']', 50],
      [']', bottom],
      [']', bottom],
      ['[', 50],
      ['[', 4],
      ['[', 4],
      ['G', bottom],
      ['g', 0],
      [KEYS.end, bottom],
      [KEYS.home, 0],
    ];
    for (const [key, scroll] of steps) {
      router.feed(key);
      expect(diffOverlay().scroll, `after ${JSON.stringify(key)}`).toBe(scroll);
    }
  });

  it('takes the keys it does not use away from navigate mode, and closes with Esc', async () => {
    const { router } = await makeRig(['alpha', 'beta'], { readDiff: () => Promise.resolve(DIFF) });
    await openLoaded();
    for (const key of ['2', 'n', 'z', 'x', '\r']) router.feed(key);
    expect(state()).toMatchObject({ focus: 0, isZoomed: false, mode: 'navigate', overlay: { kind: 'diff', scroll: 0 } });
    router.feed(KEYS.escape);
    vi.advanceTimersByTime(ESCAPE_WAIT_MS);
    expect(state().overlay).toBeUndefined();
  });

  it('shows why when the diff cannot be read, and drops a diff that arrives after the view closed', async () => {
    let reject: (error: Error) => void = () => undefined;
    let resolve: (diff: LaneDiff) => void = () => undefined;
    const readDiff = vi
      .fn<(lane: LaneRecord) => Promise<LaneDiff>>()
      .mockImplementationOnce(() => new Promise((_, r) => (reject = r)))
      .mockImplementationOnce(() => new Promise((r) => (resolve = r)));
    const { router } = await makeRig(['alpha'], { readDiff });
    router.feed('d');
    reject(new Error('git diff failed: bad object'));
    await vi.waitFor(() => expect(diffOverlay().loading).toBe(false));
    expect(diffOverlay().error).toBe('cannot read the diff of lane alpha: git diff failed: bad object');
    router.feed('j');
    expect(diffOverlay().scroll).toBe(0);
    router.feed('q');

    router.feed('d');
    router.feed('q');
    resolve(DIFF);
    await Promise.resolve();
    await Promise.resolve();
    expect(state().overlay).toBeUndefined();
  });

  it('reads the real diff by default: a folder that is not a git worktree is an error in the view', async () => {
    await makeRig(['alpha']);
    rig!.router.feed('d');
    await vi.waitFor(() => expect(diffOverlay().loading).toBe(false), { timeout: 5000 });
    expect(diffOverlay().error).toMatch(/^cannot read the diff of lane alpha: git /);
  });

  it('says so when there is no lane, and d in type mode goes to the agent', async () => {
    const readDiff = vi.fn(() => Promise.resolve(DIFF));
    const { router, host } = await makeRig([], { readDiff });
    router.feed('d');
    expect(state().overlay).toBeUndefined();
    expect(state().notice?.text).toBe('no lane to diff: press n to create one');
    await rig!.dispose();

    const typing = await makeRig(['alpha'], { readDiff });
    typing.router.feed('i');
    typing.router.feed('d');
    expect(typing.store.getState().overlay).toBeUndefined();
    expect(typing.host.writtenTo('alpha')).toBe('d');
    expect(readDiff).not.toHaveBeenCalled();
    expect(host.writes).toEqual([]);
  });
});
