import { mkdir, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi, type Mock } from 'vitest';
import { Controller, type ControllerDeps } from '../../src/app/controller.js';
import { InputRouter } from '../../src/app/input-router.js';
import type { AppStore } from '../../src/app/store.js';
import type { LaneRecord } from '../../src/core/lane.js';
import type { StateStore } from '../../src/git/state.js';
import { Compositor } from '../../src/ui/compositor.js';
import { FakeHost } from './fake-host.js';
import { shellAgent, testConfig } from './lane-config.js';
import { makeAppStore } from './ui-render.js';

/**
 * A real controller and input router on a fake terminal host, a real store, a compositor that
 * writes to an array, and a state file (in memory) holding the lanes. Worktrees are empty folders.
 */
export interface Rig {
  controller: Controller;
  router: InputRouter;
  host: FakeHost;
  store: AppStore;
  /** The lanes the state file holds; push to it to add a lane. */
  records: LaneRecord[];
  /** What the compositor wrote to the terminal. */
  painted: string[];
  newLane: Mock<ControllerDeps['newLane']>;
  quit: Mock<() => Promise<void>>;
  /** A lane record with a worktree folder that exists. */
  record(name: string): Promise<LaneRecord>;
  dispose(): Promise<void>;
}

/**
 * `deps` replaces parts of the controller's dependencies (e.g. `readDiff`); `before` prepares the
 * lane records and the host before the first sync (what the host holds already, say).
 */
export const makeRig = async (
  names: string[],
  size: { cols: number; rows: number } = { cols: 100, rows: 30 },
  deps: Partial<ControllerDeps> = {},
  before: (records: LaneRecord[], host: FakeHost) => void = () => undefined,
): Promise<Rig> => {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'lanes-rig-')));
  const record = async (name: string): Promise<LaneRecord> => {
    const worktree = join(root, name);
    await mkdir(worktree, { recursive: true });
    return {
      name,
      branch: `lanes/${name}`,
      worktree,
      agent: shellAgent,
      base: 'main',
      forkPoint: 'a'.repeat(40),
      createdAt: new Date(0).toISOString(),
      ready: false,
    };
  };
  const records = await Promise.all(names.map(record));
  const host = new FakeHost();
  const stateStore = {
    load: () => Promise.resolve({ state: { version: 1 as const, lanes: records } }),
    update: async (mutate: (state: { version: 1; lanes: LaneRecord[] }) => { version: 1; lanes: LaneRecord[] } | Promise<{ version: 1; lanes: LaneRecord[] }>) => {
      const next = await mutate({ version: 1, lanes: records.slice() });
      records.splice(0, records.length, ...next.lanes);
      return next;
    },
  } as unknown as StateStore;
  const store = makeAppStore(size);
  const painted: string[] = [];
  const newLane = vi.fn<ControllerDeps['newLane']>();
  const controller = new Controller({
    config: testConfig(),
    stateStore,
    host,
    store,
    compositor: new Compositor({ write: (data) => painted.push(data) }),
    env: { SHELL: '/bin/sh', PATH: process.env.PATH ?? '/usr/bin:/bin' },
    newLane,
    ...deps,
  });
  const quit = vi.fn(() => Promise.resolve());
  controller.onQuit = quit;
  before(records, host);
  await controller.sync();
  const router = new InputRouter(controller);
  return {
    controller,
    router,
    host,
    store,
    records,
    painted,
    newLane,
    quit,
    record,
    dispose: async () => {
      router.dispose();
      await controller.shutdown();
      await rm(root, { recursive: true, force: true });
    },
  };
};
