import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUSY_WINDOW_MS } from '../../src/core/status.js';
import { mountChrome, type Chrome } from '../../src/ui/chrome.js';
import { Compositor } from '../../src/ui/compositor.js';
import type { ControllerDeps } from '../../src/app/controller.js';
import { makeRig, type Rig } from '../helpers/controller-rig.js';
import { testConfig } from '../helpers/lane-config.js';

/** The shell preset with status patterns, as the claude preset has them. */
const withPatterns = testConfig({ agents: { shell: { command: '/bin/sh', status: { busy: ['esc to interrupt'], waiting: ['Do you want to'] } } } });

interface ChromeRig extends Rig {
  /** Every write to the terminal. */
  writes: string[];
  /** How many frames Ink rendered. */
  chromeFrames(): number;
  /** The clock of the controller (ms). */
  clock: { now: number };
}

let rig: ChromeRig | undefined;
let chrome: Chrome | undefined;

afterEach(async () => {
  chrome?.unmount();
  chrome = undefined;
  await rig?.dispose();
  rig = undefined;
  vi.useRealTimers();
});

/**
 * Paint now, and let the paint finish: when statuses changed, Ink renders the chrome in a microtask
 * and the picture follows it in the next one (see Controller.paint).
 */
const paint = async (r: Rig): Promise<void> => {
  r.controller.frames.flush();
  await Promise.resolve();
  await Promise.resolve();
};

/** A controller on a fake host with the real Ink chrome and compositor, as run-ui wires them. */
const chromeRig = async (names: string[], deps: Partial<ControllerDeps> = {}): Promise<ChromeRig> => {
  const writes: string[] = [];
  const compositor = new Compositor({ write: (data) => writes.push(data) });
  const clock = { now: 0 };
  const base = await makeRig(names, { cols: 100, rows: 30 }, { compositor, now: () => clock.now, ...deps });
  // Past the echo window of the resizes at start: output from here on is the agents working.
  clock.now = 1000;
  let frames = 0;
  chrome = mountChrome(
    base.store,
    (frame) => {
      frames += 1;
      compositor.setChrome(frame);
      base.controller.requestPaint();
    },
    0,
  );
  await paint(base);
  return { ...base, writes, clock, chromeFrames: () => frames };
};

const statusOf = (r: Rig, name: string): string | undefined => r.store.getState().lanes.find((l) => l.name === name)?.status.kind;

/** Make a lane busy: output at the current clock, painted. */
const busy = async (r: ChromeRig, name: string): Promise<void> => {
  r.host.emit({ type: 'output', id: name });
  await paint(r);
  expect(statusOf(r, name)).toBe('busy');
};

describe('the title an agent sets', () => {
  it('is drawn in its pane border at the next paint as one segment of one row, without an Ink render or a store change', async () => {
    rig = await chromeRig(['alpha']);
    await busy(rig, 'alpha');
    const lanes = rig.store.getState().lanes;
    const frames = rig.chromeFrames();
    const before = rig.writes.length;
    // A spinner: ten changes before the paint; the latest is drawn.
    for (const ch of '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏') rig.host.emit({ type: 'title', id: 'alpha', title: `${ch} Fixing the \x1b[31mlogin` });
    rig.controller.frames.flush();
    expect(rig.chromeFrames()).toBe(frames);
    expect(rig.store.getState().lanes).toBe(lanes);
    expect(rig.writes).toHaveLength(before + 1);
    const text = stripVTControlCharacters(rig.writes[before] ?? '');
    expect(text).toContain('· ⠏ Fixing the [31mlogin');
    expect(text).not.toContain('⠇');
    // Only the title's slot: no border corner, no pane name, no other row of the pane.
    expect(text).not.toMatch(/[╭╮│]|alpha/);
  });

  it('counts as agent activity: a quiet lane whose agent changes its title is busy', async () => {
    rig = await chromeRig(['alpha']);
    rig.clock.now = 10_000;
    rig.controller.updateStatus(rig.controller.lanes.get('alpha')!);
    expect(statusOf(rig, 'alpha')).toBe('waiting');
    rig.host.emit({ type: 'title', id: 'alpha', title: '⠋ Working' });
    await paint(rig);
    expect(statusOf(rig, 'alpha')).toBe('busy');
  });
});

describe('status from output', () => {
  it('reads the screen for the status once per paint, however many output chunks came', async () => {
    rig = await chromeRig(['alpha'], { config: withPatterns });
    rig.host.screens.set('alpha', ['thinking… (esc to interrupt)']);
    rig.host.frameReads.clear();
    for (let i = 0; i < 50; i++) rig.host.emit({ type: 'output', id: 'alpha' });
    expect(rig.host.frameReads.get('alpha') ?? 0).toBe(0);
    await paint(rig);
    // One read for the status patterns, one for the picture.
    expect(rig.host.frameReads.get('alpha')).toBe(2);
    expect(statusOf(rig, 'alpha')).toBe('busy');
  });
});

describe('one write per paint', () => {
  it('writes a paint with chrome, pane rows of two lanes, a title and the bell in one write', async () => {
    rig = await chromeRig(['alpha', 'beta']);
    const frames = rig.chromeFrames();
    const before = rig.writes.length;
    rig.host.screens.set('alpha', ['alpha says hello']);
    rig.host.screens.set('beta', ['beta says hello']);
    // First output: starting becomes busy, a chrome change in both borders.
    rig.host.emit({ type: 'output', id: 'alpha' });
    rig.host.emit({ type: 'output', id: 'beta' });
    rig.host.emit({ type: 'title', id: 'beta', title: 'a title' });
    rig.controller.ring();
    await paint(rig);
    expect(rig.chromeFrames()).toBeGreaterThan(frames);
    expect(rig.writes).toHaveLength(before + 1);
    const write = rig.writes[before] ?? '';
    for (const part of ['alpha says hello', 'beta says hello', '· a title', '● busy', '\x07']) expect(write).toContain(part);
  });
});

describe('timers', () => {
  it('arms none once every lane is idle, also for a preset with screen patterns', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'] });
    rig = await chromeRig(['alpha', 'beta'], { config: withPatterns });
    // Starting: a re-check is due at the end of the starting grace.
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    rig.host.screens.set('alpha', ['thinking… (esc to interrupt)']);
    await busy(rig, 'alpha');
    await busy(rig, 'beta');
    rig.clock.now += BUSY_WINDOW_MS + 100;
    // Every timer there is, until none is left (a periodic one would never let this end: it throws).
    await vi.runAllTimersAsync();
    // beta went quiet: waiting; alpha's screen says it works: busy, without anything to re-check.
    expect(statusOf(rig, 'beta')).toBe('waiting');
    expect(statusOf(rig, 'alpha')).toBe('busy');
    expect(vi.getTimerCount()).toBe(0);
    // The screen is read again when it changes, not on a clock.
    rig.host.screens.set('alpha', ['done.']);
    rig.host.emit({ type: 'output', id: 'alpha' });
    rig.clock.now += BUSY_WINDOW_MS + 100;
    await vi.runAllTimersAsync();
    expect(statusOf(rig, 'alpha')).toBe('waiting');
    expect(vi.getTimerCount()).toBe(0);
  });
});
