import { mkdir, mkdtemp, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WorktreePresence } from '../../src/app/worktree-presence.js';
import { makeRig, type Rig } from '../helpers/controller-rig.js';
import { waitFor } from '../helpers/wait-for.js';

let presence: WorktreePresence | undefined;
let rig: Rig | undefined;
const temps: string[] = [];

afterEach(async () => {
  presence?.close();
  presence = undefined;
  await rig?.dispose();
  rig = undefined;
  for (const dir of temps.splice(0)) await rm(dir, { recursive: true, force: true });
});

const tempDir = async (): Promise<string> => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-presence-')));
  temps.push(dir);
  return dir;
};

describe('WorktreePresence', () => {
  it('reports a worktree removed, moved and made again, and nothing for changes inside one or beside it', async () => {
    const root = await tempDir();
    const lanes = join(root, 'repo.lanes');
    await mkdir(join(lanes, 'alpha'), { recursive: true });
    await mkdir(join(lanes, 'beta'), { recursive: true });
    // What exists when each change is reported.
    const seen: string[] = [];
    const state = (): string => ['alpha', 'beta'].filter((name) => existsSync(join(lanes, name))).join(',');
    presence = new WorktreePresence(() => seen.push(state()));
    await presence.follow([join(lanes, 'alpha'), join(lanes, 'beta')]);
    expect(presence.folders).toEqual([lanes]);

    // Writes inside a worktree, and another folder beside them: not a change of presence (had they
    // been reported, the first change would have come while beta was still there).
    await writeFile(join(lanes, 'alpha', 'file.txt'), 'x');
    await mkdir(join(lanes, 'not-a-lane'));
    await rm(join(lanes, 'beta'), { recursive: true });
    await waitFor(() => seen.length > 0, 5000, 'the removal of beta');
    expect(seen[0]).toBe('alpha');

    await rename(join(lanes, 'alpha'), join(lanes, 'alpha-moved'));
    await waitFor(() => seen.includes(''), 5000, 'the move of alpha');
    await mkdir(join(lanes, 'beta'));
    await waitFor(() => seen.at(-1) === 'beta', 5000, 'beta made again');
  });

  it('watches the nearest folder that exists while the worktrees folder is gone, and goes back down when it returns', async () => {
    const root = await tempDir();
    const lanes = join(root, 'repo.lanes');
    await mkdir(join(lanes, 'alpha'), { recursive: true });
    let changes = 0;
    presence = new WorktreePresence(() => (changes += 1));
    await presence.follow([join(lanes, 'alpha')]);
    await rm(lanes, { recursive: true });
    await waitFor(() => presence?.folders.includes(root), 5000, () => `a watch on ${root} (watching ${presence?.folders.join(', ')})`);
    const seen = changes;
    expect(seen).toBeGreaterThan(0);
    await mkdir(join(lanes, 'alpha'), { recursive: true });
    await waitFor(() => changes > seen && presence?.folders.includes(lanes), 5000, 'the folder made again, watched again');
  });
});

describe('a lane whose worktree goes away', () => {
  it('is shown missing as soon as its folder is removed, and back when the folder returns', async () => {
    rig = await makeRig(['alpha', 'beta']);
    const worktree = rig.records[0]!.worktree;
    const status = (): string | undefined => rig?.store.getState().lanes[0]?.status.kind;
    expect(status()).not.toBe('missing');
    await rm(worktree, { recursive: true });
    await waitFor(() => status() === 'missing', 5000, 'alpha shown missing');
    expect(rig.store.getState().lanes[1]?.status.kind).not.toBe('missing');
    await mkdir(worktree);
    await waitFor(() => status() !== 'missing', 5000, 'alpha back');
  });
});
