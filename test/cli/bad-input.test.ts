import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gitIn, makeTempRepo, snapshotRepo, type RepoSnapshot, type TempRepo } from '../helpers/temp-repo.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';
import { isolatedEnv, listTree, runLanes, type CliResult } from '../helpers/run-cli.js';

/** Folders removed after each test. */
let toRemove: string[] = [];

afterEach(async () => {
  await Promise.all(toRemove.map((dir) => rm(dir, { recursive: true, force: true })));
  toRemove = [];
});

beforeAll(() => {
  // These tests run the built CLI: `npm run build` first (npm test does).
  expect(existsSync(LANES_BIN)).toBe(true);
});

/** A fresh folder outside any repository. */
const tempDir = async (): Promise<string> => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-cli-')));
  toRemove.push(dir);
  return dir;
};

const newEnv = async (overrides: Record<string, string> = {}): Promise<{ env: Record<string, string>; home: string }> => {
  const made = await isolatedEnv(overrides);
  toRemove.push(made.home);
  return made;
};

const newRepo = async (options: Parameters<typeof makeTempRepo>[0] = {}): Promise<TempRepo> => {
  const repo = await makeTempRepo(options);
  toRemove.push(dirname(repo.dir));
  return repo;
};

/**
 * Exit code `code`, and exactly one line on stderr that matches `message` — no stack trace, no
 * second line of help.
 */
const expectRefusal = (result: CliResult, code: number | number[], message: RegExp): void => {
  const codes = Array.isArray(code) ? code : [code];
  expect(codes, `exit code ${result.code}; stderr: ${result.stderr}`).toContain(result.code);
  expect(result.stderr).not.toMatch(/^ {4}at /m);
  const lines = result.stderr.split('\n');
  expect(lines, `stderr: ${result.stderr}`).toHaveLength(2);
  expect(lines[1]).toBe('');
  expect(lines[0]).toMatch(/^lanes\b/);
  expect(lines[0]).toMatch(message);
};

interface Snapshot {
  repo: RepoSnapshot | undefined;
  /** Every path in the folders the command could write to (the repository's parent, HOME). */
  trees: string[][];
}

/** What a refused command must leave as it was. `repoDir`: a repository with a work tree, if any. */
const snapshot = async (folders: string[], repoDir?: string): Promise<Snapshot> => ({
  repo: repoDir === undefined ? undefined : await snapshotRepo(repoDir),
  trees: await Promise.all(folders.map(listTree)),
});

/** Run `args` in `cwd`; checks the refusal and that nothing changed in `folders` (and the repo). */
const refused = async (
  args: string[],
  where: { cwd: string; env: Record<string, string>; folders: string[]; repoDir?: string },
  code: number | number[],
  message: RegExp,
): Promise<CliResult> => {
  const before = await snapshot(where.folders, where.repoDir);
  const result = await runLanes(args, { cwd: where.cwd, env: where.env });
  expectRefusal(result, code, message);
  expect(await snapshot(where.folders, where.repoDir)).toEqual(before);
  return result;
};

/** A repository with one commit, an isolated environment, and the folders to watch. */
const repoSetup = async (options: Parameters<typeof makeTempRepo>[0] = {}, envOverrides: Record<string, string> = {}) => {
  const repo = await newRepo(options);
  const { env, home } = await newEnv(envOverrides);
  return { repo, env, home, where: { cwd: repo.dir, env, folders: [dirname(repo.dir), home], repoDir: repo.dir } };
};

describe('lanes refuses to run outside a usable repository, creating nothing', () => {
  it('not a git repository', async () => {
    const dir = await tempDir();
    const { env, home } = await newEnv();
    await expect(gitIn(dir, ['rev-parse', '--git-dir']), 'the temp folder must not be inside a repository').rejects.toThrow();
    const where = { cwd: dir, env, folders: [dir, home] };
    await refused(['ls'], where, 1, /not a git repository/);
    await refused(['new', 'x'], where, 1, /not a git repository/);
  });

  it('a bare repository', async () => {
    const dir = await tempDir();
    const bare = join(dir, 'bare.git');
    await gitIn(dir, ['init', '-q', '--bare', bare]);
    const { env, home } = await newEnv();
    const where = { cwd: bare, env, folders: [dir, home] };
    await refused(['ls'], where, 1, /bare repository/);
    await refused(['new', 'x'], where, 1, /bare repository/);
    expect((await gitIn(bare, ['for-each-ref'])).trim()).toBe('');
  });

  it('a repository without commits', async () => {
    const { where } = await repoSetup({ commit: false });
    await refused(['ls'], where, 1, /has no commits/);
    await refused(['new', 'x'], where, 1, /has no commits/);
  });
});

