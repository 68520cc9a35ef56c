import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { archiveLane, listArchives, readArchiveMeta } from '../../src/git/teardown/archive.js';
import { captureOracle, assertNothingLost } from '../helpers/nothing-lost.js';
import { commitIn, indexBytes, makeRig, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
});

const open = async (): Promise<Rig> => (rig = await makeRig());
const fixedClock = (iso: string) => () => new Date(iso);
const treeOf = async (dir: string, commit: string): Promise<Record<string, string>> => {
  const out = await gitIn(dir, ['ls-tree', '-r', '-z', commit]);
  const entries: Record<string, string> = {};
  for (const record of out.split('\0').filter(Boolean)) {
    const [info, path] = record.split('\t') as [string, string];
    entries[path] = (await gitIn(dir, ['cat-file', 'blob', info.split(' ')[2] as string])).toString();
  }
  return entries;
};

describe('archiveLane', () => {
  it('commits the full worktree state on its HEAD with a copy of the index, never touching the agent index', async () => {
    const { t, lane: make } = await open();
    const lane = await make('work');
    const head = await commitIn(lane.worktree, { 'committed.txt': 'c\n' });
    await writeFiles(lane.worktree, {
      'a.txt': 'a changed\n',
      'staged.txt': 'staged\n',
      'untracked dir/new file.txt': 'new\n',
      '.env': 'SECRET=1\n',
      'notes.log': 'my notes\n',
      'node_modules/pkg/index.js': 'regenerable\n',
      'dist/out.js': 'built\n',
    });
    await gitIn(lane.worktree, ['add', 'staged.txt']);
    const indexBefore = await indexBytes(lane.worktree);
    const statusBefore = await gitIn(lane.worktree, ['status', '--porcelain', '-z', '--ignored']);

    const archive = await archiveLane({ repo: rig!.repo, lane, now: fixedClock('2025-03-04T05:06:07.089Z') });

    expect(archive.ref).toBe('refs/lanes/archive/work/2025-03-04T05-06-07-089Z');
    expect((await gitIn(t.dir, ['rev-parse', archive.ref])).trim()).toBe(archive.commit);
    expect(archive.includedIgnored.sort()).toEqual(['.env', 'notes.log']);
    expect(await indexBytes(lane.worktree)).toEqual(indexBefore);
    expect(await gitIn(lane.worktree, ['status', '--porcelain', '-z', '--ignored'])).toBe(statusBefore);

    const files = await treeOf(t.dir, archive.commit);
    expect(files).toMatchObject({
      'a.txt': 'a changed\n',
      'committed.txt': 'c\n',
      'staged.txt': 'staged\n',
      'untracked dir/new file.txt': 'new\n',
      '.env': 'SECRET=1\n',
      'notes.log': 'my notes\n',
    });
    expect(Object.keys(files)).not.toContain('node_modules/pkg/index.js');
    expect(Object.keys(files)).not.toContain('dist/out.js');

    const parents = (await gitIn(t.dir, ['rev-list', '--parents', '-n', '1', archive.commit])).trim().split(' ').slice(1);
    expect(parents[0]).toBe(head);
    const meta = await readArchiveMeta(rig!.repo, archive.commit);
    expect(meta?.lane).toEqual(lane);
    expect(meta?.indexCommit).toBe(parents[1]);
    expect(await treeOf(t.dir, meta!.indexCommit!)).toMatchObject({ 'staged.txt': 'staged\n', 'a.txt': 'a\n' });
  });

  it('archives a detached HEAD and keeps the recorded branch tip as a parent', async () => {
    const { t, lane: make } = await open();
    const lane = await make('detached');
    const branchTip = await commitIn(lane.worktree, { 'on-branch.txt': '1\n' });
    await gitIn(lane.worktree, ['checkout', '-q', '--detach', 'HEAD~1']);
    const detached = await commitIn(lane.worktree, { 'detached.txt': '2\n' });

    const archive = await archiveLane({ repo: rig!.repo, lane });
    const parents = (await gitIn(t.dir, ['rev-list', '--parents', '-n', '1', archive.commit])).trim().split(' ').slice(1);
    expect(parents).toEqual([detached, branchTip]);
    const meta = await readArchiveMeta(rig!.repo, archive.commit);
    expect(meta).toMatchObject({ head: detached, branchTip });
    expect(meta?.headRef).toBeUndefined();
    expect(meta?.indexCommit).toBeUndefined();
  });

  it('archives a lane whose folder is gone as the HEAD git still records', async () => {
    const { lane: make } = await open();
    const lane = await make('gone');
    const head = await commitIn(lane.worktree, { 'x.txt': 'x\n' });
    await rm(lane.worktree, { recursive: true, force: true });
    const archive = await archiveLane({ repo: rig!.repo, lane });
    expect((await readArchiveMeta(rig!.repo, archive.commit))?.missing).toBe(true);
    expect((await gitIn(rig!.t.dir, ['rev-parse', `${archive.commit}^1`])).trim()).toBe(head);
  });

  it('sees a same-size change made in the same second as the last git add (racy git)', async () => {
    const { lane: make } = await open();
    const lane = await make('racy');
    // Commit and rewrite within one second, then archive in a later second: with the copied index
    // stamped "now", git would trust the cached stat data and archive the old content.
    for (let attempt = 0; ; attempt++) {
      const second = Math.floor(Date.now() / 1000);
      await commitIn(lane.worktree, { 'n.txt': `old${attempt % 10}\n` });
      await writeFiles(lane.worktree, { 'n.txt': `new${attempt % 10}\n` });
      if (Math.floor(Date.now() / 1000) === second) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100 - (Date.now() % 1000)));
    const archive = await archiveLane({ repo: rig!.repo, lane });
    expect(await gitIn(rig!.t.dir, ['show', `${archive.commit}:n.txt`])).toMatch(/^new\d\n$/);
  });

  it('reuses an unchanged archive and writes a new one after a change', async () => {
    const { lane: make } = await open();
    const lane = await make('again');
    await writeFiles(lane.worktree, { 'n.txt': '1\n' });
    const first = await archiveLane({ repo: rig!.repo, lane, now: fixedClock('2025-01-01T00:00:00.000Z') });
    const same = await archiveLane({ repo: rig!.repo, lane, previous: first, now: fixedClock('2025-01-01T00:00:01.000Z') });
    expect(same).toEqual(first);
    await writeFiles(lane.worktree, { 'n.txt': '2\n' });
    const next = await archiveLane({ repo: rig!.repo, lane, previous: first, now: fixedClock('2025-01-01T00:00:02.000Z') });
    expect(next.ref).not.toBe(first.ref);
    expect((await listArchives(rig!.repo)).map((a) => a.ref)).toEqual([next.ref, first.ref]);
  });

  it('never overwrites an archive written in the same millisecond', async () => {
    const { lane: make } = await open();
    const lane = await make('same-ms');
    const clock = fixedClock('2025-01-01T00:00:00.000Z');
    const first = await archiveLane({ repo: rig!.repo, lane, now: clock });
    await writeFiles(lane.worktree, { 'n.txt': '2\n' });
    const second = await archiveLane({ repo: rig!.repo, lane, now: clock });
    expect(second.ref).toBe(`${first.ref}-1`);
    const listed = await listArchives(rig!.repo);
    expect(listed.map((a) => [a.lane, a.ref, a.at])).toEqual([
      ['same-ms', second.ref, '2025-01-01T00:00:00.000Z'],
      ['same-ms', first.ref, '2025-01-01T00:00:00.000Z'],
    ]);
  });

  it('passes the nothing-lost oracle and is listed per lane', async () => {
    const { t, lane: make } = await open();
    const a = await make('a');
    const b = await make('b');
    await writeFiles(a.worktree, { 'a-new.txt': 'a\n' });
    const before = await captureOracle(t.dir);
    await archiveLane({ repo: rig!.repo, lane: a });
    await archiveLane({ repo: rig!.repo, lane: b });
    await assertNothingLost(before, t.dir);
    expect((await listArchives(rig!.repo)).map((x) => x.lane).sort()).toEqual(['a', 'b']);
  });
});
