import { existsSync } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readdir, readFile, realpath, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneRecord } from '../../src/core/lane.js';
import { assessLoss, describeLoss, listArchives, readArchiveMeta, restoreLane, teardownLane } from '../../src/git/teardown/index.js';
import { restoreArchiveFiles } from '../../src/git/teardown/restore-files.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { commitIn, makeRig, type Rig } from '../helpers/teardown-rig.js';
import { gitIn, writeFiles } from '../helpers/temp-repo.js';

let rig: Rig | undefined;
const extraDirs: string[] = [];
afterEach(async () => {
  await rig?.t.cleanup();
  rig = undefined;
  for (const dir of extraDirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const outsideRepo = async (): Promise<string> => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-nested-src-')));
  extraDirs.push(dir);
  await gitIn(dir, ['init', '-q', '-b', 'main']);
  return dir;
};

/** Every file under `dir` but `.git` entries, with its content. */
const filesOf = async (dir: string, root = dir): Promise<Record<string, string>> => {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) Object.assign(files, await filesOf(path, root));
    else files[relative(root, path)] = await readFile(path, 'utf8');
  }
  return files;
};

/** What must survive of one nested repository: its commits, refs, HEAD, status and every file. */
const observeNested = async (dir: string) => {
  const head = await gitIn(dir, ['rev-parse', '--verify', '-q', 'HEAD']).catch(() => '');
  const symbolic = await gitIn(dir, ['symbolic-ref', '-q', 'HEAD']).catch(() => '(detached)\n');
  return {
    commits: (await gitIn(dir, ['rev-list', '--all'])).split('\n').filter(Boolean).sort(),
    refs: await gitIn(dir, ['for-each-ref', '--format=%(objectname) %(refname)']),
    head: head.trim(),
    symbolic: symbolic.trim(),
    status: await gitIn(dir, ['status', '--porcelain=v1', '-z', '--untracked-files=all']),
    files: await filesOf(dir),
  };
};