describe('lanes new refuses an invalid lane name, creating nothing', () => {
  const cases: Array<[string, RegExp]> = [
    ['a..b', /invalid lane name 'a\.\.b'.*cannot contain '\.\.'/],
    ['with space', /invalid lane name 'with space'.*a space is not allowed/],
    ['ünï', /invalid lane name 'ünï'.*'ü' is not allowed/],
    ['a'.repeat(41), /at most 40 characters \(this one has 41\)/],
    ['foo.lock', /cannot end in '\.lock'/],
    ['Upper', /'U' is not allowed/],
    ['.hidden', /'\.hidden'/],
  ];
  for (const [name, message] of cases) {
    it(JSON.stringify(name), async () => {
      const { where } = await repoSetup();
      await refused(['new', name], where, 2, message);
    });
  }

  it('a name with a command substitution: refused, and nothing ran it', async () => {
    const { where, home, repo } = await repoSetup();
    await refused(['new', 'x$(touch pwned)'], where, 2, /'\$' is not allowed/);
    // Also with a shell agent and a prompt: the name never reaches a shell.
    await refused(['new', 'x$(touch pwned)', '--cmd', 'sh', '--prompt', 'hello'], where, 2, /'\$' is not allowed/);
    for (const root of [dirname(repo.dir), home]) {
      const found = (await listTree(root)).filter((path) => path.split('/').includes('pwned'));
      expect(found).toEqual([]);
    }
  });

  it('a name that looks like an option', async () => {
    const { where } = await repoSetup();
    await refused(['new', '-rf'], where, [1, 2], /-rf/);
  });

  it('no name at all', async () => {
    const { where } = await repoSetup();
    await refused(['new'], where, 2, /missing required argument 'name'/);
  });
});

