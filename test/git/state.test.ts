import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneRecord } from '../../src/core/lane.js';
import { discoverRepo, type Repo } from '../../src/git/repo.js';
import { StateStore, stateDir, type LanesState } from '../../src/git/state.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';

let temp: TempRepo | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const lane = (name: string, extra: Partial<LaneRecord> = {}): LaneRecord => ({
  name,
  branch: `lanes/${name}`,
  worktree: `/somewhere/${name}`,
  agent: { kind: 'cmd', cmd: 'echo hi' },
  base: 'main',
  forkPoint: 'f'.repeat(40),
  createdAt: '2024-01-01T00:00:00.000Z',
  ready: false,
  ...extra,
});

const setup = async (): Promise<{ repo: Repo; store: StateStore }> => {
  temp = await makeTempRepo();
  const repo = await discoverRepo(temp.dir);
  return { repo, store: new StateStore(repo, { branchPrefix: 'lanes/' }) };
};

describe('StateStore basics', () => {
  it('lives in <common dir>/lanes/state.json and starts empty without creating anything', async () => {
    const { repo, store } = await setup();
    expect(store.dir).toBe(join(repo.commonDir, 'lanes'));
    expect(stateDir(repo)).toBe(store.dir);
    expect(store.path).toBe(join(repo.commonDir, 'lanes', 'state.json'));
    expect(await store.load()).toEqual({ state: { version: 1, lanes: [] } });
    expect(await readdir(repo.commonDir)).not.toContain('lanes');
  });

  it('writes updates atomically, keeps unknown fields, and leaves no temporary or lock files', async () => {
    const { store } = await setup();
    const written = await store.update((state) => ({ ...state, lanes: [lane('a', { ready: true })] }));
    await store.update((state) => ({ ...state, lanes: [...state.lanes, { ...lane('b'), future: 7 } as LaneRecord] }));
    expect(written.lanes.map((entry) => entry.name)).toEqual(['a']);
    const { state, recoveredFrom } = await store.load();
    expect(recoveredFrom).toBeUndefined();
    expect(state.lanes).toEqual([lane('a', { ready: true }), { ...lane('b'), future: 7 }]);
    expect(JSON.parse(await readFile(store.path, 'utf8'))).toEqual(state);
    expect(await readdir(store.dir)).toEqual(['state.json']);
  });

  it('gives the mutator a private copy and writes nothing when it throws', async () => {
    const { store } = await setup();
    await store.update((state) => ({ ...state, lanes: [lane('a')] }));
    const before = await readFile(store.path, 'utf8');
    await expect(
      store.update((state) => {
        state.lanes.push(lane('b'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(store.update(() => ({ version: 1, lanes: [lane('x'), lane('x')] }))).rejects.toThrow(/two lanes named x/);
    expect(await readFile(store.path, 'utf8')).toBe(before);
    expect(await readdir(store.dir)).toEqual(['state.json']);
  });

  it('records every one of many concurrent updates from two stores', async () => {
    const { repo } = await setup();
    const first = new StateStore(repo, { branchPrefix: 'lanes/' });
    const second = new StateStore(repo, { branchPrefix: 'lanes/' });
    const names = Array.from({ length: 20 }, (_, index) => `lane-${index}`);
    await Promise.all(
      names.map((name, index) =>
        (index % 2 === 0 ? first : second).update(async (state) => {
          // Yield inside the read-modify-write so unlocked updates would interleave and lose data.
          await new Promise((resolve) => setTimeout(resolve, 2));
          return { ...state, lanes: [...state.lanes, lane(name)] };
        }),
      ),
    );
    const { state } = await first.load();
    expect(state.lanes.map((entry) => entry.name).sort()).toEqual([...names].sort());
  });
});

describe('StateStore recovery', () => {
  /** A repo with lane worktree `a`, lane branch `b` without a worktree, and unrelated branches. */
  const lanesInGit = async () => {
    const { repo, store } = await setup();
    const t = temp as TempRepo;
    const laneA = join(dirname(t.dir), 'custom place', 'a');
    await t.git('worktree', 'add', '-q', '-b', 'lanes/a', '--', laneA, 'HEAD');
    const forkPoint = (await t.git('rev-parse', 'HEAD')).trim();
    await t.git('branch', 'lanes/b');
    await t.git('branch', 'other/c');
    await t.git('branch', 'lanes/Not_A_Lane');
    const bWorktree = join(dirname(t.dir), 'b-tmp');
    await t.git('worktree', 'add', '-q', '--', bWorktree, 'lanes/b');
    await writeFiles(bWorktree, { 'b.txt': 'b\n' });
    await t.git('-C', bWorktree, 'add', 'b.txt');
    await t.git('-C', bWorktree, 'commit', '-q', '-m', 'work on b');
    await t.git('worktree', 'remove', '--', bWorktree);
    await t.git('commit', '-q', '--allow-empty', '-m', 'main moves on');
    return { repo, store, laneA, forkPoint };
  };

  it('backs up a garbage file and rebuilds every lane from git', async () => {
    const { repo, store, laneA, forkPoint } = await lanesInGit();
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.path, '{"version": 1, "lanes": [ garbage');
    const { state, recoveredFrom } = await store.load();

    expect(recoveredFrom).toMatch(/state\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(await readFile(recoveredFrom as string, 'utf8')).toBe('{"version": 1, "lanes": [ garbage');
    const shell = { kind: 'preset', preset: 'shell', command: process.env.SHELL || '/bin/sh', args: [] };
    expect(state.lanes).toEqual([
      { name: 'a', branch: 'lanes/a', worktree: laneA, agent: shell, base: 'main', forkPoint, createdAt: expect.any(String), ready: false },
      {
        name: 'b',
        branch: 'lanes/b',
        worktree: join(repo.parent, 'repo.lanes', 'b'),
        agent: shell,
        base: 'main',
        forkPoint,
        createdAt: expect.any(String),
        ready: false,
      },
    ]);
    // The rebuilt state was written: the next load reads it without another recovery.
    expect(await store.load()).toEqual({ state });
  });

  it('treats an unknown version as corrupt', async () => {
    const { store } = await lanesInGit();
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.path, JSON.stringify({ version: 2, lanes: [] }));
    const { state, recoveredFrom } = await store.load();
    expect(recoveredFrom).toBeDefined();
    expect(state.lanes.map((entry) => entry.name)).toEqual(['a', 'b']);
  });

  it('keeps valid records with their data and rebuilds only the broken ones', async () => {
    const { store, laneA } = await lanesInGit();
    const kept = lane('a', { worktree: laneA, ready: true, prompt: 'fix it', agent: { kind: 'cmd', cmd: 'aider' } });
    const ghost = lane('ghost');
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.path, JSON.stringify({ version: 1, lanes: [kept, { name: 'b', branch: 42 }, ghost] }));
    const { state, recoveredFrom } = await store.load();
    expect(recoveredFrom).toBeDefined();
    expect(state.lanes.map((entry) => entry.name)).toEqual(['a', 'ghost', 'b']);
    expect(state.lanes[0]).toEqual(kept);
    expect(state.lanes[1]).toEqual(ghost);
    expect(state.lanes[2]?.branch).toBe('lanes/b');
  });

  it('recovers inside update too, and applies the update on top', async () => {
    const { store } = await lanesInGit();
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.path, 'not json at all');
    const next: LanesState = await store.update((state) => ({ ...state, lanes: [...state.lanes, lane('new')] }));
    expect(next.lanes.map((entry) => entry.name)).toEqual(['a', 'b', 'new']);
    expect((await readdir(store.dir)).filter((file) => file.includes('.corrupt-'))).toHaveLength(1);
  });

  it('never turns the main checkout into a lane, and uses baseFallback for the base', async () => {
    const { repo } = await setup();
    const t = temp as TempRepo;
    await t.git('branch', 'dev');
    await t.git('checkout', '-q', '-b', 'lanes/main-work');
    const store = new StateStore(repo, { branchPrefix: 'lanes/', baseFallback: 'dev' });
    await mkdir(store.dir, { recursive: true });
    await writeFile(store.path, '');
    await t.git('branch', 'lanes/x');
    const { state } = await store.load();
    expect(state.lanes.map((entry) => [entry.name, entry.base])).toEqual([['x', 'dev']]);
  });
});
