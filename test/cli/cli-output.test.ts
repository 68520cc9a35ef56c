import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitIn, makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';
import { isolatedEnv, runLanes } from '../helpers/run-cli.js';

/** The keys of one lane in `lanes ls --json`, as documented (SPEC §2). */
const LS_KEYS = ['name', 'branch', 'worktree', 'agent', 'base', 'forkPoint', 'status', 'ready', 'merged', 'ahead', 'behind', 'dirty', 'touched', 'overlaps', 'conflict', 'outOfScope', 'pid'];

let toRemove: string[] = [];

afterEach(async () => {
  await Promise.all(toRemove.map((dir) => rm(dir, { recursive: true, force: true })));
  toRemove = [];
});

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

const setup = async (): Promise<{ repo: TempRepo; env: Record<string, string> }> => {
  const repo = await makeTempRepo({ files: { 'README.md': '# shop\n', 'src/cart.js': 'export const cart = [];\n' } });
  const { env, home } = await isolatedEnv();
  toRemove.push(dirname(repo.dir), home);
  return { repo, env };
};

describe('lanes --version and --help', () => {
  it('prints the version of package.json', async () => {
    const { repo, env } = await setup();
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runLanes(['--version'], { cwd: repo.dir, env });
    expect(result).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('lists the commands', async () => {
    const { repo, env } = await setup();
    const result = await runLanes(['--help'], { cwd: repo.dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: lanes /);
    for (const command of ['demo', 'new [options] <name>', 'ls [options]', 'doctor']) expect(result.stdout).toContain(`  ${command}`);
  });
});

interface LaneJson {
  name: string;
  worktree: string;
  ahead: number;
  behind: number;
  dirty: number;
  touched: string[];
  overlaps: string[];
  pid: number | null;
  [key: string]: unknown;
}

const lsJson = async (cwd: string, env: Record<string, string>): Promise<LaneJson[]> => {
  const result = await runLanes(['ls', '--json'], { cwd, env });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  expect(result.stdout).not.toContain('\x1b');
  return JSON.parse(result.stdout) as LaneJson[];
};

describe('lanes ls --json', () => {
  it('prints an empty array when there are no lanes', async () => {
    const { repo, env } = await setup();
    expect(await lsJson(repo.dir, env)).toEqual([]);
  });

  it('prints one object per lane with exactly the documented keys', async () => {
    const { repo, env } = await setup();
    for (const [name, agent] of [['alpha', ['--agent', 'shell']], ['beta', ['--cmd', 'sh -i']]] as const) {
      const made = await runLanes(['new', name, ...agent], { cwd: repo.dir, env });
      expect(made.code, made.stderr).toBe(0);
    }
    const main = (await repo.git('rev-parse', 'main')).trim();
    const lanes = await lsJson(repo.dir, env);
    expect(lanes.map((l) => l.name)).toEqual(['alpha', 'beta']);
    for (const lane of lanes) expect(Object.keys(lane).sort()).toEqual([...LS_KEYS].sort());
    // lanes new started each agent in the host: running, with its pid.
    expect(lanes[0]?.pid).toBeGreaterThan(1);
    expect(lanes[0]).toEqual({
      name: 'alpha',
      branch: 'lanes/alpha',
      worktree: join(dirname(repo.dir), 'repo.lanes', 'alpha'),
      agent: 'shell',
      base: 'main',
      forkPoint: main,
      status: 'running',
      ready: false,
      merged: false,
      ahead: 0,
      behind: 0,
      dirty: 0,
      touched: [],
      overlaps: [],
      conflict: [],
      outOfScope: [],
      pid: lanes[0]?.pid,
    });
    expect(lanes[1]).toMatchObject({ name: 'beta', agent: 'sh -i' });
  });

  it('reports a lane whose worktree is gone as missing', async () => {
    const { repo, env } = await setup();
    expect((await runLanes(['new', 'alpha', '--agent', 'shell'], { cwd: repo.dir, env })).code).toBe(0);
    const [alpha] = await lsJson(repo.dir, env);
    await rm(alpha?.worktree ?? '', { recursive: true, force: true });
    expect(await lsJson(repo.dir, env)).toMatchObject([{ name: 'alpha', status: 'missing' }]);
  });

  it('counts commits ahead and behind, lists touched files, and the files both lanes touch', { timeout: 60_000 }, async () => {
    const { repo, env } = await setup();
    for (const name of ['alpha', 'beta']) expect((await runLanes(['new', name, '--agent', 'shell'], { cwd: repo.dir, env })).code).toBe(0);
    const [alpha, beta] = (await lsJson(repo.dir, env)).map((l) => l.worktree) as [string, string];

    await writeFile(join(alpha, 'src/checkout.js'), 'export const checkout = () => {};\n');
    await gitIn(alpha, ['add', 'src/checkout.js']);
    await gitIn(alpha, ['commit', '-q', '-m', 'checkout']);
    let lanes = await lsJson(repo.dir, env);
    expect(lanes[0]).toMatchObject({ ahead: 1, behind: 0, dirty: 0, touched: ['src/checkout.js'], overlaps: [] });
    expect(lanes[1]).toMatchObject({ ahead: 0, touched: [], overlaps: [] });

    // The same file changed in both lanes: committed in one, uncommitted in the other.
    await writeFile(join(alpha, 'src/cart.js'), 'export const cart = [1];\n');
    await gitIn(alpha, ['commit', '-q', '-am', 'cart']);
    await writeFile(join(beta, 'src/cart.js'), 'export const cart = [2];\n');
    await writeFile(join(beta, 'notes.txt'), 'beta only\n');
    lanes = await lsJson(repo.dir, env);
    expect(lanes[0]).toMatchObject({ ahead: 2, dirty: 0, touched: ['src/cart.js', 'src/checkout.js'], overlaps: ['src/cart.js'] });
    expect(lanes[1]).toMatchObject({ ahead: 0, dirty: 2, touched: ['notes.txt', 'src/cart.js'], overlaps: ['src/cart.js'] });

    await writeFile(join(repo.dir, 'README.md'), '# shop, moved on\n');
    await repo.git('commit', '-q', '-am', 'base moves');
    lanes = await lsJson(repo.dir, env);
    expect(lanes.map((l) => l.behind)).toEqual([1, 1]);
  });
});