describe('lanes new refuses what it cannot do, creating nothing', () => {
  it('a branch that exists: refused, the branch and its commit untouched', async () => {
    const { repo, where } = await repoSetup();
    await repo.git('switch', '-q', '-c', 'lanes/foo');
    await writeFile(join(repo.dir, 'work.txt'), 'precious\n');
    await repo.git('add', 'work.txt');
    await repo.git('commit', '-q', '-m', 'work on foo');
    await repo.git('switch', '-q', 'main');
    const tip = await repo.git('rev-parse', 'refs/heads/lanes/foo');
    await refused(['new', 'foo'], where, 1, /branch lanes\/foo already exists/);
    expect(await repo.git('rev-parse', 'refs/heads/lanes/foo')).toBe(tip);
  });

  it('a lane name that is taken', async () => {
    const { repo, where } = await repoSetup();
    const first = await runLanes(['new', 'x', '--agent', 'shell'], { cwd: repo.dir, env: where.env });
    expect(first.code, first.stderr).toBe(0);
    await refused(['new', 'x', '--cmd', 'sh'], where, 1, /a lane named x already exists/);
  });

  it('a worktree folder that is already there', async () => {
    const { repo, where } = await repoSetup();
    const folder = join(dirname(repo.dir), 'repo.lanes', 'x');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'notes.txt'), 'mine\n');
    await refused(['new', 'x'], where, 1, /repo\.lanes\/x already exists/);
    expect(await readFile(join(folder, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('an unknown agent preset', async () => {
    const { where } = await repoSetup();
    await refused(['new', 'x', '--agent', 'nope'], where, 1, /unknown agent preset 'nope'.*shell/);
  });

  it('an agent command that is not installed (--cmd)', async () => {
    const { where } = await repoSetup();
    await refused(['new', 'x', '--cmd', 'definitely-not-a-command-xyz'], where, 1, /agent command not found: definitely-not-a-command-xyz/);
  });

  it('an agent preset whose program is not on PATH', async () => {
    // A preset of the user's own whose program cannot exist: the test does not depend on what
    // is installed (Claude Code in /usr/bin made a test of the built-in `claude` preset fail).
    const program = 'lanes-test-agent-that-does-not-exist';
    expect(await whichIn(process.env.PATH ?? '', program).catch(() => undefined)).toBeUndefined();
    const { home, where } = await repoSetup();
    await mkdir(join(home, '.config', 'lanes'), { recursive: true });
    await writeFile(join(home, '.config', 'lanes', 'config.json'), JSON.stringify({ agents: { ghost: { command: program } } }));
    await refused(['new', 'x', '--agent', 'ghost'], where, 1, new RegExp(`agent command not found: ${program}`));
  });

  it('--agent and --cmd together: a usage error', async () => {
    const { where } = await repoSetup();
    await refused(['new', 'x', '--agent', 'shell', '--cmd', 'sh'], where, 2, /--agent.*--cmd|--cmd.*--agent/);
  });

  it('a base branch that does not exist', async () => {
    const { where } = await repoSetup();
    await refused(['new', 'x', '--base', 'nope'], where, 1, /base branch 'nope' does not exist/);
  });

  it('a detached HEAD without --base: refused; with --base main the lane is made', async () => {
    const { repo, where } = await repoSetup();
    await repo.git('switch', '-q', '--detach');
    await refused(['new', 'x'], where, 1, /detached HEAD.*--base/);
    const result = await runLanes(['new', 'x', '--base', 'main'], { cwd: repo.dir, env: where.env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(await repo.git('rev-parse', 'refs/heads/lanes/x')).toBe(await repo.git('rev-parse', 'refs/heads/main'));
    expect(await repo.git('worktree', 'list', '--porcelain')).toContain('branch refs/heads/lanes/x');
  });

  it('an option it does not know', async () => {
    const { where } = await repoSetup();
    await refused(['new', 'x', '--bogus'], where, 2, /unknown option '--bogus'/);
  });
});

describe('lanes refuses an invalid configuration, creating nothing', () => {
  it('.lanes.json with a wrong type: names the file and the key', async () => {
    const { repo, where } = await repoSetup();
    await writeFile(join(repo.dir, '.lanes.json'), '{ "maxFps": "x" }\n');
    await refused(['ls'], where, 1, /\.lanes\.json: maxFps: expected a number/);
    await refused(['new', 'x'], where, 1, /\.lanes\.json: maxFps: expected a number/);
  });

  it('.lanes.json with a key the key map cannot read: names the file and the key (SPEC §3)', async () => {
    const { repo, where } = await repoSetup();
    await writeFile(join(repo.dir, '.lanes.json'), '{ "keys": { "quit": "ctrl+" } }\n');
    await refused(['new', 'x'], where, 1, /\.lanes\.json: keys\.quit: /);
  });

  it('.lanes.json with a preset that has no command', async () => {
    const { repo, where } = await repoSetup();
    await writeFile(join(repo.dir, '.lanes.json'), '{ "agents": { "mine": { "args": ["x"] } }, "defaultAgent": "mine" }\n');
    await refused(['new', 'x'], where, 1, /\.lanes\.json: agents\.mine\.command: /);
  });

  it('.lanes.json that is not JSON', async () => {
    const { repo, where } = await repoSetup();
    await writeFile(join(repo.dir, '.lanes.json'), '{ "maxFps": 30,, }\n');
    await refused(['new', 'x'], where, 1, /\.lanes\.json/);
  });
});

describe('lanes refuses bad usage', () => {
  it('an unknown option: exit 2', async () => {
    const { where } = await repoSetup();
    await refused(['--bogus'], where, 2, /unknown option '--bogus'/);
    await refused(['ls', '--bogus'], where, 2, /unknown option '--bogus'/);
  });

  it('an unknown command: exit 2, naming it', async () => {
    const { where } = await repoSetup();
    await refused(['frobnicate'], where, 2, /frobnicate/);
  });

  it('a --repo folder that does not exist', async () => {
    const { where, repo } = await repoSetup();
    await refused(['--repo', join(dirname(repo.dir), 'nope'), 'ls'], where, 1, /not a git repository: .*nope/);
  });

  it('a --config file that does not exist', async () => {
    const { where } = await repoSetup();
    await refused(['--config', 'missing.json', 'new', 'x'], where, 2, /config file not found: missing\.json/);
  });

  it('a --theme that does not exist, for any command', async () => {
    const { where } = await repoSetup();
    await refused(['--theme', 'nope', 'ls'], where, 1, /^lanes: command line: theme: no theme named 'nope' \(available: dark, high-contrast, light\)$/);
    await refused(['--theme', 'nope', 'new', 'x'], where, 1, /theme: no theme named 'nope'/);
  });

  it('a theme that does not exist in a configuration file names the file', async () => {
    const { where, repo } = await repoSetup();
    await writeFile(join(repo.dir, '.lanes.json'), JSON.stringify({ theme: 'solarized' }));
    await gitIn(repo.dir, ['add', '.lanes.json']);
    await gitIn(repo.dir, ['commit', '-q', '-m', 'config']);
    await refused(['ls'], { ...where, repoDir: repo.dir }, 1, /\.lanes\.json: theme: no theme named 'solarized'/);
  });

  it('the UI without a terminal: exit 1, saying it needs one', async () => {
    const { where } = await repoSetup();
    await refused([], where, 1, /needs a terminal/);
  });

  it('the demo without a terminal: exit 1, and no demo repository is made', async () => {
    const temp = await tempDir();
    const { env, home } = await newEnv({ TMPDIR: temp });
    await refused(['demo'], { cwd: temp, env, folders: [temp, home] }, 1, /demo needs a terminal/);
  });
});

/** The path of `program` on `path`, like `which`; rejects when it is not there. */
const whichIn = async (path: string, program: string): Promise<string> => {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, program);
    if (await access(candidate).then(
      () => true,
      () => false,
    )) {
      return candidate;
    }
  }
  throw new Error(`${program} not found on ${path}`);
};
