import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStore } from '../../src/app/store.js';
import { LanesError } from '../../src/core/errors.js';
import { makeRig as makeControllerRig, type Rig } from '../helpers/controller-rig.js';
import { keymapWith } from '../helpers/ui-render.js';

/** How long a lone ESC is held before it is the Escape key (input-router.ts). */
const ESCAPE_WAIT_MS = 25;
/** Longer than one frame at the default 30 frames a second: a requested paint has happened. */
const FRAME_MS = 50;

const KEYS = {
  enter: '\r',
  escape: '\x1b',
  ctrlQ: '\x11',
  ctrlQKitty: '\x1b[113;5u',
  up: '\x1b[A',
  right: '\x1b[C',
  pageUp: '\x1b[5~',
  pageDown: '\x1b[6~',
  backspace: '\x7f',
} as const;

/** SGR mouse report; `x` and `y` are 1-based terminal columns and rows. */
const mouse = (button: number, x: number, y: number, release = false): string => `\x1b[<${button};${x};${y}${release ? 'm' : 'M'}`;
const WHEEL_UP = 64;
const WHEEL_DOWN = 65;

const paste = (text: string): string => `\x1b[200~${text}\x1b[201~`;

let rig: Rig | undefined;

const makeRig = async (names: string[]): Promise<Rig> => {
  rig = await makeControllerRig(names);
  return rig;
};

