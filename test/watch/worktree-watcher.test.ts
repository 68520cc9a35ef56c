import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { WorktreeWatcher } from '../../src/watch/worktree-watcher.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';

/** Proving that nothing is reported needs a wait: longer than the debounce and its maximum wait. */
const QUIET_MS = 600;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('WorktreeWatcher', () => {
  let temp: TempRepo | undefined;
  let watcher: WorktreeWatcher | undefined;
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    await temp?.cleanup();
    temp = undefined;
  });

  const start = async (root: string, extraIgnore: string[] = []): Promise<{ count: () => number; errors: Error[] }> => {
    let changes = 0;
    const errors: Error[] = [];
    watcher = new WorktreeWatcher({ root, extraIgnore, onChange: () => (changes += 1), onError: (error) => errors.push(error) });
    await watcher.start();
    return { count: () => changes, errors };
  };

  it('reports a write to a tracked file, and a new file in a new folder (npm run bench measures how soon)', async () => {
    temp = await makeTempRepo({ files: { 'src/a.ts': 'a\n' } });
    const { count } = await start(temp.dir);
    await writeFile(join(temp.dir, 'src/a.ts'), 'changed\n');
    await waitFor(() => count() >= 1, 10_000, 'a change report');
    const before = count();
    await writeFiles(temp.dir, { 'lib/deep/new.ts': 'new\n' });
    await waitFor(() => count() > before, 10_000, 'a report for a new folder');
  });

  it('follows a symlinked root to the real folder; reports a missing root through onError', async () => {
    temp = await makeTempRepo({ files: { 'src/a.ts': 'a\n' } });
    const link = join(temp.dir, '..', 'link to repo');
    await symlink(temp.dir, link);
    const { count } = await start(link);
    expect(Object.keys(watcher?.getWatched() ?? {})).toContain(join(temp.dir, 'src'));
    await writeFile(join(link, 'src/a.ts'), 'changed\n');
    await waitFor(() => count() >= 1, 10_000, 'a change through the link');
    await watcher?.close();

    const missing = await start(join(temp.dir, '..', 'no such folder'));
    expect(missing.errors.map((error) => (error as NodeJS.ErrnoException).code)).toEqual(['ENOENT']);
  });

  it('watches folders only, never .git, node_modules or gitignored folders, and ignores their writes', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': 'build/\n*.log\n', 'src/a.ts': 'a\n', 'docs/x.md': 'x\n' } });
    await writeFiles(temp.dir, { 'node_modules/pkg/index.js': '1', 'src/node_modules/p/i.js': '1', 'build/out/app.js': '1', 'debug.log': '1', 'tmp/cache/x': '1' });
    const { count } = await start(temp.dir, ['tmp/']);
    const watched = Object.keys(watcher?.getWatched() ?? {});
    expect(watched).toContain(join(temp.dir, 'src'));
    expect(watched).toContain(join(temp.dir, 'docs'));
    expect(watched.filter((dir) => /(^|[/\\])(\.git|node_modules|build|tmp)([/\\]|$)/.test(dir.slice(temp?.dir.length)))).toEqual([]);
    // A folder's watch sees its files: no file has a watch of its own.
    expect(watcher?.getWatched()[temp.dir]).toEqual(expect.arrayContaining(['src', 'docs']));
    expect(watcher?.getWatched()[temp.dir]).not.toContain('.gitignore');
    expect(watcher?.getWatched()[join(temp.dir, 'src')]).toEqual([]);

    await writeFiles(temp.dir, { 'node_modules/pkg/index.js': '2', 'src/node_modules/p/i.js': '2', 'build/out/app.js': '2', 'debug.log': '2', 'tmp/cache/x': '2', 'node_modules/new/x.js': '1' });
    await sleep(QUIET_MS);
    expect(count()).toBe(0);
    await writeFile(join(temp.dir, 'src/a.ts'), 'b\n');
    await waitFor(() => count() === 1, 10_000, 'the one real change');
  });

  it('stops watching a folder once a .gitignore ignores it', async () => {
    temp = await makeTempRepo({ files: { 'src/a.ts': 'a\n' } });
    await writeFiles(temp.dir, { 'gen/deep/x.js': '1' });
    await start(temp.dir);
    const gen = join(temp.dir, 'gen');
    expect(Object.keys(watcher?.getWatched() ?? {})).toContain(gen);
    await writeFile(join(temp.dir, '.gitignore'), 'gen/\n');
    await waitFor(() => !Object.keys(watcher?.getWatched() ?? {}).some((dir) => dir === gen || dir.startsWith(gen + sep)), 10_000, 'gen/ unwatched');
  });

  it('stops watching a gitignored folder created after the start (a build output)', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': 'dist/\n', 'src/a.ts': 'a\n' } });
    const { count } = await start(temp.dir);
    await writeFiles(temp.dir, { 'dist/a/b.js': '1', 'dist/c/d.js': '1' });
    const dist = join(temp.dir, 'dist');
    await waitFor(() => !Object.keys(watcher?.getWatched() ?? {}).some((dir) => dir === dist || dir.startsWith(dist + sep)), 10_000, 'dist/ unwatched');
    const before = count();
    await writeFile(join(temp.dir, 'src/a.ts'), 'b\n');
    await waitFor(() => count() > before, 10_000, 'a change after the restart');
  });

  it('reports a commit that changes no file in the worktree (HEAD and index of a linked worktree)', async () => {
    temp = await makeTempRepo();
    const lane = join(temp.dir, '..', 'lane one');
    await temp.git('worktree', 'add', '-q', '-b', 'lanes/one', lane);
    await writeFile(join(lane, 'f.txt'), 'f\n');
    await promisify(execFile)('git', ['add', 'f.txt'], { cwd: lane });
    const { count } = await start(lane);
    await promisify(execFile)('git', ['commit', '-q', '-m', 'f'], { cwd: lane });
    await waitFor(() => count() >= 1, 10_000, 'a report of the commit');
  });

  it('reports watch errors through onError and keeps watching the rest', async () => {
    temp = await makeTempRepo({ files: { 'src/a.ts': 'a\n' } });
    // A folder whose path is longer than PATH_MAX cannot be watched (ENAMETOOLONG); GNU mkdir -p
    // creates it one component at a time.
    const deep = Array.from({ length: 25 }, () => 'd'.repeat(200)).join('/');
    await promisify(execFile)('mkdir', ['-p', deep], { cwd: temp.dir });
    const { count, errors } = await start(temp.dir);
    expect(errors.map((error) => (error as NodeJS.ErrnoException).code)).toContain('ENAMETOOLONG');
    await writeFile(join(temp.dir, 'src/a.ts'), 'b\n');
    await waitFor(() => count() >= 1, 10_000, 'a change despite the error');
    await watcher?.close();
    // Node's rm cannot remove a path that long; GNU rm can.
    await promisify(execFile)('rm', ['-rf', deep.slice(0, 200)], { cwd: temp.dir });
  });

  it('scales: 20,000 files with a 15,000-file node_modules and a gitignored build/', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': 'build/\n' } });
    const files: Record<string, string> = {};
    for (let d = 0; d < 300; d++) for (let f = 0; f < 50; f++) files[`node_modules/pkg${d}/lib/f${f}.js`] = 'x';
    for (let d = 0; d < 40; d++) for (let f = 0; f < 50; f++) files[`build/chunk${d}/f${f}.js`] = 'x';
    for (let d = 0; d < 60; d++) for (let f = 0; f < 50; f++) files[`src/mod${d}/f${f}.ts`] = 'x';
    expect(Object.keys(files)).toHaveLength(20_000);
    await writeFiles(temp.dir, files);
    const started = performance.now();
    const { count } = await start(temp.dir);
    const watched = Object.keys(watcher?.getWatched() ?? {});
    console.log(`watcher ready on 20,000 files in ${Math.round(performance.now() - started)} ms, ${watched.length} folders watched`);
    expect(watched.filter((dir) => dir.includes('node_modules') || dir.includes(`${sep}build`))).toEqual([]);
    expect(watched).toContain(join(temp.dir, 'src', 'mod59'));
    await mkdir(join(temp.dir, 'src/mod0'), { recursive: true });
    await writeFile(join(temp.dir, 'src/mod0/f0.ts'), 'changed');
    await waitFor(() => count() >= 1, 10_000, 'a change in src/');
  }, 120_000);
});
