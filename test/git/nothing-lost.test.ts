import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, makeRig, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

/** The oracle must be able to fail: each way of losing something is caught. */
describe('the nothing-lost oracle', () => {
  it('passes when nothing happened', async () => {
    rig = await makeRig();
    await rig.lane('x');
    const before = await captureOracle(rig.t.dir);
    await assertNothingLost(before, rig.t.dir);
  });

  it('catches an unmerged commit made unreachable', async () => {
    rig = await makeRig();
    const lane = await rig.lane('x');
    await commitIn(lane.worktree, { 'c.txt': 'c\n' });
    const before = await captureOracle(rig.t.dir);
    await gitIn(rig.t.dir, ['worktree', 'remove', lane.worktree]);
    await gitIn(rig.t.dir, ['branch', '-D', lane.branch]);
    await expect(assertNothingLost(before, rig.t.dir)).rejects.toThrow(/commits no longer reachable/);
  });

  it('catches a dirty, untracked or precious ignored file gone', async () => {
    rig = await makeRig();
    const lane = await rig.lane('x');
    for (const file of ['a.txt', 'untracked.txt', '.env']) {
      await writeFiles(lane.worktree, { [file]: 'work\n' });
      const before = await captureOracle(rig.t.dir);
      await rm(join(lane.worktree, file));
      await expect(assertNothingLost(before, rig.t.dir)).rejects.toThrow(/dirty files neither on disk nor in an archive/);
      await gitIn(lane.worktree, ['checkout', '--', '.']);
    }
  });

  it('catches staged content lost, a stray index.lock and a changed main checkout', async () => {
    rig = await makeRig();
    const lane = await rig.lane('x');
    await writeFiles(lane.worktree, { 'a.txt': 'staged\n' });
    await gitIn(lane.worktree, ['add', 'a.txt']);
    await writeFiles(lane.worktree, { 'a.txt': 'unstaged\n' });
    let before = await captureOracle(rig.t.dir);
    await gitIn(lane.worktree, ['reset', '-q']);
    await expect(assertNothingLost(before, rig.t.dir)).rejects.toThrow(/staged content/);

    before = await captureOracle(rig.t.dir);
    await writeFile(join(rig.repo.commonDir, 'index.lock'), '');
    await expect(assertNothingLost(before, rig.t.dir)).rejects.toThrow(/stray index.lock/);
    await rm(join(rig.repo.commonDir, 'index.lock'));

    await writeFiles(rig.t.dir, { 'README.md': 'changed\n' });
    await expect(assertNothingLost(before, rig.t.dir)).rejects.toThrow(/the main checkout/);
    await assertNothingLost(before, rig.t.dir, { mainMayChange: true });
  });

  it('catches a live process', async () => {
    rig = await makeRig();
    const before = await captureOracle(rig.t.dir);
    await expect(assertNothingLost(before, rig.t.dir, { pids: [process.pid] })).rejects.toThrow(/processes still alive/);
  });
});
