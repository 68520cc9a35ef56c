import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeQueue, planMerge } from '../../src/git/merge/index.js';
import type { LaneRecord } from '../../src/core/lane.js';
import type { MergeOutcome } from '../../src/git/merge/index.js';
import { openMergeRig, type MergeRig } from '../helpers/merge-rig.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { gitIn } from '../helpers/temp-repo.js';
import { commitFiles } from '../helpers/worktree-lane.js';

let rig: MergeRig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const open = async (): Promise<MergeRig> => {
  rig = await openMergeRig();
  return rig;
};

describe('planMerge', () => {
  it('shows commits, files, behind, the base commits touching the lane, uncommitted files and a clean prediction, changing nothing', async () => {
    const r = await open();
    const lane = await r.lane('p', { 'a.txt': 'a1\nlane\na3\n', 'p.txt': 'p\n' }, { 'q.txt': 'q\n' });
    await commitFiles(r.t.dir, { 'other.txt': 'other\n' }, 'base: unrelated');
    await commitFiles(r.t.dir, { 'a.txt': 'a1\na2\na3\nmore\n' }, 'base: touches a.txt');
    await writeFile(join(lane.worktree, 'dirty.txt'), 'not committed\n');
    const touching = await r.tip('main');
    const laneIndex = await readFile((await gitIn(lane.worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim());
    const mainIndex = await readFile(join(r.t.dir, '.git', 'index'));
    const refs = await r.t.git('for-each-ref');
    const oracle = await captureOracle(r.t.dir);

    const plan = await planMerge({ repo: r.repo, lane, squash: true });

    expect(plan.base).toBe('main');
    expect(plan.baseTip).toBe(await r.tip('main'));
    expect(plan.branchTip).toBe(await r.tip('lanes/p'));
    expect(plan.worktreeHead).toBe(plan.branchTip);
    expect(plan.commits.map((commit) => commit.subject)).toEqual(['p 1', 'p 2']);
    expect(plan.files).toEqual(['a.txt', 'p.txt', 'q.txt']);
    expect(plan.behind).toBe(2);
    expect(plan.baseCommitsTouchingLane).toEqual([{ sha: touching, subject: 'base: touches a.txt', files: ['a.txt'] }]);
    expect(plan.uncommitted).toEqual(['dirty.txt']);
    expect(plan.checkout).toBe(r.t.dir);
    expect(plan.prediction).toEqual({ clean: true, tree: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(plan.message).toBe('Squash lane p (lanes/p)\n\n* p 1\n* p 2\n');
    expect(plan.refusal).toBeUndefined();

    expect(await r.t.git('for-each-ref')).toBe(refs);
    expect(await readFile(join(r.t.dir, '.git', 'index'))).toEqual(mainIndex);
    expect(await readFile((await gitIn(lane.worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim())).toEqual(laneIndex);
    await assertNothingLost(oracle, r.t.dir);
  });

  it('predicts conflicts by file, and shows where the base is checked out (nowhere here)', async () => {
    const r = await open();
    const lane = await r.lane('c', { 'a.txt': 'a1\nlane\na3\n', 'README.md': 'lane readme\n' });
    await commitFiles(r.t.dir, { 'a.txt': 'a1\nbase\na3\n', 'README.md': 'base readme\n' }, 'base');
    await r.t.git('switch', '-q', '-c', 'feature');

    const plan = await planMerge({ repo: r.repo, lane });

    expect(plan.prediction).toEqual({ clean: false, conflicts: ['README.md', 'a.txt'] });
    expect(plan.checkout).toBeUndefined();
    expect(plan.message).toBe('Merge lane c (lanes/c)\n');
    expect(plan.refusal).toBeUndefined();
  });

  it('names the base checkout\'s state as the refusal', async () => {
    const r = await open();
    const lane = await r.lane('r', { 'b.txt': 'b\n' });
    await writeFile(join(r.t.dir, 'README.md'), 'edit\n');
    const plan = await planMerge({ repo: r.repo, lane });
    expect(plan.refusal).toBe(`the base checkout ${r.t.dir} has uncommitted changes: README.md; commit or discard them first`);
  });
});

describe('mergeQueue', () => {
  it('merges ready lanes one at a time in order and stops at the first conflict', async () => {
    const r = await open();
    const a = await r.lane('a', { 'a-only.txt': 'a\n' });
    const b = await r.lane('b', { 'b-only.txt': 'b\n', 'a.txt': 'a1\nfrom b\na3\n' });
    const c = await r.lane('c', { 'a.txt': 'a1\nfrom c\na3\n' });
    const d = await r.lane('d', { 'd-only.txt': 'd\n' });
    const start = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);
    const steps: Array<[string, MergeOutcome['kind']]> = [];

    const result = await mergeQueue({ repo: r.repo, lanes: [a, b, c, d], stateStore: r.store, onStep: (lane, outcome) => steps.push([lane.name, outcome.kind]) });

    expect(result).toEqual({ merged: ['a', 'b'], stoppedAt: { lane: 'c', outcome: { kind: 'conflict', files: ['a.txt'] } } });
    expect(steps).toEqual([['a', 'merged'], ['b', 'merged'], ['c', 'conflict']]);
    expect((await r.t.git('diff', '--name-only', start, 'main')).split('\n').filter(Boolean).sort()).toEqual(['a-only.txt', 'a.txt', 'b-only.txt']);
    expect((await r.stored('c'))?.conflict).toEqual(['a.txt']);
    expect((await r.stored('d'))?.merged).toBeUndefined();
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });

  it('stops at the first failed verify, with the base holding only the lanes before it', async () => {
    const r = await open();
    const lanes: LaneRecord[] = [];
    lanes.push(await r.lane('good', { 'good.txt': 'fine\n' }));
    lanes.push(await r.lane('bad', { 'bad.txt': 'breaks the build\n' }));
    lanes.push(await r.lane('later', { 'later.txt': 'never tried\n' }));

    const result = await mergeQueue({ repo: r.repo, lanes, stateStore: r.store, verify: 'test ! -e bad.txt' });

    expect(result.merged).toEqual(['good']);
    expect(result.stoppedAt).toEqual({ lane: 'bad', outcome: { kind: 'verify-failed', code: 1, output: '', reason: 'verify failed (exit 1): test ! -e bad.txt' } });
    expect((await r.t.git('ls-tree', '--name-only', 'main')).split('\n')).toEqual(expect.arrayContaining(['good.txt']));
    expect(await r.t.git('ls-tree', '--name-only', 'main')).not.toMatch(/bad\.txt|later\.txt/);
  });

  it('an empty queue merges nothing', async () => {
    const r = await open();
    expect(await mergeQueue({ repo: r.repo, lanes: [], stateStore: r.store })).toEqual({ merged: [] });
  });
});
