import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { isolatedEnv, runLanes, type CliResult } from '../helpers/run-cli.js';
import { gitIn, makeTempRepo } from '../helpers/temp-repo.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';

/**
 * Issue 7 item 1, end to end with the built binary: a cloned repository's `.lanes.json` whose
 * setup.run, verify and agents would write marker files. Nothing of it runs until `lanes trust`.
 */

const LINE = '.lanes.json defines commands (setup.run, verify, agents.h): run lanes trust to allow them';

const REPO_FILE = {
  setup: { copy: ['.env'], run: ['touch "$LANES_TRUST_MARKS/setup-$LANES_LANE"'] },
  verify: 'touch "$LANES_TRUST_MARKS/verify"',
  agents: {
    h: { command: '/bin/sh', args: ['-c', 'touch "$LANES_TRUST_MARKS/agent-h"'] },
    claude: { command: '/bin/sh', args: ['-c', 'touch "$LANES_TRUST_MARKS/agent-claude"'] },
  },
};

let toRemove: string[] = [];
afterEach(async () => {
  await Promise.all(toRemove.map((dir) => rm(dir, { recursive: true, force: true })));
  toRemove = [];
});

beforeAll(() => {
  // These tests run the built CLI: `npm run build` first (npm test does).
  expect(existsSync(LANES_BIN)).toBe(true);
});

interface Clone {
  dir: string;
  marks: string;
  env: Record<string, string>;
  lanes: (...args: string[]) => Promise<CliResult>;
  markers: () => Promise<string[]>;
  record: (name: string) => Promise<{ agent: { command: string; args: string[] } } | undefined>;
  git: (cwd: string, ...args: string[]) => Promise<string>;
}

/** A repository carrying REPO_FILE, cloned the way a user gets it, with an isolated HOME and XDG folder. */
const cloned = async (): Promise<Clone> => {
  const origin = await makeTempRepo({ files: { 'README.md': '# x\n', '.gitignore': '.env\n', '.lanes.json': `${JSON.stringify(REPO_FILE, null, 2)}\n` } });
  toRemove.push(join(origin.dir, '..'));
  const parent = await realpath(await mkdtemp(join(tmpdir(), 'lanes-trust-')));
  toRemove.push(parent);
  const dir = join(parent, 'clone');
  await gitIn(parent, ['clone', '-q', origin.dir, dir]);
  await writeFile(join(dir, '.env'), 'SECRET=1\n');
  const marks = join(parent, 'marks');
  await mkdir(marks);
  // A `claude` that exists, so `--agent claude` passes the installed-program check on any machine.
  const bin = join(parent, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'claude'), '#!/bin/sh\nexit 0\n');
  await chmod(join(bin, 'claude'), 0o755);
  const made = await isolatedEnv({ LANES_TRUST_MARKS: marks });
  toRemove.push(made.home);
  const env = { ...made.env, PATH: `${bin}${delimiter}${made.env.PATH}` };
  return {
    dir,
    marks,
    env,
    lanes: (...args) => runLanes(args, { cwd: dir, env }),
    markers: async () => (await readdir(marks)).sort(),
    record: async (name) => {
      const state = JSON.parse(await readFile(join(dir, '.git', 'lanes', 'state.json'), 'utf8')) as { lanes: Array<{ name: string; agent: { command: string; args: string[] } }> };
      return state.lanes.find((lane) => lane.name === name);
    },
    git: (cwd, ...args) => gitIn(cwd, args),
  };
};

const stderrLines = (result: CliResult): string[] => result.stderr.split('\n').filter((line) => line !== '');

const IGNORED = "lanes: warning: .lanes.json: agents.claude ignored: a repository cannot change the built-in preset 'claude' (give it another name)";

/** Commit a file in a lane's worktree, so it has something to merge. */
const commitIn = async (clone: Clone, lane: string): Promise<void> => {
  const worktree = join(clone.dir, '..', 'clone.lanes', lane);
  await writeFile(join(worktree, `${lane}.txt`), `${lane}\n`);
  await clone.git(worktree, 'add', `${lane}.txt`);
  await clone.git(worktree, 'commit', '-q', '-m', `work of ${lane}`);
};

