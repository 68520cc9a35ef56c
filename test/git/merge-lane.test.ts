import { existsSync } from 'node:fs';
import { access, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeLane, planMerge } from '../../src/git/merge/index.js';
import type { MergeOptions } from '../../src/git/merge/index.js';
import type { LaneRecord } from '../../src/core/lane.js';
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

const merge = (r: MergeRig, lane: LaneRecord, options: Partial<MergeOptions> = {}) =>
  mergeLane({ repo: r.repo, lane, stateStore: r.store, now: () => new Date('2025-02-03T04:05:06Z'), ...options });

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
const show = (r: MergeRig, spec: string): Promise<string> => r.t.git('show', spec);
const changed = async (r: MergeRig, from: string, to: string): Promise<string[]> =>
  (await r.t.git('diff', '--name-only', from, to)).split('\n').filter(Boolean).sort();

describe('mergeLane: a clean merge', () => {
  it('makes a merge commit with parents base tip and branch tip and fast-forwards the main checkout', async () => {
    const r = await open();
    const lane = await r.lane('feat', { 'b.txt': 'b\n' }, { 'c.txt': 'c\n' });
    const baseTip = await r.tip('main');
    const branchTip = await r.tip('lanes/feat');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome).toEqual({ kind: 'merged', result: expect.stringMatching(/^[0-9a-f]{40}$/), squash: false });
    const result = outcome.kind === 'merged' ? outcome.result : '';
    expect(await r.tip('main')).toBe(result);
    expect((await r.t.git('rev-list', '--parents', '-n', '1', result)).trim()).toBe(`${result} ${baseTip} ${branchTip}`);
    expect((await r.t.git('log', '-1', '--format=%B', result)).trim()).toBe('Merge lane feat (lanes/feat)');
    expect(await r.t.git('status', '--porcelain')).toBe('');
    expect(await readFile(join(r.t.dir, 'c.txt'), 'utf8')).toBe('c\n');
    expect((await r.stored('feat'))?.merged).toEqual({ tip: branchTip, at: '2025-02-03T04:05:06.000Z', result });
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });

  it('with squash makes one commit on the base tip whose message lists the lane commits', async () => {
    const r = await open();
    const lane = await r.lane('sq', { 'b.txt': 'b\n' }, { 'c.txt': 'c\n' }, { 'b.txt': 'b2\n' });
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane, { squash: true });

    expect(outcome.kind).toBe('merged');
    const result = await r.tip('main');
    expect(outcome).toEqual({ kind: 'merged', result, squash: true });
    expect((await r.t.git('rev-list', '--parents', '-n', '1', result)).trim()).toBe(`${result} ${baseTip}`);
    expect((await r.t.git('log', '-1', '--format=%B', result)).trim()).toBe('Squash lane sq (lanes/sq)\n\n* sq 1\n* sq 2\n* sq 3');
    expect((await show(r, 'main:b.txt'))).toBe('b2\n');
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });

  it('#15: two lanes merged in sequence: the base has both, and every old base is an ancestor of the new one', async () => {
    const r = await open();
    const a = await r.lane('a', { 'a-only.txt': 'a\n' });
    const b = await r.lane('b', { 'b-only.txt': 'b\n' });
    const start = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    expect((await merge(r, a)).kind).toBe('merged');
    const middle = await r.tip('main');
    expect((await merge(r, b)).kind).toBe('merged');
    const end = await r.tip('main');

    expect(await gitIn(r.t.dir, ['merge-base', '--is-ancestor', start, middle])).toBe('');
    expect(await gitIn(r.t.dir, ['merge-base', '--is-ancestor', middle, end])).toBe('');
    expect(await changed(r, start, end)).toEqual(['a-only.txt', 'b-only.txt']);
    expect(await r.t.git('status', '--porcelain')).toBe('');
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });
});