beforeEach(() => {
  // The router's Escape timer, the lanes' status timers and the frame clock run on fake time.
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

describe('InputRouter in navigate mode', () => {
  it('starts every lane of the state file, side by side', async () => {
    const { host } = await makeRig(['alpha', 'beta']);
    expect(host.spawns.map((s) => [s.id, s.cols, s.rows])).toEqual([
      ['alpha', 48, 27],
      ['beta', 48, 27],
    ]);
    expect(state().mode).toBe('navigate');
  });

  it('focuses lane N with its number, and says so when there is no such lane', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    router.feed('2');
    expect(state().focus).toBe(1);
    router.feed('1');
    expect(state().focus).toBe(0);
    router.feed('5');
    expect(state().focus).toBe(0);
    expect(state().notice?.text).toBe('there is no lane 5');
    expect(host.writes).toEqual([]);
  });

  it('moves focus with arrows and h j k l, Tab and Shift-Tab', async () => {
    const { router } = await makeRig(['alpha', 'beta']);
    router.feed(KEYS.right);
    expect(state().focus).toBe(1);
    router.feed('h');
    expect(state().focus).toBe(0);
    router.feed('\t');
    expect(state().focus).toBe(1);
    router.feed('\x1b[Z');
    expect(state().focus).toBe(0);
  });

  it('enters type mode with Enter and with i', async () => {
    const { router } = await makeRig(['alpha']);
    router.feed(KEYS.enter);
    expect(state().mode).toBe('type');
    router.feed(KEYS.ctrlQ);
    router.feed('i');
    expect(state().mode).toBe('type');
  });

  it('does not enter type mode without a lane', async () => {
    const { router } = await makeRig([]);
    router.feed(KEYS.enter);
    expect(state().mode).toBe('navigate');
    expect(state().notice?.text).toContain('no lane to type into');
  });

  it('ignores a paste, with a notice, and writes nothing', async () => {
    const { router, host } = await makeRig(['alpha']);
    router.feed(paste('rm -rf /\r'));
    expect(host.writes).toEqual([]);
    expect(state().notice).toMatchObject({ level: 'warning' });
    expect(state().notice?.text).toContain('paste ignored');
  });

  it('toggles zoom with z, resizing the focused lane to the whole screen and back', async () => {
    const { router, host, painted } = await makeRig(['alpha', 'beta']);
    router.feed('2');
    vi.advanceTimersByTime(FRAME_MS);
    const paints = painted.length;
    router.feed('z');
    expect(state().isZoomed).toBe(true);
    expect(host.sizeOf('beta')).toEqual({ cols: 98, rows: 27 });
    vi.advanceTimersByTime(FRAME_MS);
    expect(painted.length, 'a repaint after zooming').toBeGreaterThan(paints);
    router.feed('z');
    expect(state().isZoomed).toBe(false);
    expect(host.sizeOf('beta')).toEqual({ cols: 48, rows: 27 });
  });
});

describe('InputRouter in type mode', () => {
  const typing = async (names = ['alpha', 'beta'], focus = 2): Promise<Rig> => {
    const made = await makeRig(names);
    made.router.feed(String(focus));
    made.router.feed(KEYS.enter);
    expect(state().mode).toBe('type');
    return made;
  };

  it('writes typed bytes to the focused lane only, unchanged', async () => {
    const { router, host } = await typing();
    router.feed('hello world\r');
    expect(host.writtenTo('beta')).toBe('hello world\r');
    expect(host.writtenTo('alpha')).toBe('');
  });

  it('writes command keys, escape sequences and control bytes through instead of running them', async () => {
    const { router, host } = await typing();
    const bytes = ['q', '?', '1', 'z', 'n', KEYS.up, '\x1b[1;5D', '\x1bOP', '\x03', '\x1a', '\x1b[3~', '\x1bb', 'é', '日本'];
    for (const chunk of bytes) router.feed(chunk);
    expect(host.writtenTo('beta')).toBe(bytes.join(''));
    expect(state()).toMatchObject({ mode: 'type', focus: 1, overlay: undefined, isZoomed: false });
  });

  it('writes a burst of keys read at once as one write', async () => {
    const { router, host } = await typing();
    router.feed(`abc${KEYS.up}def`);
    expect(host.writes).toEqual([{ id: 'beta', data: `abc${KEYS.up}def` }]);
  });

  it('sends a lone Escape to the lane once no more bytes follow', async () => {
    const { router, host } = await typing();
    router.feed(KEYS.escape);
    expect(host.writtenTo('beta')).toBe('');
    vi.advanceTimersByTime(ESCAPE_WAIT_MS);
    expect(host.writtenTo('beta')).toBe(KEYS.escape);
    expect(state().mode).toBe('type');
  });

  it('leaves type mode with Ctrl-q, without writing it', async () => {
    const { router, host } = await typing();
    router.feed(`ab${KEYS.ctrlQ}`);
    expect(state().mode).toBe('navigate');
    expect(host.writtenTo('beta')).toBe('ab');
  });

  it('leaves type mode with Ctrl-q in the kitty keyboard encoding, without writing it', async () => {
    const { router, host } = await typing();
    router.feed(KEYS.ctrlQKitty);
    expect(state().mode).toBe('navigate');
    expect(host.writes).toEqual([]);
  });

  it('leaves with the configured leave key, and then sends Ctrl-q through', async () => {
    const made = await typing();
    made.store.setState({ keymap: keymapWith({ 'leave-type': 'ctrl+g' }) });
    made.router.feed(KEYS.ctrlQ);
    expect(state().mode).toBe('type');
    expect(made.host.writtenTo('beta')).toBe(KEYS.ctrlQ);
    made.router.feed('\x07');
    expect(state().mode).toBe('navigate');
    expect(made.host.writtenTo('beta')).toBe(KEYS.ctrlQ);
  });

  it('forwards a paste without the markers when the agent did not enable bracketed paste', async () => {
    const { router, host } = await typing();
    router.feed(paste('line one\nline two'));
    expect(host.writtenTo('beta')).toBe('line one\nline two');
  });

  it('forwards a paste with its markers when the agent enabled bracketed paste', async () => {
    const { router, host } = await typing();
    host.modeOverrides.set('beta', { bracketedPaste: true });
    router.feed(paste('line one\nline two'));
    expect(host.writtenTo('beta')).toBe(paste('line one\nline two'));
  });

  it('forwards a paste split across reads as one, the leave key inside it included', async () => {
    const { router, host } = await typing();
    host.modeOverrides.set('beta', { bracketedPaste: true });
    router.feed('\x1b[200~first ');
    vi.advanceTimersByTime(ESCAPE_WAIT_MS * 4);
    router.feed(`${KEYS.ctrlQ} second\x1b[201~`);
    expect(host.writes).toEqual([{ id: 'beta', data: paste(`first ${KEYS.ctrlQ} second`) }]);
    expect(state().mode).toBe('type');
  });

  it('returns a scrolled lane to live when typing, and still sends the key', async () => {
    const { router, host, controller } = await typing();
    host.historyRows.set('beta', 100);
    controller.scroll('beta', 10);
    expect(state().lanes[1]?.scrollOffset).toBe(10);
    router.feed('x');
    expect(state().lanes[1]?.scrollOffset).toBe(0);
    expect(host.writtenTo('beta')).toBe('x');
  });

  it('goes back to navigate mode when the focused agent exits', async () => {
    const { host } = await typing();
    host.emit({ type: 'exit', id: 'beta', code: 0, signal: 0 });
    expect(state().mode).toBe('navigate');
    expect(state().notice?.text).toContain('lane beta: agent exited (0)');
  });

  it('does not enter type mode on a lane whose agent has exited: keys would go nowhere', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    host.emit({ type: 'exit', id: 'beta', code: 0, signal: 0 });
    router.feed('2');
    router.feed(KEYS.enter);
    expect(state().mode).toBe('navigate');
    expect(state().notice?.text).toMatch(/beta/);
  });
});