/** A lane of a repository with a submodule `sub` (from a repository outside), checked out in the lane. */
const laneWithSubmodule = async (r: Rig, name: string): Promise<LaneRecord> => {
  const subRoot = await outsideRepo();
  await commitIn(subRoot, { 'lib.txt': 'lib\n' }, 'lib');
  await gitIn(r.t.dir, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', subRoot, 'sub']);
  await gitIn(r.t.dir, ['commit', '-q', '-m', 'add submodule']);
  const lane = await r.lane(name);
  await gitIn(lane.worktree, ['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init']);
  return lane;
};

type Observed = Awaited<ReturnType<typeof observeNested>>;

/** Every commit of every nested repository is reachable from the lane repository's refs. */
const expectCommitsKept = async (mainDir: string, seen: Record<string, Observed>): Promise<void> => {
  const reachable = new Set((await gitIn(mainDir, ['rev-list', '--all'])).split('\n'));
  for (const [path, observed] of Object.entries(seen)) {
    expect(observed.commits.filter((sha) => !reachable.has(sha)), `commits of ${path} not reachable in the lane's repository`).toEqual([]);
  }
};

const forceRemove = async (r: Rig, lane: LaneRecord) => {
  const outcome = await teardownLane({ repo: r.repo, lane, base: 'main', stateStore: r.store, force: true, graceMs: 200 });
  expect(outcome.kind, outcome.kind === 'refused' ? outcome.reason : '').toBe('removed');
  expect(existsSync(lane.worktree)).toBe(false);
  return outcome;
};

/** rm --force, the oracles, restore, and every nested repository back as it was. */
const roundTrip = async (r: Rig, lane: LaneRecord, paths: string[]): Promise<void> => {
  const seen: Record<string, Observed> = {};
  for (const path of paths) seen[path] = await observeNested(join(lane.worktree, path));
  const outerStatus = await gitIn(lane.worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const before = await captureOracle(r.t.dir);
  await forceRemove(r, lane);
  await assertNothingLost(before, r.t.dir);
  await expectCommitsKept(r.t.dir, seen);

  await restoreLane({ repo: r.repo, name: lane.name, stateStore: r.store, config: r.config });
  for (const path of paths) expect(await observeNested(join(lane.worktree, path)), path).toEqual(seen[path]);
  expect(await gitIn(lane.worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all'])).toBe(outerStatus);
  expect(await r.journal()).toEqual([]);
};

describe('teardown of repositories inside a lane (issue 7 item 3)', () => {
  it('an unborn nested repository (git init + files, one staged): archived and restored, branch and staged state too', async () => {
    rig = await makeRig();
    const lane = await rig.lane('unborn');
    const dir = join(lane.worktree, 'scaffold');
    await gitIn(lane.worktree, ['init', '-q', '-b', 'trunk', 'scaffold']);
    await writeFiles(dir, { 'package.json': '{"name":"x"}\n', 'src/index.ts': 'export {};\n', '.env': 'KEY=1\n' });
    await gitIn(dir, ['add', 'package.json']);

    const report = await assessLoss({ repo: rig.repo, lane, base: 'main' });
    expect(report.nested.map((repo) => repo.path)).toEqual(['scaffold']);
    expect(describeLoss(report, lane).join('\n')).toMatch(/nested repositories, with their own history: scaffold \(no commit yet\)/);
    await roundTrip(rig, lane, ['scaffold']);
    expect((await gitIn(dir, ['symbolic-ref', 'HEAD'])).trim()).toBe('refs/heads/trunk');
    expect(await gitIn(dir, ['diff', '--cached', '--name-only'])).toBe('package.json\n');

    // Recovery after a crash half-way through a restore puts the files back again: same result.
    const restored = await observeNested(dir);
    const archive = (await listArchives(rig.repo)).find((entry) => entry.lane === 'unborn');
    await restoreArchiveFiles(lane.worktree, archive!.commit, (await readArchiveMeta(rig.repo, archive!.commit))!);
    expect(await observeNested(dir)).toEqual(restored);
  });

  it('a nested repository with 2 commits on a branch, an untracked file and a change, at a path with a space, a dash and ü: its commits kept in the lane repository and restored', async () => {
    rig = await makeRig();
    const lane = await rig.lane('inner');
    const dir = join(lane.worktree, 'tools', '-my gen ü');
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', '--', 'tools/-my gen ü']);
    await commitIn(dir, { 'gen.txt': 'one\n' }, 'first');
    await gitIn(dir, ['checkout', '-q', '-b', 'feature']);
    await commitIn(dir, { 'gen.txt': 'two\n' }, 'second');
    await writeFiles(dir, { 'untracked.txt': 'u\n', 'gen.txt': 'three, uncommitted\n' });

    const report = await assessLoss({ repo: rig.repo, lane, base: 'main' });
    expect(report.nested).toMatchObject([{ path: 'tools/-my gen ü', commits: 2, headRef: 'refs/heads/feature' }]);
    await roundTrip(rig, lane, ['tools/-my gen ü']);
    const archive = (await listArchives(rig.repo)).find((entry) => entry.lane === 'inner');
    const meta = await readArchiveMeta(rig.repo, archive!.commit);
    expect(meta?.nested).toMatchObject([{ path: 'tools/-my gen ü', headRef: 'refs/heads/feature', refCount: 3 }]);
    expect(meta?.nested?.[0]?.refPrefix).toMatch(/^refs\/lanes\/archive\/inner\/nested\/[^/]+\/tools%2F-my%20gen%20%C3%BC$/);
  });

  it('a git clone of another local repository, plus a repository inside it and one in a tracked folder: all restored, origin too, with the source gone', async () => {
    const source = await outsideRepo();
    await commitIn(source, { 'lib.txt': 'lib\n' }, 'lib 1');
    await commitIn(source, { 'lib.txt': 'lib 2\n' }, 'lib 2');
    rig = await makeRig({ files: { 'pkg/keep.txt': 'tracked by the lane\n' } });
    const lane = await rig.lane('cloned');
    await gitIn(lane.worktree, ['clone', '-q', source, 'vendor/lib']);
    const clone = join(lane.worktree, 'vendor/lib');
    await commitIn(clone, { 'local.txt': 'mine\n' }, 'local change');
    await gitIn(clone, ['init', '-q', '-b', 'main', 'deeper']);
    await commitIn(join(clone, 'deeper'), { 'd.txt': 'd\n' }, 'deeper');
    // `git init` in a folder the lane tracks: git status shows nothing at all.
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', 'pkg']);
    await commitIn(join(lane.worktree, 'pkg'), { 'own.txt': 'own\n' }, 'pkg own');
    expect((await assessLoss({ repo: rig.repo, lane, base: 'main' })).nested.map((repo) => repo.path)).toEqual(['pkg', 'vendor/lib', 'vendor/lib/deeper']);

    const url = (await gitIn(clone, ['config', 'remote.origin.url'])).trim();
    await rm(source, { recursive: true, force: true });
    await roundTrip(rig, lane, ['vendor/lib', 'vendor/lib/deeper', 'pkg']);
    expect((await gitIn(clone, ['config', 'remote.origin.url'])).trim()).toBe(url);
    expect(await readFile(join(lane.worktree, 'pkg/keep.txt'), 'utf8')).toBe('tracked by the lane\n');
  });

  it('an ignored repository is archived like an ignored file would be: kept outside regenerable folders, not inside them', async () => {
    rig = await makeRig();
    const lane = await rig.lane('ignored');
    await writeFiles(rig.t.dir, { '.git/info/exclude': 'scratch/\n' });
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', 'scratch/tool']);
    await commitIn(join(lane.worktree, 'scratch/tool'), { 't.txt': 't\n' }, 'tool');
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', 'node_modules/dep']);
    await commitIn(join(lane.worktree, 'node_modules/dep'), { 'i.js': 'regenerable\n' }, 'dep');
    expect(await gitIn(lane.worktree, ['status', '--porcelain'])).toBe('');
    expect((await assessLoss({ repo: rig.repo, lane, base: 'main' })).nested.map((repo) => repo.path)).toEqual(['scratch/tool']);
    await roundTrip(rig, lane, ['scratch/tool']);
    expect(existsSync(join(lane.worktree, 'node_modules'))).toBe(false);
  });

  it('a submodule with a local commit and a dirty file: the commit kept, the submodule back at it with its change', async () => {
    rig = await makeRig();
    const lane = await laneWithSubmodule(rig, 'with-sub');
    const sub = join(lane.worktree, 'sub');
    expect((await lstat(join(sub, '.git'))).isFile()).toBe(true);
    const local = await commitIn(sub, { 'lib.txt': 'committed in the submodule only\n' }, 'local');
    await writeFiles(sub, { 'lib.txt': 'dirty\n', 'new.txt': 'n\n' });

    const report = await assessLoss({ repo: rig.repo, lane, base: 'main' });
    expect(report.nested).toMatchObject([{ path: 'sub', commits: 1 }]);
    await roundTrip(rig, lane, ['sub']);
    expect((await gitIn(sub, ['rev-parse', 'HEAD'])).trim()).toBe(local);
    expect(await readFile(join(sub, 'lib.txt'), 'utf8')).toBe('dirty\n');
  });

  it('never runs a nested repository\'s hooks or fsmonitor (commands from its own config)', async () => {
    rig = await makeRig();
    const lane = await laneWithSubmodule(rig, 'no-hooks');
    const sub = join(lane.worktree, 'sub');
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', 'own']);
    const own = join(lane.worktree, 'own');
    await commitIn(own, { 'o.txt': 'o\n' }, 'own');
    await commitIn(sub, { 'lib.txt': 'local\n' }, 'local');
    await writeFiles(sub, { 'lib.txt': 'dirty\n' });
    await writeFiles(own, { 'o.txt': 'dirty\n' });
    const marker = join(dirname(rig.t.dir), 'ran');
    const script = join(dirname(rig.t.dir), 'hook.sh');
    await writeFile(script, `#!/bin/sh\necho "$0 $* ppid=$(tr "\\0" " " < /proc/$PPID/cmdline) gp=$(ps -o args= -p $(ps -o ppid= -p $PPID))" >> '${marker}'\nexit 1\n`);
    await chmod(script, 0o755);
    const hooks = join(dirname(rig.t.dir), 'hooks');
    await mkdir(hooks);
    for (const hook of ['reference-transaction', 'post-checkout', 'pre-commit', 'post-commit', 'post-index-change']) await copyFile(script, join(hooks, hook));
    for (const dir of [sub, own]) {
      await gitIn(dir, ['config', 'core.hooksPath', hooks]);
      await gitIn(dir, ['config', 'core.fsmonitor', script]);
    }

    await forceRemove(rig, lane);
    await restoreLane({ repo: rig.repo, name: lane.name, stateStore: rig.store, config: rig.config });
    expect(await readFile(join(sub, 'lib.txt'), 'utf8')).toBe('dirty\n');
    expect(existsSync(marker), existsSync(marker) ? await readFile(marker, 'utf8') : '').toBe(false);
  });

  it('a clean submodule at its recorded commit is not archived (its commit is on its remote), and its fsmonitor never runs', async () => {
    rig = await makeRig();
    const lane = await laneWithSubmodule(rig, 'clean-sub');
    const marker = join(dirname(rig.t.dir), 'ran');
    const script = join(dirname(rig.t.dir), 'fsmonitor.sh');
    await writeFile(script, `#!/bin/sh\necho "$0 $* from $(tr '\\0' ' ' < /proc/$PPID/cmdline)" >> '${marker}'\nexit 1\n`);
    await chmod(script, 0o755);
    await gitIn(join(lane.worktree, 'sub'), ['config', 'core.fsmonitor', script]);
    const report = await assessLoss({ repo: rig.repo, lane, base: 'main' });
    expect(report).toMatchObject({ nested: [], isLoss: false });
    expect((await teardownLane({ repo: rig.repo, lane, base: 'main', stateStore: rig.store })).kind).toBe('removed');
    expect(existsSync(marker), existsSync(marker) ? await readFile(marker, 'utf8') : '').toBe(false);
  });

  it('refuses, even with --force, a nested repository it cannot read or a shallow clone, naming them; nothing removed', async () => {
    const source = await outsideRepo();
    await commitIn(source, { 'a.txt': '1\n' }, 'one');
    await commitIn(source, { 'a.txt': '2\n' }, 'two');
    rig = await makeRig();
    const lane = await rig.lane('refused');
    const broken = join(lane.worktree, 'broken');
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', 'broken']);
    const first = await commitIn(broken, { 'b.txt': 'b\n' }, 'first');
    await commitIn(broken, { 'b.txt': 'b2\n' }, 'second');
    await unlink(join(broken, '.git', 'objects', first.slice(0, 2), first.slice(2)));
    await gitIn(lane.worktree, ['clone', '-q', '--depth', '1', `file://${source}`, 'shallow']);
    const before = await captureOracle(rig.t.dir);
    const brokenBefore = await filesOf(join(broken, '.git'));

    const outcome = await teardownLane({ repo: rig.repo, lane, base: 'main', stateStore: rig.store, force: true, graceMs: 200 });
    expect(outcome.kind).toBe('refused');
    if (outcome.kind !== 'refused') return;
    expect(outcome.reason).toMatch(/^lane refused holds nested repositories lanes cannot archive, so it is not removed even with --force: broken cannot be read: .*; shallow is a shallow clone/);
    expect(describeLoss(outcome.report, lane).join('\n')).toMatch(/nested repositories lanes cannot archive: broken cannot be read.*shallow is a shallow clone/);
    expect(existsSync(lane.worktree)).toBe(true);
    expect(await filesOf(join(broken, '.git'))).toEqual(brokenBefore);
    expect(await rig.record('refused')).toBeDefined();
    expect(await rig.journal()).toEqual([]);
    await assertNothingLost(before, rig.t.dir);
  });

  it('refuses above the size limit, saying the limit', async () => {
    rig = await makeRig();
    const lane = await rig.lane('big');
    const dir = join(lane.worktree, 'big');
    await gitIn(lane.worktree, ['init', '-q', '-b', 'main', 'big']);
    await commitIn(dir, { 'data.txt': 'x'.repeat(64 * 1024) }, 'data');
    const report = await assessLoss({ repo: rig.repo, lane, base: 'main', nested: { limitBytes: 1024 } });
    expect(report.nestedRefusal).toMatch(/big has \d+ KiB of git objects \(lanes archives at most 1 KiB of nested repositories' objects per lane\)/);
    expect((await assessLoss({ repo: rig.repo, lane, base: 'main' })).nestedRefusal).toBeUndefined();
  });
});