describe('mergeLane: hostile names and paths (#19)', () => {
  it('a branch and worktree named with $(), backticks and quotes in a repository path with spaces and unicode merge as plain text', async () => {
    rig = await openMergeRig({ pathSuffix: ' with spaces ü' });
    const r = rig;
    const name = "x$(touch${IFS}pwned)`touch${IFS}pwned2`'q";
    const lane = await r.lane(name, { 'odd name $(x).txt': 'odd\n' });
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane, { squash: true, verify: 'test -f "odd name \\$(x).txt"' });

    expect(outcome.kind).toBe('merged');
    expect((await r.t.git('log', '-1', '--format=%s', 'main')).trim()).toBe(`Squash lane ${name} (lanes/${name})`);
    expect(await show(r, 'main:odd name $(x).txt')).toBe('odd\n');
    for (const dir of [r.t.dir, dirname(r.t.dir), lane.worktree, process.cwd()]) {
      expect(await exists(join(dir, 'pwned'))).toBe(false);
      expect(await exists(join(dir, 'pwned2'))).toBe(false);
    }
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });
});

describe('mergeLane: stale bases and squash merges', () => {
  /** #9: A and B cut from the same base; A (adds a2.txt, edits a.txt) is squash-merged first. */
  const staleBase = async (r: MergeRig) => {
    const a = await r.lane('a', { 'a2.txt': 'new file of A\n', 'a.txt': 'a1\nA edited\na3\n' });
    const b = await r.lane('b', { 'b.txt': 'work of B\n' });
    expect((await merge(r, a, { squash: true })).kind).toBe('merged');
    return { a, b };
  };

  it('a merge of a lane cut from a stale base keeps the other lane\'s work', async () => {
    const r = await open();
    const { b } = await staleBase(r);
    const afterA = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    expect((await merge(r, b)).kind).toBe('merged');

    expect(await show(r, 'main:a2.txt')).toBe('new file of A\n');
    expect(await show(r, 'main:a.txt')).toBe('a1\nA edited\na3\n');
    expect(await show(r, 'main:b.txt')).toBe('work of B\n');
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
    expect(afterA).not.toBe(await r.tip('main'));
  });

  it('#9: the base diff of the merge is limited to B\'s paths and the plan shows no phantom deletions', async () => {
    const r = await open();
    const { b } = await staleBase(r);
    const afterA = await r.tip('main');
    const plan = await planMerge({ repo: r.repo, lane: b });
    expect(plan.files).toEqual(['b.txt']);
    expect(plan.behind).toBe(1);
    expect(plan.prediction.clean).toBe(true);

    expect((await merge(r, b)).kind).toBe('merged');
    expect(await changed(r, afterA, 'main')).toEqual(['b.txt']);
  });

  it('#6: after a squash merge and one more commit, merging again applies only that commit', async () => {
    const r = await open();
    const lane = await r.lane('six', { 'f.txt': '1\n' }, { 'f.txt': '1\n2\n' }, { 'f.txt': '1\n2\n3\n' });
    expect((await merge(r, lane, { squash: true })).kind).toBe('merged');
    const squashed = await r.tip('main');
    const again = await merge(r, lane, { squash: true });
    expect(again).toEqual({ kind: 'refused', reason: expect.stringContaining('nothing to merge') });

    await commitFiles(lane.worktree, { 'f.txt': '1\n2\n3\n4\n' }, 'six 4');
    const plan = await planMerge({ repo: r.repo, lane: (await r.stored('six')) as LaneRecord });
    expect(plan.commits.map((commit) => commit.subject)).toEqual(['six 4']);
    expect(plan.files).toEqual(['f.txt']);
    const oracle = await captureOracle(r.t.dir);

    // The record passed in predates the first merge: the state's `merged` is what counts.
    const outcome = await merge(r, lane, { squash: true });

    expect(outcome.kind).toBe('merged');
    expect(await show(r, 'main:f.txt')).toBe('1\n2\n3\n4\n');
    expect(await r.t.git('diff', squashed, 'main', '--', 'f.txt')).toContain('+4');
    expect((await r.t.git('diff', '--numstat', squashed, 'main')).trim()).toBe('1\t0\tf.txt');
    expect((await r.t.git('log', '-1', '--format=%B', 'main')).trim()).toBe('Squash lane six (lanes/six)\n\n* six 4');
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });
});

