import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeRig, type Rig } from '../helpers/controller-rig.js';

let rig: Rig | undefined;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
});

afterEach(async () => {
  await rig?.dispose();
  rig = undefined;
  vi.useRealTimers();
});

describe('Controller layout', () => {
  it('resizes every lane to its pane when the terminal is resized: side by side, then stacked', async () => {
    rig = await makeRig(['alpha', 'beta']);
    expect([rig.host.sizeOf('alpha'), rig.host.sizeOf('beta')]).toEqual([
      { cols: 48, rows: 27 },
      { cols: 48, rows: 27 },
    ]);
    rig.store.setState({ size: { cols: 60, rows: 30 } });
    // 60 columns stack two panes: 29 rows split 15 + 14, less the borders.
    expect([rig.host.sizeOf('alpha'), rig.host.sizeOf('beta')]).toEqual([
      { cols: 58, rows: 13 },
      { cols: 58, rows: 12 },
    ]);
  });

  it('never resizes a terminal to zero columns or rows, and comes back when the terminal grows', async () => {
    rig = await makeRig(['alpha', 'beta', 'gamma']);
    for (const size of [{ cols: 10, rows: 3 }, { cols: 1, rows: 1 }, { cols: 0, rows: 0 }, { cols: 19, rows: 40 }]) rig.store.setState({ size });
    expect(rig.host.resizes.length).toBeGreaterThan(0);
    for (const resize of rig.host.resizes) {
      expect(resize.cols, JSON.stringify(resize)).toBeGreaterThanOrEqual(1);
      expect(resize.rows, JSON.stringify(resize)).toBeGreaterThanOrEqual(1);
    }
    rig.store.setState({ size: { cols: 100, rows: 30 } });
    // Three lanes at 100×30: a 2×2 grid, the first row 15 rows high.
    expect(rig.host.sizeOf('alpha')).toEqual({ cols: 48, rows: 13 });
  });

  it('lays out lanes that arrive together once: each terminal gets its pane size in one resize', async () => {
    rig = await makeRig(['alpha', 'beta', 'gamma', 'delta']);
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      expect(rig.host.resizes.filter((r) => r.id === name), name).toHaveLength(1);
    }
  });

  it('tells the host which lanes it shows and which has the focus: all, then the zoomed one alone', async () => {
    rig = await makeRig(['alpha', 'beta', 'gamma']);
    rig.router.feed('2');
    vi.runOnlyPendingTimers();
    expect(rig.host.shown).toEqual({ ids: ['alpha', 'beta', 'gamma'], focus: 'beta' });
    rig.router.feed('z');
    vi.runOnlyPendingTimers();
    expect(rig.host.shown).toEqual({ ids: ['beta'], focus: 'beta' });
  });

  it('restarts the focused lane with R', async () => {
    rig = await makeRig(['alpha', 'beta']);
    rig.router.feed('2');
    rig.router.feed('R');
    await vi.waitFor(() => expect(rig?.host.spawns.map((s) => s.id)).toEqual(['alpha', 'beta', 'beta']));
    expect(rig.store.getState().notice?.text).toBe('lane beta: agent restarted');
  });

  it('stays in type mode when a lane other than the focused one exits', async () => {
    rig = await makeRig(['alpha', 'beta']);
    rig.router.feed('2\r');
    rig.host.emit({ type: 'exit', id: 'alpha', code: 1, signal: 0 });
    expect(rig.store.getState().mode).toBe('type');
    expect(rig.store.getState().lanes[0]?.status).toMatchObject({ kind: 'exited', code: 1 });
  });

  it('marks the focused lane ready with r, in the state file and its title, and unmarks it', async () => {
    rig = await makeRig(['alpha', 'beta']);
    rig.router.feed('2');
    rig.router.feed('r');
    await vi.waitFor(() => expect(rig!.records.find((r) => r.name === 'beta')?.ready).toBe(true));
    expect(rig.records.find((r) => r.name === 'beta')?.readyAt).toMatch(/^\d{4}-/);
    expect(rig.records.find((r) => r.name === 'alpha')?.ready).toBe(false);
    await vi.waitFor(() => expect(rig!.store.getState().lanes[1]?.isReady).toBe(true));
    rig.router.feed('r');
    await vi.waitFor(() => expect(rig!.records.find((r) => r.name === 'beta')?.ready).toBe(false));
    expect(rig.store.getState().lanes[1]?.isReady).toBe(false);
  });
});