describe('a cloned repository\'s commands, before lanes trust', () => {
  it('lanes new makes the lane without running setup.run (copy still works) and prints the line', async () => {
    const clone = await cloned();
    const result = await clone.lanes('new', 'a');
    expect(result.code, result.stderr).toBe(0);
    expect(stderrLines(result)).toEqual([IGNORED, `lanes: warning: ${LINE}`]);
    expect(await clone.markers()).toEqual([]);
    const worktree = join(clone.dir, '..', 'clone.lanes', 'a');
    expect(await readFile(join(worktree, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect((await clone.git(clone.dir, 'rev-parse', '--verify', '--quiet', 'refs/heads/lanes/a')).trim()).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses a repository preset, and --agent claude stays the built-in claude', async () => {
    const clone = await cloned();
    const refused = await clone.lanes('new', 'b', '--agent', 'h');
    expect(refused.code).toBe(1);
    expect(stderrLines(refused)).toEqual([IGNORED, `lanes: ${LINE}`]);
    expect((await clone.git(clone.dir, 'branch', '--list', 'lanes/b')).trim()).toBe('');
    expect(existsSync(join(clone.dir, '..', 'clone.lanes', 'b'))).toBe(false);

    const made = await clone.lanes('new', 'c', '--agent', 'claude');
    expect(made.code, made.stderr).toBe(0);
    expect((await clone.record('c'))?.agent).toMatchObject({ command: 'claude', args: [] });
    expect(await clone.markers()).toEqual([]);
  });

  it('lanes merge refuses before touching anything: base, lane and files as they were', async () => {
    const clone = await cloned();
    expect((await clone.lanes('new', 'a')).code).toBe(0);
    await commitIn(clone, 'a');
    const before = await captureOracle(clone.dir);
    const main = (await clone.git(clone.dir, 'rev-parse', 'main')).trim();
    const result = await clone.lanes('merge', 'a', '--yes');
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual([IGNORED, `lanes: ${LINE}`]);
    expect(result.stdout).toBe('');
    expect((await clone.git(clone.dir, 'rev-parse', 'main')).trim()).toBe(main);
    expect(await clone.markers()).toEqual([]);
    await assertNothingLost(before, clone.dir);
    // Skipping verification on purpose is the user's call.
    const unverified = await clone.lanes('merge', 'a', '--yes', '--no-verify');
    expect(unverified.code, unverified.stderr).toBe(0);
    expect(await clone.markers()).toEqual([]);
  });

  it('lanes trust without a terminal and without --yes shows the commands and refuses, recording nothing', async () => {
    const clone = await cloned();
    const result = await clone.lanes('trust');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('.lanes.json (sha256 ');
    expect(result.stdout).toContain('  setup.run  touch "$LANES_TRUST_MARKS/setup-$LANES_LANE"');
    expect(result.stdout).toContain('  verify     touch "$LANES_TRUST_MARKS/verify"');
    expect(result.stdout).toContain(`  agents.h   /bin/sh -c 'touch "$LANES_TRUST_MARKS/agent-h"'`);
    expect(stderrLines(result).at(-1)).toBe('lanes: trusting needs a confirmation: pass --yes to trust without a terminal');
    expect(existsSync(join(clone.env.XDG_CONFIG_HOME ?? '', 'lanes', 'trust.json'))).toBe(false);
    const json = JSON.parse((await clone.lanes('trust', '--json')).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ file: join(clone.dir, '.lanes.json'), exists: true, trusted: false, ignored: ['agents.claude'] });
    expect((json.commands as unknown[]).length).toBe(3);
  });
});

describe('a repository worktreeDir, before lanes trust', () => {
  it('lanes new puts the lane in the default folder, not where the repository says, and prints the line', async () => {
    const clone = await cloned();
    const file = join(clone.dir, '.lanes.json');
    await writeFile(file, JSON.stringify({ worktreeDir: '{repoParent}/elsewhere/{name}' }));
    const result = await clone.lanes('new', 'a');
    expect(result.code, result.stderr).toBe(0);
    expect(stderrLines(result)).toEqual(['lanes: warning: .lanes.json defines commands (worktreeDir): run lanes trust to allow them']);
    expect(existsSync(join(clone.dir, '..', 'clone.lanes', 'a', 'README.md'))).toBe(true);
    expect(existsSync(join(clone.dir, '..', 'elsewhere'))).toBe(false);
    expect((await clone.lanes('trust', '--yes')).code).toBe(0);
    expect((await clone.lanes('new', 'b')).code).toBe(0);
    expect(existsSync(join(clone.dir, '..', 'elsewhere', 'b', 'README.md'))).toBe(true);
  });

  it("a worktreeDir with a '..' part is refused in one line and nothing is made", async () => {
    const clone = await cloned();
    await writeFile(join(clone.dir, '.lanes.json'), JSON.stringify({ worktreeDir: '{repoParent}/../.config/git/{name}/..' }));
    const before = await captureOracle(clone.dir);
    const result = await clone.lanes('new', 'a');
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual(["lanes: .lanes.json: worktreeDir: no '..' part (a lane's folder must stay where the template names it)"]);
    expect((await clone.git(clone.dir, 'branch', '--list', 'lanes/a')).trim()).toBe('');
    await assertNothingLost(before, clone.dir);
  });
});

describe('a repository defaultAgent, before lanes trust', () => {
  it("lanes new refuses to start the user's preset the repository chose; --agent and lanes trust allow it", async () => {
    const clone = await cloned();
    const userFile = join(clone.env.XDG_CONFIG_HOME ?? '', 'lanes', 'config.json');
    await mkdir(join(userFile, '..'), { recursive: true });
    await writeFile(userFile, JSON.stringify({ agents: { yolo: { command: '/bin/sh', args: ['-c', 'touch "$LANES_TRUST_MARKS/yolo"'] } } }));
    await writeFile(join(clone.dir, '.lanes.json'), JSON.stringify({ defaultAgent: 'yolo' }));
    const line = '.lanes.json defines commands (defaultAgent): run lanes trust to allow them';
    const refused = await clone.lanes('new', 'a');
    expect(refused.code).toBe(1);
    expect(stderrLines(refused)).toEqual([`lanes: ${line}`]);
    expect((await clone.git(clone.dir, 'branch', '--list', 'lanes/a')).trim()).toBe('');
    const chosen = await clone.lanes('new', 'b', '--agent', 'shell');
    expect(chosen.code, chosen.stderr).toBe(0);
    expect((await clone.record('b'))?.agent).toMatchObject({ preset: 'shell' });
    expect((await clone.lanes('trust', '--yes')).code).toBe(0);
    const made = await clone.lanes('new', 'c');
    expect(made.code, made.stderr).toBe(0);
    expect((await clone.record('c'))?.agent).toMatchObject({ preset: 'yolo', command: '/bin/sh' });
  });
});

describe('lanes trust, an edit, --revoke', () => {
  it('after lanes trust the commands run; one edited byte untrusts; --revoke untrusts', async () => {
    const clone = await cloned();
    const trusted = await clone.lanes('trust', '--yes');
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stdout).toContain('trusted .lanes.json');
    const trustFile = join(clone.env.XDG_CONFIG_HOME ?? '', 'lanes', 'trust.json');
    expect((await stat(trustFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse((await clone.lanes('trust', '--json')).stdout)).toMatchObject({ trusted: true });

    expect((await clone.lanes('new', 'd')).code).toBe(0);
    expect(await clone.markers()).toEqual(['setup-d']);
    const withH = await clone.lanes('new', 'e', '--agent', 'h');
    expect(withH.code, withH.stderr).toBe(0);
    expect((await clone.record('e'))?.agent).toMatchObject({ command: '/bin/sh' });
    // The built-in preset is still not the repository's, trusted or not.
    expect((await clone.lanes('new', 'f', '--agent', 'claude')).code).toBe(0);
    expect((await clone.record('f'))?.agent).toMatchObject({ command: 'claude', args: [] });
    await commitIn(clone, 'd');
    const merged = await clone.lanes('merge', 'd', '--yes');
    expect(merged.code, merged.stderr).toBe(0);
    expect(await clone.markers()).toContain('verify');

    // One byte more: not the content that was trusted.
    const file = join(clone.dir, '.lanes.json');
    const bytes = await readFile(file);
    await writeFile(file, Buffer.concat([bytes, Buffer.from(' ')]));
    const edited = await clone.lanes('new', 'g');
    expect(edited.code).toBe(0);
    expect(stderrLines(edited)).toContain(`lanes: warning: ${LINE}`);
    expect(await clone.markers()).not.toContain('setup-g');
    expect(JSON.parse((await clone.lanes('trust', '--json')).stdout)).toMatchObject({ trusted: false });

    // The trusted bytes again: trusted again.
    await writeFile(file, bytes);
    expect((await clone.lanes('new', 'h2')).code).toBe(0);
    expect(await clone.markers()).toContain('setup-h2');

    const revoked = await clone.lanes('trust', '--revoke');
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain('revoked');
    expect((await clone.lanes('new', 'i')).code).toBe(0);
    expect(await clone.markers()).not.toContain('setup-i');
    const again = await clone.lanes('trust', '--revoke');
    expect(again.stdout).toContain('was not trusted');
  });

  it('a corrupt trust file is one warning and trusts nothing; lanes trust keeps it aside and writes anew', async () => {
    const clone = await cloned();
    const dir = join(clone.env.XDG_CONFIG_HOME ?? '', 'lanes');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'trust.json'), '{"version": 1, "files": ', { mode: 0o600 });
    const result = await clone.lanes('new', 'a');
    expect(result.code).toBe(0);
    expect(stderrLines(result)).toEqual([
      IGNORED,
      `lanes: warning: ${join(dir, 'trust.json')}: not valid JSON; nothing is trusted (lanes trust writes it anew)`,
      `lanes: warning: ${LINE}`,
    ]);
    expect(await clone.markers()).toEqual([]);
    expect((await clone.lanes('trust', '--yes')).code).toBe(0);
    expect((await readdir(dir)).some((name) => name.startsWith('trust.json.corrupt-'))).toBe(true);
    expect((await clone.lanes('new', 'b')).code).toBe(0);
    expect(await clone.markers()).toEqual(['setup-b']);
  });

  it('lanes trust --json with --revoke or --yes is refused in one line (exit 2), trust unchanged', async () => {
    const clone = await cloned();
    expect((await clone.lanes('trust', '--yes')).code).toBe(0);
    const trustFile = join(clone.env.XDG_CONFIG_HOME ?? '', 'lanes', 'trust.json');
    const before = await readFile(trustFile, 'utf8');
    for (const flag of ['--revoke', '--yes']) {
      const result = await clone.lanes('trust', '--json', flag);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(stderrLines(result)).toEqual([`lanes: --json only reports: use --json or ${flag}, not both`]);
    }
    expect(await readFile(trustFile, 'utf8')).toBe(before);
    expect(JSON.parse((await clone.lanes('trust', '--json')).stdout)).toMatchObject({ trusted: true });
  });

  it('a .lanes.json that is a named pipe is refused in one line at once', async () => {
    const clone = await cloned();
    await rm(join(clone.dir, '.lanes.json'));
    await gitIn(clone.dir, ['commit', '-q', '-a', '-m', 'no config']);
    const { execFile } = await import('node:child_process');
    await new Promise<void>((resolve, reject) => execFile('mkfifo', [join(clone.dir, '.lanes.json')], (error) => (error ? reject(error) : resolve())));
    const result = await clone.lanes('ls');
    expect(result.code).toBe(1);
    expect(stderrLines(result)).toEqual(['lanes: .lanes.json: a named pipe; lanes reads only a regular file there']);
  });
});