describe('mergeLane: conflicts', () => {
  it('#10: a conflict touches nothing, leaves no MERGE_HEAD and marks the lane conflict', async () => {
    const r = await open();
    const lane = await r.lane('b', { 'a.txt': 'a1\nlane line\na3\n' });
    await commitFiles(r.t.dir, { 'a.txt': 'a1\nbase line\na3\n' }, 'base edit');
    const head = await r.tip('HEAD');
    const indexBytes = await readFile(join(r.t.dir, '.git', 'index'));
    const fileBytes = await readFile(join(r.t.dir, 'a.txt'));
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome).toEqual({ kind: 'conflict', files: ['a.txt'] });
    expect(await r.tip('HEAD')).toBe(head);
    expect(await readFile(join(r.t.dir, '.git', 'index'))).toEqual(indexBytes);
    expect(await readFile(join(r.t.dir, 'a.txt'))).toEqual(fileBytes);
    expect(await exists(join(r.t.dir, '.git', 'MERGE_HEAD'))).toBe(false);
    expect((await r.stored('b'))?.conflict).toEqual(['a.txt']);
    await assertNothingLost(oracle, r.t.dir);
  });

  it('a successful merge clears an earlier conflict', async () => {
    const r = await open();
    const lane = await r.lane('b', { 'a.txt': 'a1\nlane line\na3\n' });
    await commitFiles(r.t.dir, { 'a.txt': 'a1\nbase line\na3\n' }, 'base edit');
    expect((await merge(r, lane)).kind).toBe('conflict');
    // The agent resolves in its own worktree by merging the base.
    await gitIn(lane.worktree, ['merge', '-q', '-X', 'ours', 'main', '-m', 'keep the lane line']);
    expect(await readFile(join(lane.worktree, 'a.txt'), 'utf8')).toBe('a1\nlane line\na3\n');
    expect((await merge(r, lane)).kind).toBe('merged');
    const stored = await r.stored('b');
    expect(stored?.conflict).toBeUndefined();
    expect(stored?.merged?.result).toBe(await r.tip('main'));
  });
});

