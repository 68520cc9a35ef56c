import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isLanesError } from '../../src/core/errors.js';
import { git, runGit } from '../../src/git/exec.js';
import { makeDemoRepo } from '../../src/demo/repo.js';

const run = promisify(execFile);

describe('makeDemoRepo', () => {
  let parent: string;
  let repo: string;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'lanes-demo-test-'));
    repo = await makeDemoRepo(parent);
  });

  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  test('creates <parent>/lanes-demo-<random>/shop', () => {
    expect(basename(repo)).toBe('shop');
    expect(dirname(dirname(repo))).toBe(parent);
    expect(basename(dirname(repo))).toMatch(/^lanes-demo-.+/);
  });

  test('leaves a clean status, one branch main and some history', async () => {
    expect(await git(['status', '--porcelain'], { cwd: repo })).toBe('');
    expect((await git(['branch', '--format=%(refname:short)'], { cwd: repo })).trim()).toBe('main');
    expect((await git(['symbolic-ref', '--short', 'HEAD'], { cwd: repo })).trim()).toBe('main');
    expect(Number(await git(['rev-list', '--count', 'HEAD'], { cwd: repo }))).toBeGreaterThanOrEqual(2);
  });

  test('commits the shop files and keeps .env on disk but ignored', async () => {
    const tracked = (await git(['ls-files'], { cwd: repo })).trim().split('\n').sort();
    expect(tracked).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/cart.js',
      'src/format.js',
      'src/inventory.js',
      'src/pricing.js',
      'test/cart.test.js',
      'test/pricing.test.js',
    ]);
    expect(existsSync(join(repo, '.env'))).toBe(true);
    expect((await runGit(['check-ignore', '-q', '.env'], { cwd: repo })).code).toBe(0);
    expect((await runGit(['check-ignore', '-q', 'node_modules/x'], { cwd: repo })).code).toBe(0);
  });

  test('sets the demo author in the repository config', async () => {
    expect((await git(['config', '--local', 'user.name'], { cwd: repo })).trim()).toBe('Lanes Demo');
    expect((await git(['config', '--local', 'user.email'], { cwd: repo })).trim()).toBe('demo@lanes.invalid');
    expect((await git(['log', '-1', '--format=%an <%ae>'], { cwd: repo })).trim()).toBe('Lanes Demo <demo@lanes.invalid>');
  });

  test('holds a package whose test script passes', async () => {
    const pkg = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { scripts: { test: string } };
    expect(pkg.scripts.test).toBe('node --test');
    const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap'], { cwd: repo });
    expect(stdout).toMatch(/^# fail 0$/m);
    expect(Number(/^# pass (\d+)$/m.exec(stdout)?.[1])).toBeGreaterThanOrEqual(7);
  });

  test('refuses a parent folder that does not exist with a LanesError', async () => {
    const missing = join(parent, 'no', 'such', 'folder');
    const error: unknown = await makeDemoRepo(missing).catch((caught: unknown) => caught);
    expect(isLanesError(error)).toBe(true);
    expect(existsSync(missing)).toBe(false);
  });
});
