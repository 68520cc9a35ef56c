import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeLane } from '../../src/git/merge/index.js';
import type { LaneRecord } from '../../src/core/lane.js';
import { openMergeRig, type MergeRig } from '../helpers/merge-rig.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';

let rig: MergeRig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const merge = (r: MergeRig, lane: LaneRecord) => mergeLane({ repo: r.repo, lane, stateStore: r.store });

/** A lane that adds files (one under a filter), edits a tracked one, and a snapshot of the main checkout. */
const prepare = async (): Promise<{ r: MergeRig; lane: LaneRecord }> => {
  rig = await openMergeRig();
  const lane = await rig.lane('feat', { '.gitattributes': '*.bin filter=strict\n', 'data.bin': 'payload\n', 'b.txt': 'b\n', 'a.txt': 'a1\nlane\na3\n' });
  return { r: rig, lane };
};

/** The main checkout exactly as it was, and a second merge, with the obstacle gone, moves the base. */
const expectUnchangedThenMergeable = async (r: MergeRig, lane: LaneRecord, baseTip: string, removeObstacle: () => Promise<void>): Promise<void> => {
  expect(await r.tip('main')).toBe(baseTip);
  expect(await r.t.git('status', '--porcelain', '--untracked-files=all')).toBe('');
  await removeObstacle();
  const again = await merge(r, lane);
  expect(again.kind).toBe('merged');
  expect(await r.t.git('status', '--porcelain', '--untracked-files=all')).toBe('');
};

describe('mergeLane: a fast-forward that git starts and then fails (issue 7 item 6)', () => {
  it('a smudge filter that fails on the lane\'s file: the base checkout is put back and the base is unchanged', async () => {
    const { r, lane } = await prepare();
    // As git-lfs with a missing object would: the checkout of data.bin fails part way.
    await r.t.git('config', 'filter.strict.clean', 'cat');
    await r.t.git('config', 'filter.strict.smudge', 'false');
    await r.t.git('config', 'filter.strict.required', 'true');
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome.kind).toBe('refused');
    expect(outcome.kind === 'refused' ? outcome.reason : '').toMatch(/^the merge failed: fatal: data\.bin: smudge filter strict failed; the base is unchanged$/);
    await assertNothingLost(oracle, r.t.dir);
    await expectUnchangedThenMergeable(r, lane, baseTip, () => r.t.git('config', 'filter.strict.smudge', 'cat').then(() => undefined));
  });

  it('a reference-transaction hook that refuses the base\'s update: the checkout git already wrote is put back', async () => {
    const { r, lane } = await prepare();
    await r.t.git('config', 'filter.strict.smudge', 'cat');
    const hook = join(r.repo.commonDir, 'hooks', 'reference-transaction');
    // Refuses only the base branch, so git has checked the result out before it asks.
    await writeFile(hook, '#!/bin/sh\n[ "$1" = prepared ] || exit 0\nif grep -q " refs/heads/main$"; then echo "main is frozen" >&2; exit 1; fi\nexit 0\n');
    await chmod(hook, 0o755);
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome).toEqual({ kind: 'refused', reason: 'the merge failed: fatal: ref updates aborted by hook; the base is unchanged' });
    await assertNothingLost(oracle, r.t.dir);
    await expectUnchangedThenMergeable(r, lane, baseTip, () => rm(hook));
  });
});

describe('mergeLane: too little free space (issue 7 item 6, notes §8 F4)', () => {
  afterEach(() => {
    delete process.env.LANES_TEST_FREE_BYTES;
  });

  it('is refused before anything is written; with room again the same merge goes ahead', async () => {
    const { r, lane } = await prepare();
    await r.t.git('config', 'filter.strict.smudge', 'cat');
    const baseTip = await r.tip('main');
    const branchTip = await r.tip('lanes/feat');
    const oracle = await captureOracle(r.t.dir);
    // As statfs would say on a full disk: 1 MB left.
    process.env.LANES_TEST_FREE_BYTES = String(1024 * 1024);

    const outcome = await merge(r, lane);

    expect(outcome).toEqual({ kind: 'refused', reason: `not enough free space for the merge: 1 MB free where ${r.t.dir} is, about 16 MB needed; free some space first, nothing was changed` });
    expect(await r.tip('main')).toBe(baseTip);
    expect(await r.tip('lanes/feat')).toBe(branchTip);
    await assertNothingLost(oracle, r.t.dir);

    delete process.env.LANES_TEST_FREE_BYTES;
    expect((await merge(r, lane)).kind).toBe('merged');
  });

  it('an edit saved in the base checkout while the fast-forward failed is the user\'s: reported, never rolled back', async () => {
    const { r, lane } = await prepare();
    await r.t.git('config', 'filter.strict.smudge', 'cat');
    const hook = join(r.repo.commonDir, 'hooks', 'reference-transaction');
    // As an editor saving at that moment: a.txt (which the merge changes) and b.txt (which it adds)
    // get the user's own content, then the ref update is refused.
    await writeFile(
      hook,
      '#!/bin/sh\n[ "$1" = prepared ] || exit 0\nif grep -q " refs/heads/main$"; then printf "user edit\\n" > a.txt; printf "user b\\n" > b.txt; echo "main is frozen" >&2; exit 1; fi\nexit 0\n',
    );
    await chmod(hook, 0o755);
    const baseTip = await r.tip('main');

    const outcome = await merge(r, lane);

    expect(outcome.kind).toBe('refused');
    expect(outcome.kind === 'refused' ? outcome.reason : '').toMatch(/has changes that are not the merge's: .*a\.txt/);
    expect(await r.tip('main')).toBe(baseTip);
    expect(await readFile(join(r.t.dir, 'a.txt'), 'utf8')).toBe('user edit\n');
    expect(await readFile(join(r.t.dir, 'b.txt'), 'utf8')).toBe('user b\n');
  });
});