describe('mergeLane: the base checked out elsewhere or nowhere', () => {
  it('#13: base checked out nowhere: compare-and-swap update-ref, the user\'s checkout on another branch untouched', async () => {
    const r = await open();
    const lane = await r.lane('c', { 'c.txt': 'c\n' });
    await r.t.git('switch', '-q', '-c', 'feature');
    await writeFile(join(r.t.dir, 'notes.txt'), 'user notes on feature\n');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome.kind).toBe('merged');
    expect(await r.tip('main')).toBe(outcome.kind === 'merged' ? outcome.result : '');
    expect((await r.t.git('reflog', '-1', '--format=%gs', 'main')).trim()).toBe('lanes: merge lane c');
    expect((await r.t.git('symbolic-ref', 'HEAD')).trim()).toBe('refs/heads/feature');
    expect(await r.t.git('status', '--porcelain')).toBe('?? notes.txt\n');
    expect(await exists(join(r.t.dir, 'c.txt'))).toBe(false);
    await assertNothingLost(oracle, r.t.dir);
  });

  it('#14: base checked out in a linked worktree: fast-forward there, no reverse diff in any worktree', async () => {
    const r = await open();
    const lane = await r.lane('d', { 'd.txt': 'd\n' }, { 'a.txt': 'a1\nd edit\na3\n' });
    await r.t.git('switch', '-q', '-c', 'feature');
    const baseWorktree = join(dirname(r.t.dir), 'base checkout');
    await r.t.git('worktree', 'add', '-q', baseWorktree, 'main');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome.kind).toBe('merged');
    const result = await r.tip('main');
    expect((await gitIn(baseWorktree, ['rev-parse', 'HEAD'])).trim()).toBe(result);
    expect((await gitIn(baseWorktree, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/main');
    expect(await readFile(join(baseWorktree, 'd.txt'), 'utf8')).toBe('d\n');
    for (const dir of [r.t.dir, baseWorktree, lane.worktree]) expect(await gitIn(dir, ['status', '--porcelain'])).toBe('');
    await assertNothingLost(oracle, r.t.dir);
  });
});

describe('mergeLane: verify', () => {
  it('runs the command in a temporary worktree of the result, streams its output, then merges', async () => {
    const r = await open();
    const lane = await r.lane('v', { 'v.txt': 'verified\n' });
    const chunks: string[] = [];
    const outcome = await merge(r, lane, { verify: 'pwd; cat v.txt; git rev-parse HEAD', onVerifyOutput: (chunk) => chunks.push(chunk) });

    expect(outcome.kind).toBe('merged');
    const [where, content, head] = chunks.join('').split('\n');
    expect(content).toBe('verified');
    expect(head).toBe(await r.tip('main'));
    expect(where).not.toContain(dirname(r.t.dir));
    expect(await exists(where as string)).toBe(false);
    expect(await r.t.git('worktree', 'list')).not.toContain('lanes-verify-');
  });

  it('a failing verify leaves the base untouched and removes the temporary worktree', async () => {
    const r = await open();
    const lane = await r.lane('v', { 'v.txt': 'v\n' });
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);
    const chunks: string[] = [];

    const outcome = await merge(r, lane, { verify: 'pwd; echo tests failed >&2; exit 3', onVerifyOutput: (chunk) => chunks.push(chunk) });

    expect(outcome).toEqual({ kind: 'verify-failed', code: 3, output: expect.stringContaining('tests failed\n'), reason: 'verify failed (exit 3): pwd; echo tests failed >&2; exit 3' });
    const where = chunks[0]?.trim() ?? '';
    expect(where).toMatch(/lanes-verify-/);
    expect(await exists(where)).toBe(false);
    expect(await exists(dirname(where))).toBe(false);
    expect(await r.tip('main')).toBe(baseTip);
    expect((await r.stored('v'))?.merged).toBeUndefined();
    await assertNothingLost(oracle, r.t.dir);
  });
});