describe('InputRouter overlays', () => {
  it('opens help with ? and closes it with Escape once the Escape wait is over', async () => {
    const { router } = await makeRig(['alpha']);
    router.feed('?');
    expect(state().overlay).toEqual({ kind: 'help' });
    router.feed(KEYS.escape);
    // A lone ESC may still be the start of a key sequence: not Escape yet.
    expect(state().overlay).toEqual({ kind: 'help' });
    vi.advanceTimersByTime(ESCAPE_WAIT_MS);
    expect(state().overlay).toBeUndefined();
  });

  it('reads ESC and the rest of a sequence arriving in the next read as one key', async () => {
    const { router } = await makeRig(['alpha', 'beta']);
    router.feed(KEYS.escape);
    vi.advanceTimersByTime(ESCAPE_WAIT_MS - 15);
    router.feed('[C');
    vi.advanceTimersByTime(ESCAPE_WAIT_MS * 2);
    expect(state().focus).toBe(1);
    expect(state().overlay).toBeUndefined();
  });

  it('keeps help open on other keys and closes it with q and ?', async () => {
    const { router } = await makeRig(['alpha', 'beta']);
    router.feed('?');
    router.feed('2');
    expect(state()).toMatchObject({ overlay: { kind: 'help' }, focus: 0 });
    router.feed('q');
    expect(state().overlay).toBeUndefined();
    router.feed('?');
    router.feed('?');
    expect(state().overlay).toBeUndefined();
  });

  it('asks before quitting: n stays, y quits', async () => {
    const { router, quit } = await makeRig(['alpha']);
    router.feed('q');
    expect(state().overlay).toEqual({ kind: 'confirm-quit' });
    router.feed('n');
    expect(state().overlay).toBeUndefined();
    expect(quit).not.toHaveBeenCalled();
    router.feed('q');
    router.feed('y');
    expect(quit).toHaveBeenCalledTimes(1);
  });
});

describe('InputRouter scrolling', () => {
  it('scrolls the focused lane back a page with PageUp and forward with PageDown', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    host.historyRows.set('alpha', 100);
    router.feed(KEYS.pageUp);
    const offset = state().lanes[0]?.scrollOffset ?? 0;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(100);
    router.feed(KEYS.pageUp);
    expect(state().lanes[0]?.scrollOffset).toBeGreaterThan(offset);
    router.feed(KEYS.pageDown);
    expect(state().lanes[0]?.scrollOffset).toBe(offset);
    expect(state().lanes[1]?.scrollOffset).toBe(0);
  });

  it('does not scroll past the history there is', async () => {
    const { router, host } = await makeRig(['alpha']);
    router.feed(KEYS.pageUp);
    expect(state().lanes[0]?.scrollOffset).toBe(0);
    host.historyRows.set('alpha', 5);
    router.feed(KEYS.pageUp);
    router.feed(KEYS.pageUp);
    expect(state().lanes[0]?.scrollOffset).toBe(5);
  });

  it('returns to live on any other key without running its command', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    host.historyRows.set('alpha', 100);
    router.feed(KEYS.pageUp);
    expect(state().lanes[0]?.scrollOffset).toBeGreaterThan(0);
    router.feed('z');
    expect(state().lanes[0]?.scrollOffset).toBe(0);
    expect(state().isZoomed).toBe(false);
    router.feed(KEYS.pageUp);
    router.feed('2');
    expect(state().lanes[0]?.scrollOffset).toBe(0);
    expect(state().focus).toBe(0);
    router.feed('2');
    expect(state().focus).toBe(1);
  });

  it('scrolls the pane under the mouse wheel, focused or not', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    host.historyRows.set('alpha', 100);
    router.feed('2');
    // Column 10, row 5 is inside alpha, the left pane.
    router.feed(mouse(WHEEL_UP, 10, 5));
    const offset = state().lanes[0]?.scrollOffset ?? 0;
    expect(offset).toBeGreaterThan(0);
    expect(state().focus).toBe(1);
    router.feed(mouse(WHEEL_UP, 10, 5));
    expect(state().lanes[0]?.scrollOffset).toBe(2 * offset);
    router.feed(mouse(WHEEL_DOWN, 10, 5));
    router.feed(mouse(WHEEL_DOWN, 10, 5));
    expect(state().lanes[0]?.scrollOffset).toBe(0);
    expect(host.writes).toEqual([]);
  });

  it('forwards the wheel to an agent that asked for mouse events, in its own coordinates', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    host.modeOverrides.set('beta', { mouseTracking: 'vt200' });
    router.feed('2');
    router.feed(KEYS.enter);
    // Column 60, row 5 is column 10, row 4 of beta's terminal (its pane starts at column 51, the
    // body one column and one row inside the border).
    router.feed(mouse(WHEEL_UP, 60, 5));
    expect(host.writtenTo('beta')).toBe(mouse(WHEEL_UP, 9, 4));
    expect(state().lanes[1]?.scrollOffset).toBe(0);
  });
});

