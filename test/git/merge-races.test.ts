import { spawn } from 'node:child_process';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mergeLane, mergeLockPath, recoverMerges } from '../../src/git/merge/index.js';
import type { LaneRecord } from '../../src/core/lane.js';
import { openMergeRig, type MergeRig } from '../helpers/merge-rig.js';
import { startMergeProcess } from '../helpers/merge-process.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { gitIn } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: MergeRig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const open = async (): Promise<MergeRig> => {
  rig = await openMergeRig();
  return rig;
};

const merge = (r: MergeRig, lane: LaneRecord, verify?: string) =>
  mergeLane({ repo: r.repo, lane, stateStore: r.store, ...(verify === undefined ? {} : { verify }) });
const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
const isAncestor = (r: MergeRig, a: string, b: string): Promise<boolean> =>
  gitIn(r.t.dir, ['merge-base', '--is-ancestor', a, b]).then(() => true, () => false);

describe('#16: the base moves between the plan and the move', () => {
  it('checked out in the main checkout: the user\'s commit is kept, the fast-forward is refused', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    // The user commits to main while the merge runs its verify step.
    const outcome = await merge(r, lane, `git -C '${r.t.dir}' commit -q --allow-empty -m 'user commit'`);

    expect(outcome).toEqual({ kind: 'refused', reason: 'the base moved during the merge; try again' });
    const userCommit = await r.tip('main');
    expect((await r.t.git('log', '-1', '--format=%s%n%P', 'main')).trim()).toBe(`user commit\n${baseTip}`);
    expect(await r.t.git('status', '--porcelain')).toBe('');
    expect(await r.t.git('ls-tree', '--name-only', 'main')).not.toContain('b.txt');
    expect((await r.stored('l'))?.merged).toBeUndefined();
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });

    // Tried again, the merge is built on the user's commit.
    expect((await merge(r, lane)).kind).toBe('merged');
    expect(await isAncestor(r, userCommit, 'main')).toBe(true);
  });

  it('checked out nowhere: the compare-and-swap is refused and the other update kept', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    await r.t.git('switch', '-q', '-c', 'feature');
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);
    const repo = r.t.dir;

    const outcome = await merge(r, lane, `c=$(git -C '${repo}' commit-tree -p main -m other 'main^{tree}') && git -C '${repo}' update-ref refs/heads/main "$c"`);

    expect(outcome).toEqual({ kind: 'refused', reason: 'the base moved during the merge; try again' });
    expect((await r.t.git('log', '-1', '--format=%s%n%P', 'main')).trim()).toBe(`other\n${baseTip}`);
    await assertNothingLost(oracle, r.t.dir);
  });
});

describe('#17: two merges at once', () => {
  it('two processes: the lock refuses the second while the first runs; both merge, none lost', async () => {
    const r = await open();
    const a = await r.lane('a', { 'a-only.txt': 'a\n' });
    const b = await r.lane('b', { 'b-only.txt': 'b\n' });
    const start = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);
    const marker = join(dirname(r.t.dir), 'first-merge-verifying');
    const release = join(dirname(r.t.dir), 'first-merge-may-go-on');

    const first = await startMergeProcess({ repoDir: r.t.dir, lane: a, verify: `touch '${marker}'; while [ ! -e '${release}' ]; do sleep 0.05; done` });
    await waitFor(() => exists(marker), 15_000, 'the first merge to reach verify');
    const second = await merge(r, b);
    expect(second).toEqual({ kind: 'refused', reason: `another merge is in progress (pid ${first.pid})` });
    // Recovery leaves a running merge alone.
    expect(await recoverMerges(r.repo, r.store)).toEqual([]);
    await writeFile(release, '');
    expect((await first.done).outcome?.kind).toBe('merged');

    expect((await merge(r, b)).kind).toBe('merged');
    expect((await r.t.git('diff', '--name-only', start, 'main')).split('\n').filter(Boolean).sort()).toEqual(['a-only.txt', 'b-only.txt']);
    expect((await r.stored('a'))?.merged).toBeDefined();
    expect((await r.stored('b'))?.merged?.result).toBe(await r.tip('main'));
    expect(await exists(mergeLockPath(r.repo))).toBe(false);
    await assertNothingLost(oracle, r.t.dir, { mainMayChange: true });
  });

  it('two calls at once in one process: each merges or is refused, and the refused one merges after', async () => {
    const r = await open();
    const a = await r.lane('a', { 'a-only.txt': 'a\n' });
    const b = await r.lane('b', { 'b-only.txt': 'b\n' });
    const start = await r.tip('main');

    const outcomes = await Promise.all([merge(r, a, 'sleep 0.2'), merge(r, b, 'sleep 0.2')]);

    expect(outcomes.filter((outcome) => outcome.kind === 'merged').length).toBeGreaterThanOrEqual(1);
    for (const outcome of outcomes) if (outcome.kind === 'refused') expect(outcome.reason).toBe(`another merge is in progress (pid ${process.pid})`);
    for (const [index, outcome] of outcomes.entries()) if (outcome.kind !== 'merged') expect((await merge(r, [a, b][index] as LaneRecord)).kind).toBe('merged');
    expect((await r.t.git('diff', '--name-only', start, 'main')).split('\n').filter(Boolean).sort()).toEqual(['a-only.txt', 'b-only.txt']);
  });
});

describe('the merge lock', () => {
  it('held by a live process: refused naming it, nothing touched; once that process is gone it is taken over', async () => {
    const r = await open();
    const lane = await r.lane('l', { 'b.txt': 'b\n' });
    const holder = spawn('sleep', ['30'], { stdio: 'ignore' });
    const lock = mergeLockPath(r.repo);
    await mkdir(dirname(lock), { recursive: true });
    await writeFile(lock, JSON.stringify({ pid: holder.pid, host: hostname(), token: 'other' }));
    const baseTip = await r.tip('main');
    const oracle = await captureOracle(r.t.dir);

    expect(await merge(r, lane)).toEqual({ kind: 'refused', reason: `another merge is in progress (pid ${holder.pid})` });
    expect(await r.tip('main')).toBe(baseTip);
    await assertNothingLost(oracle, r.t.dir);

    const ended = new Promise((resolve) => holder.on('close', resolve));
    holder.kill('SIGKILL');
    await ended;
    expect((await merge(r, lane)).kind).toBe('merged');
    expect(await exists(lock)).toBe(false);
  });
});