describe('mergeLane: uncommitted work in the lane', () => {
  it('is refused without commitWip and nothing is touched', async () => {
    const r = await open();
    const lane = await r.lane('w', { 'w.txt': 'w\n' });
    await writeFile(join(lane.worktree, 'w.txt'), 'w edited\n');
    await writeFile(join(lane.worktree, 'new.txt'), 'untracked\n');
    const branchTip = await r.tip('lanes/w');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane);

    expect(outcome).toEqual({ kind: 'refused', reason: 'lane w has uncommitted changes: new.txt, w.txt; commit them first or choose to commit them' });
    expect(await r.tip('lanes/w')).toBe(branchTip);
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe(' M w.txt\n?? new.txt\n');
    await assertNothingLost(oracle, r.t.dir);
  });

  it('with commitWip commits them on the lane branch, then merges', async () => {
    const r = await open();
    const lane = await r.lane('w', { 'w.txt': 'w\n' });
    await writeFile(join(lane.worktree, 'w.txt'), 'w edited\n');
    await writeFile(join(lane.worktree, 'new.txt'), 'untracked\n');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane, { commitWip: true });

    expect(outcome.kind).toBe('merged');
    expect((await r.t.git('log', '-1', '--format=%s', 'lanes/w')).trim()).toBe('lanes: work in progress on w');
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe('');
    expect(await show(r, 'main:new.txt')).toBe('untracked\n');
    expect(await show(r, 'main:w.txt')).toBe('w edited\n');
    expect((await r.stored('w'))?.merged?.tip).toBe(await r.tip('lanes/w'));
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });

  it('with commitWip and a pre-commit hook that refuses: the lane\'s index, files and branch are exactly as before (issue 7, smaller)', async () => {
    const r = await open();
    const lane = await r.lane('w', { 'w.txt': 'w\n', 'x.txt': 'x\n' });
    await writeFile(join(lane.worktree, 'w.txt'), 'w staged\n');
    await gitIn(lane.worktree, ['add', 'w.txt']);
    await writeFile(join(lane.worktree, 'x.txt'), 'x unstaged\n');
    await writeFile(join(lane.worktree, 'new.txt'), 'untracked\n');
    const hook = join(r.repo.commonDir, 'hooks', 'pre-commit');
    await writeFile(hook, '#!/bin/sh\necho "lint: 2 problems in x.txt" >&2\nexit 1\n', { mode: 0o755 });
    const indexPath = (await gitIn(lane.worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
    const index = await readFile(indexPath);
    const status = await gitIn(lane.worktree, ['status', '--porcelain']);
    const branchTip = await r.tip('lanes/w');
    const oracle = await captureOracle(r.t.dir);

    const outcome = await merge(r, lane, { commitWip: true });

    expect(outcome).toEqual({ kind: 'refused', reason: "could not commit the lane's changes (git commit): exit 1; its output ends: lint: 2 problems in x.txt; nothing was changed" });
    expect(status).toBe('M  w.txt\n M x.txt\n?? new.txt\n');
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe(status);
    expect((await readFile(indexPath)).equals(index)).toBe(true);
    expect(await r.tip('lanes/w')).toBe(branchTip);
    expect((await readdir(dirname(indexPath))).filter((name) => name.includes('lanes-wip'))).toEqual([]);
    await assertNothingLost(oracle, r.t.dir);

    await rm(hook);
    expect((await merge(r, lane, { commitWip: true })).kind).toBe('merged');
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe('');
    expect(await show(r, 'main:x.txt')).toBe('x unstaged\n');
  });

  it('with commitWip the lane\'s index.lock is held while its changes are staged and committed, and released after', async () => {
    const r = await open();
    const lane = await r.lane('held', { 'h.txt': 'h\n' });
    await writeFile(join(lane.worktree, 'h.txt'), 'h changed\n');
    const indexPath = (await gitIn(lane.worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'index'])).trim();
    const seen = join(r.t.dir, '..', 'lock-seen');
    // The agent's own `git add` at that moment would need this lock: it must be taken.
    const hook = join(r.repo.commonDir, 'hooks', 'pre-commit');
    await writeFile(hook, `#!/bin/sh\nif [ -e '${indexPath}.lock' ]; then echo held > '${seen}'; else echo free > '${seen}'; fi\nexit 0\n`, { mode: 0o755 });

    const outcome = await merge(r, lane, { commitWip: true });

    expect(outcome.kind).toBe('merged');
    expect(await readFile(seen, 'utf8')).toBe('held\n');
    expect(existsSync(`${indexPath}.lock`)).toBe(false);
  });

  it('with commitWip but a dirty base checkout commits nothing', async () => {
    const r = await open();
    const lane = await r.lane('w', { 'w.txt': 'w\n' });
    await writeFile(join(lane.worktree, 'w.txt'), 'w edited\n');
    await writeFile(join(r.t.dir, 'README.md'), 'user edit\n');
    const branchTip = await r.tip('lanes/w');

    const outcome = await merge(r, lane, { commitWip: true });

    expect(outcome).toEqual({ kind: 'refused', reason: expect.stringContaining('has uncommitted changes: README.md') });
    expect(await r.tip('lanes/w')).toBe(branchTip);
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe(' M w.txt\n');
  });
});
