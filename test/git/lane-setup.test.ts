import { access, lstat, mkdtemp, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { createLane } from '../../src/git/lane-create.js';
import { applySetup, listFilesToCopy } from '../../src/git/lane-setup.js';
import { discoverRepo } from '../../src/git/repo.js';
import { StateStore } from '../../src/git/state.js';
import { shellAgent, testConfig } from '../helpers/lane-config.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';

let temp: TempRepo | undefined;
afterEach(async () => {
  await temp?.cleanup();
  temp = undefined;
});

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** A repo whose main checkout has ignored and untracked files, then a lane created with `setup`. */
const laneWith = async (setup: Partial<Config['setup']>, untracked: Record<string, string>, tracked: Record<string, string> = {}) => {
  temp = await makeTempRepo({
    files: { '.gitignore': '.env*\nsecrets/\nnode_modules/\n*.log\n', 'README.md': 'hi\n', ...tracked },
  });
  await writeFiles(temp.dir, untracked);
  const repo = await discoverRepo(temp.dir);
  const store = new StateStore(repo, { branchPrefix: 'lanes/' });
  const progress: string[] = [];
  const config = testConfig({ setup: { copy: [], symlink: [], run: [], ...setup } });
  const result = await createLane({ repo, store, config, name: 'lane', agent: shellAgent, onProgress: (line) => progress.push(line) });
  return { ...result, progress, store, main: temp.dir, wt: result.lane.worktree };
};

describe('setup.copy', () => {
  it('copies untracked files matching the patterns, ignored or not, into the same paths', async () => {
    const { wt, warnings, progress } = await laneWith(
      { copy: ['.env', 'config/*.local', 'debug.log'] },
      { '.env': 'SECRET=1\n', 'config/app.local': 'local\n', 'config/app.other': 'no\n', 'node_modules/x/i.js': 'x\n', 'debug.log': 'log\n' },
    );
    expect(warnings).toEqual([]);
    expect(await readFile(join(wt, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(await readFile(join(wt, 'config/app.local'), 'utf8')).toBe('local\n');
    expect(await readFile(join(wt, 'debug.log'), 'utf8')).toBe('log\n');
    expect(await exists(join(wt, 'config/app.other'))).toBe(false);
    expect(await exists(join(wt, 'node_modules'))).toBe(false);
    expect(progress).toContain('copied 3 files from the main checkout');
  });

  it('never copies over a file the new worktree already has', async () => {
    temp = await makeTempRepo({ files: { 'README.md': 'hi\n' } });
    await temp.git('branch', 'dev');
    await writeFiles(temp.dir, { 'notes.txt': 'main checkout notes\n' });
    const repo = await discoverRepo(temp.dir);
    // `dev` tracks notes.txt; the main checkout has an untracked one of its own.
    await temp.git('checkout', '-q', 'dev');
    await writeFiles(temp.dir, { 'notes.txt': 'tracked on dev\n' });
    await temp.git('add', 'notes.txt');
    await temp.git('commit', '-q', '-m', 'notes on dev');
    await temp.git('checkout', '-q', 'main');
    await writeFiles(temp.dir, { 'notes.txt': 'main checkout notes\n' });
    const store = new StateStore(repo, { branchPrefix: 'lanes/' });
    const config = testConfig({ setup: { copy: ['notes.txt'], symlink: [], run: [] } });
    const { lane, warnings } = await createLane({ repo, store, config, name: 'x', agent: shellAgent, base: 'dev' });
    expect(warnings).toEqual(['copy notes.txt: skipped, it already exists in the new worktree']);
    expect(await readFile(join(lane.worktree, 'notes.txt'), 'utf8')).toBe('tracked on dev\n');
  });
});

describe('.worktreeinclude', () => {
  it('copies files that match it AND are ignored by git', async () => {
    const { wt } = await laneWith(
      {},
      { '.env.local': 'L\n', 'included-not-ignored.txt': 'no\n', 'secrets/key.pem': 'K\n', 'secrets/deep/x': 'X\n', 'other.log': 'no\n' },
      { '.worktreeinclude': '.env*\nsecrets/\nincluded-not-ignored.txt\n' },
    );
    expect(await readFile(join(wt, '.env.local'), 'utf8')).toBe('L\n');
    expect(await readFile(join(wt, 'secrets/key.pem'), 'utf8')).toBe('K\n');
    expect(await readFile(join(wt, 'secrets/deep/x'), 'utf8')).toBe('X\n');
    expect(await exists(join(wt, 'included-not-ignored.txt'))).toBe(false);
    expect(await exists(join(wt, 'other.log'))).toBe(false);
  });

  it('lists nothing without patterns or include file', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': '*.log\n' } });
    await writeFiles(temp.dir, { 'a.log': 'x' });
    expect(await listFilesToCopy(temp.dir, [])).toEqual([]);
  });
});

describe('setup.symlink', () => {
  it('links existing paths to the main checkout and warns about the rest', async () => {
    const { wt, main, warnings } = await laneWith(
      { symlink: ['node_modules/', 'missing', 'docs', '../escape', '/etc'] },
      { 'node_modules/pkg/index.js': 'x\n' },
      { 'docs/readme.md': 'tracked\n' },
    );
    expect((await lstat(join(wt, 'node_modules'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(wt, 'node_modules'))).toBe(join(main, 'node_modules'));
    expect(await readFile(join(wt, 'node_modules/pkg/index.js'), 'utf8')).toBe('x\n');
    expect((await lstat(join(wt, 'docs'))).isDirectory()).toBe(true);
    expect(warnings).toEqual([
      'symlink missing: skipped, it does not exist in the main checkout',
      'symlink docs: skipped, it already exists in the new worktree',
      'symlink ../escape: skipped, it must be a relative path inside the repository',
      'symlink /etc: skipped, it must be a relative path inside the repository',
    ]);
  });
});

describe('setup.run', () => {
  it('runs commands in the new worktree through the shell and streams their output', async () => {
    const { wt, warnings, progress } = await laneWith({ run: ['echo "hello from $LANES_LANE" && pwd', 'echo oops >&2'] }, {});
    expect(warnings).toEqual([]);
    expect(progress).toEqual(expect.arrayContaining(['$ echo "hello from $LANES_LANE" && pwd', 'hello from lane', wt, 'oops']));
  });

  it('turns a failing command into a warning, skips the rest and keeps the lane', async () => {
    const { wt, warnings, store } = await laneWith({ run: ['touch first', 'exit 3', 'touch never'] }, {});
    expect(warnings).toEqual(['setup command failed (exit 3): exit 3; skipped the 1 after it']);
    expect(await exists(join(wt, 'first'))).toBe(true);
    expect(await exists(join(wt, 'never'))).toBe(false);
    expect((await store.load()).state.lanes.map((lane) => lane.name)).toEqual(['lane']);
  });

  it('stops a command that runs past its time limit', async () => {
    temp = await makeTempRepo();
    const started = Date.now();
    const warnings = await applySetup({
      mainWorktree: temp.dir,
      worktree: temp.dir,
      setup: { copy: [], symlink: [], run: ['sleep 20'] },
      laneName: 'slow',
      runTimeoutMs: 300,
    });
    expect(warnings).toEqual(['setup command failed (timed out): sleep 20']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('does not wait for background processes a command leaves behind', async () => {
    temp = await makeTempRepo();
    const started = Date.now();
    const warnings = await applySetup({
      mainWorktree: temp.dir,
      worktree: temp.dir,
      setup: { copy: [], symlink: [], run: ['sleep 8 &'] },
      laneName: 'bg',
    });
    expect(warnings).toEqual([]);
    expect(Date.now() - started).toBeLessThan(4_000);
  });
});

describe('setup never writes outside the new worktree (issue 7 item 1, review)', () => {
  it('a symlink committed in the worktree cannot carry a copy or a link out of it', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': '*.env\n', 'README.md': 'hi\n' } });
    await writeFiles(temp.dir, { 'l/git/config': '[core]\n\tfsmonitor = "touch PWNED"\n', 'l/a.env': 'SECRET=1\n' });
    const outside = await mkdtemp(join(tmpdir(), 'lanes-outside-'));
    const worktree = await mkdtemp(join(tmpdir(), 'lanes-wt-'));
    try {
      await symlink(outside, join(worktree, 'l'));
      const warnings = await applySetup({
        mainWorktree: temp.dir,
        worktree,
        setup: { copy: ['*.env'], symlink: ['l/git'], run: [] },
        laneName: 'lane',
      });
      expect(await readdir(outside)).toEqual([]);
      expect(warnings).toEqual([
        'copy l/a.env: skipped, l is a symbolic link in the new worktree',
        'symlink l/git: skipped, l is a symbolic link in the new worktree',
      ]);
    } finally {
      await rm(outside, { recursive: true, force: true });
      await rm(worktree, { recursive: true, force: true });
    }
  });

  it('a setup.symlink source that leads out of the main checkout through a symlink is skipped', async () => {
    temp = await makeTempRepo({ files: { 'README.md': 'hi\n' } });
    const outside = await mkdtemp(join(tmpdir(), 'lanes-outside-'));
    const worktree = await mkdtemp(join(tmpdir(), 'lanes-wt-'));
    try {
      await writeFiles(outside, { 'id_key/secret': 'private\n' });
      await symlink(outside, join(temp.dir, 'keys'));
      const warnings = await applySetup({ mainWorktree: temp.dir, worktree, setup: { copy: [], symlink: ['keys/id_key'], run: [] }, laneName: 'lane' });
      expect(warnings).toEqual(['symlink keys/id_key: skipped, it leads out of the main checkout through a symbolic link']);
      expect(await readdir(worktree)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
      await rm(worktree, { recursive: true, force: true });
    }
  });
});
