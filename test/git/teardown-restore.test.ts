import { chmod, lstat, readFile, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLane } from '../../src/git/lane-create.js';
import { listArchives, restoreLane, teardownLane } from '../../src/git/teardown/index.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, fullStatus, makeRig, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const FILES = ['a.txt', 'README.md', 'committed.txt', 'staged.txt', 'both.txt', 'untracked/u.txt', '.env', 'notes.log', 'ita.txt', 'run.sh'];

/** Contents, modes and symlinks of the interesting files, and what git says about them. */
const observe = async (dir: string) => {
  const files: Record<string, string> = {};
  for (const path of FILES) files[path] = await readFile(join(dir, path), 'utf8').catch(() => '<absent>');
  const link = await readlink(join(dir, 'link')).catch(() => '<absent>');
  const mode = ((await lstat(join(dir, 'run.sh'))).mode & 0o111) !== 0;
  return {
    files,
    link,
    executable: mode,
    // Regenerable ignored files (node_modules) are not archived, by design.
    status: (await fullStatus(dir)).split('\0').filter((entry) => !entry.startsWith('!! node_modules/')).join('\0'),
    staged: await gitIn(dir, ['diff', '--cached', '--name-status']),
    head: (await gitIn(dir, ['rev-parse', 'HEAD'])).trim(),
  };
};

describe('restoreLane', () => {
  it('brings back the branch, the files (uncommitted, with the same status) and the record', async () => {
    rig = await makeRig({ files: { 'gone.txt': 'will be deleted\n', 'both.txt': 'v1\n' } });
    const { t, repo, store, config } = rig;
    const { lane } = await createLane({ repo, store, config, name: 'round', agent: { kind: 'cmd', cmd: 'my-agent --flag' }, prompt: 'do it', scope: ['src/**'] });
    await commitIn(lane.worktree, { 'committed.txt': 'committed\n' }, 'lane commit');
    await writeFiles(lane.worktree, {
      'a.txt': 'modified\n',
      'staged.txt': 'staged\n',
      'both.txt': 'v2 staged\n',
      'untracked/u.txt': 'u\n',
      '.env': 'SECRET=1\n',
      'notes.log': 'notes\n',
      'ita.txt': 'intent\n',
      'run.sh': '#!/bin/sh\n',
      'node_modules/dep/i.js': 'regenerable\n',
    });
    await chmod(join(lane.worktree, 'run.sh'), 0o755);
    await symlink('a.txt', join(lane.worktree, 'link'));
    await gitIn(lane.worktree, ['add', 'staged.txt', 'both.txt']);
    await gitIn(lane.worktree, ['add', '-N', 'ita.txt']);
    await writeFiles(lane.worktree, { 'both.txt': 'v3 unstaged\n' });
    await gitIn(lane.worktree, ['rm', '-q', 'gone.txt']);
    const seen = await observe(lane.worktree);
    expect(seen.status.split('\0')).toEqual(expect.arrayContaining([' M a.txt', 'MM both.txt', 'D  gone.txt', ' A ita.txt', 'A  staged.txt', '!! .env']));
    const before = await captureOracle(t.dir);

    const outcome = await teardownLane({ repo, lane, base: 'main', stateStore: store, force: true, graceMs: 200 });
    expect(outcome.kind).toBe('removed');
    await assertNothingLost(before, t.dir);

    const restored = await restoreLane({ repo, name: 'round', stateStore: store, config });
    expect(restored).toEqual({ ...lane, ready: false });
    expect((await store.load()).state.lanes).toEqual([restored]);
    expect(await observe(lane.worktree)).toEqual(seen);
    expect((await gitIn(lane.worktree, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/lanes/round');
    expect(await gitIn(lane.worktree, ['log', '-1', '--format=%s'])).toBe('lane commit\n');
    await expect(readFile(join(lane.worktree, 'node_modules/dep/i.js'))).rejects.toThrow();
    expect(await rig.journal()).toEqual([]);
    await assertNothingLost(before, t.dir);
  });

  it('restores from the newest archive, at the real HEAD even when it was detached', async () => {
    rig = await makeRig();
    const { repo, store, config } = rig;
    const lane = await rig.lane('newest');
    await writeFiles(lane.worktree, { 'n.txt': 'old\n' });
    expect((await teardownLane({ repo, lane, base: 'main', stateStore: store })).kind).toBe('refused');
    await gitIn(lane.worktree, ['checkout', '-q', '--detach']);
    const detached = await commitIn(lane.worktree, { 'd.txt': 'd\n' }, 'detached');
    await writeFiles(lane.worktree, { 'n.txt': 'new\n' });
    expect((await teardownLane({ repo, lane, base: 'main', stateStore: store, force: true })).kind).toBe('removed');
    expect((await listArchives(repo)).filter((a) => a.lane === 'newest')).toHaveLength(2);

    await restoreLane({ repo, name: 'newest', stateStore: store, config });
    expect((await gitIn(lane.worktree, ['rev-parse', 'HEAD'])).trim()).toBe(detached);
    expect((await gitIn(lane.worktree, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/lanes/newest');
    expect(await readFile(join(lane.worktree, 'n.txt'), 'utf8')).toBe('new\n');
  });

  it('refuses without an archive, over an existing lane or branch, and creates nothing then', async () => {
    rig = await makeRig();
    const { t, repo, store, config } = rig;
    await expect(restoreLane({ repo, name: 'never', stateStore: store, config })).rejects.toThrow(/lane never has no archive/);
    const lane = await rig.lane('twice');
    expect((await teardownLane({ repo, lane, base: 'main', stateStore: store })).kind).toBe('removed');
    await rig.lane('twice');
    const before = await gitIn(t.dir, ['for-each-ref']);
    await expect(restoreLane({ repo, name: 'twice', stateStore: store, config })).rejects.toThrow(/a lane named twice already exists/);
    await store.update((state) => ({ ...state, lanes: [] }));
    await expect(restoreLane({ repo, name: 'twice', stateStore: store, config })).rejects.toThrow(/branch lanes\/twice already exists/);
    expect(await gitIn(t.dir, ['for-each-ref'])).toBe(before);
    expect(await rig.journal()).toEqual([]);
  });
});