describe('InputRouter mouse clicks', () => {
  it('focuses the clicked pane', async () => {
    const { router, host } = await makeRig(['alpha', 'beta']);
    router.feed(mouse(0, 60, 5) + mouse(0, 60, 5, true));
    expect(state().focus).toBe(1);
    router.feed(mouse(0, 3, 20) + mouse(0, 3, 20, true));
    expect(state().focus).toBe(0);
    expect(host.writes).toEqual([]);
  });

  it('ignores a click on the footer', async () => {
    const { router } = await makeRig(['alpha', 'beta']);
    router.feed(mouse(0, 60, 30) + mouse(0, 60, 30, true));
    expect(state().focus).toBe(0);
  });
});

describe('InputRouter new-lane form', () => {
  it('opens with n, and shows a name error while the name is typed', async () => {
    const { router } = await makeRig(['alpha']);
    router.feed('n');
    expect(state().overlay).toMatchObject({ kind: 'new-lane', name: { value: '' }, error: undefined });
    router.feed('fix');
    expect(state().overlay).toMatchObject({ name: { value: 'fix' }, error: undefined });
    router.feed('$');
    const form = state().overlay;
    expect(form).toMatchObject({ name: { value: 'fix$' } });
    expect(form?.kind === 'new-lane' ? form.error : undefined).toContain("'$' is not allowed");
    router.feed(KEYS.backspace);
    expect(state().overlay).toMatchObject({ name: { value: 'fix' }, error: undefined });
  });

  it('takes a paste into the name field, and checks the pasted name like a typed one', async () => {
    const { router } = await makeRig(['alpha']);
    router.feed('n');
    router.feed(paste('fix login'));
    expect(state().overlay).toMatchObject({ kind: 'new-lane', name: { value: 'fix login' }, error: expect.stringContaining('a space is not allowed') });
  });

  it('keeps typed command keys in the form instead of running them', async () => {
    const { router } = await makeRig(['alpha', 'beta']);
    router.feed('n');
    router.feed('zq2');
    expect(state()).toMatchObject({ overlay: { kind: 'new-lane', name: { value: 'zq2' } }, isZoomed: false, focus: 0 });
  });

  it('closes with Escape, creating nothing', async () => {
    const { router, newLane } = await makeRig(['alpha']);
    router.feed('n');
    router.feed('gamma');
    router.feed(KEYS.escape);
    vi.advanceTimersByTime(ESCAPE_WAIT_MS);
    expect(state().overlay).toBeUndefined();
    expect(newLane).not.toHaveBeenCalled();
  });

  it('refuses to submit an invalid name', async () => {
    const { router, newLane } = await makeRig(['alpha']);
    router.feed('n');
    router.feed(KEYS.enter);
    expect(state().overlay).toMatchObject({ kind: 'new-lane', error: 'type a lane name' });
    expect(newLane).not.toHaveBeenCalled();
  });

  it('submits name and agent with Enter; the new lane starts and takes the focus', async () => {
    const made = await makeRig(['alpha']);
    const gamma = await made.record('gamma');
    made.newLane.mockImplementation(() => {
      made.records.push(gamma);
      return Promise.resolve({ lane: gamma, warnings: [] });
    });
    made.router.feed('n');
    made.router.feed(`gamma${KEYS.enter}`);
    await vi.waitFor(() => expect(state().lanes.map((l) => l.name)).toEqual(['alpha', 'gamma']));
    await vi.waitFor(() => expect(state().focus).toBe(1));
    expect(made.newLane).toHaveBeenCalledWith({ name: 'gamma', agent: 'shell' });
    expect(state().overlay).toBeUndefined();
    expect(state().notice?.text).toBe('lane gamma created');
    expect(made.host.spawns.map((s) => s.id)).toEqual(['alpha', 'gamma']);
  });

  it('shows a refusal in the form and keeps it open', async () => {
    const { router, newLane } = await makeRig(['alpha']);
    newLane.mockRejectedValue(new LanesError('branch lanes/gamma already exists', { hint: 'choose another lane name' }));
    router.feed('n');
    router.feed(`gamma${KEYS.enter}`);
    await vi.waitFor(() => expect(state().overlay).toMatchObject({ kind: 'new-lane', isBusy: false, error: 'branch lanes/gamma already exists: choose another lane name' }));
  });
});
