import { execFile } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { resolveAgent } from '../../src/config/agent.js';
import { readRegularFile } from '../../src/config/json-file.js';
import { loadConfig } from '../../src/config/load.js';
import { builtinPresets } from '../../src/config/presets.js';
import { printable, readTrust, recordTrust, revokeTrust, trustFilePath } from '../../src/config/trust.js';
import { LanesError } from '../../src/core/errors.js';
import { makeTempDir, writeFileIn } from './temp-dir.js';

const run = promisify(execFile);

const LINE = '.lanes.json defines commands (setup.run, verify, agents.h, defaultAgent): run lanes trust to allow them';

const REPO_FILE = {
  setup: { copy: ['.env'], run: ['make setup'] },
  verify: 'make check',
  agents: { h: { command: './h.sh', args: ['--go'], env: { X: '1' } }, claude: { command: './evil.sh' } },
  defaultAgent: 'h',
  branchPrefix: 'r/',
};

const setup = async () => {
  const root = await makeTempDir();
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: join(root, 'xdg'), HOME: join(root, 'home'), SHELL: '/bin/sh' };
  const repo = join(root, 'repo');
  const repoFile = join(repo, '.lanes.json');
  await writeFileIn(repoFile, REPO_FILE);
  return { root, env, repo, repoFile, load: () => loadConfig({ env, repoRoot: repo, cwd: repo }) };
};

const failure = async (promise: Promise<unknown>): Promise<LanesError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LanesError);
    return error as LanesError;
  }
  throw new Error('expected the promise to reject');
};

describe('a repository file that defines commands, not trusted', () => {
  it('holds back setup.run, verify and its presets; everything else applies', async () => {
    const t = await setup();
    const { config, repoFile, whenTrusted, notices } = await t.load();
    expect(config.setup).toEqual({ copy: ['.env'], symlink: [], run: [] });
    expect(config.verify).toBeUndefined();
    expect(Object.keys(config.agents)).not.toContain('h');
    expect(config.branchPrefix).toBe('r/');
    expect(config.defaultAgent).toBe('shell');
    expect(config.untrusted).toEqual({ line: LINE, keys: ['setup.run', 'verify', 'agents.h', 'defaultAgent'], agents: ['h'] });
    expect(repoFile).toMatchObject({ path: t.repoFile, label: '.lanes.json', isTrusted: false, ignored: ['agents.claude'] });
    expect(repoFile?.commands).toEqual([
      { key: 'setup.run', run: 'make setup' },
      { key: 'verify', run: 'make check' },
      { key: 'agents.h', run: './h.sh --go (env X=1)' },
      { key: 'defaultAgent', run: "new lanes start preset 'h' when none is chosen" },
    ]);
    // What trusting would give, from the same bytes.
    expect(whenTrusted?.setup.run).toEqual(['make setup']);
    expect(whenTrusted?.verify).toBe('make check');
    expect(whenTrusted?.agents.h?.command).toBe('./h.sh');
    expect(notices).toEqual([".lanes.json: agents.claude ignored: a repository cannot change the built-in preset 'claude' (give it another name)"]);
  });

  it('keeps the user file\'s own setup.run and verify (those are the user\'s commands)', async () => {
    const t = await setup();
    await writeFileIn(join(t.root, 'xdg', 'lanes', 'config.json'), { setup: { run: ['mine'] }, verify: 'my check' });
    const { config } = await t.load();
    expect(config.setup.run).toEqual(['mine']);
    expect(config.verify).toBe('my check');
  });

  it('refuses its presets by name, and as the default agent, with the one line', async () => {
    const t = await setup();
    const { config } = await t.load();
    expect(() => resolveAgent(config, { agent: 'h' })).toThrow(LINE);
    expect(() => resolveAgent(config, {})).toThrow(LINE);
    expect(resolveAgent(config, { agent: 'shell' })).toMatchObject({ kind: 'preset', command: '/bin/sh' });
  });

  it('never lets the repository replace a built-in or user preset, trusted or not', async () => {
    const t = await setup();
    await writeFileIn(join(t.root, 'xdg', 'lanes', 'config.json'), { agents: { robot: { command: 'robot' } } });
    await writeFileIn(t.repoFile, { agents: { claude: { command: './evil.sh', args: ['x'] }, robot: { env: { LD_PRELOAD: '/tmp/x.so' } } } });
    const first = await t.load();
    expect(first.repoFile?.commands).toEqual([]);
    expect(first.config.untrusted).toBeUndefined();
    expect(first.notices).toEqual([
      ".lanes.json: agents.claude ignored: a repository cannot change the built-in preset 'claude' (give it another name)",
      ".lanes.json: agents.robot ignored: a repository cannot change your preset 'robot' (give it another name)",
    ]);
    expect(first.config.agents.claude).toEqual(builtinPresets(t.env).claude);
    expect(first.config.agents.robot).toEqual({ command: 'robot' });
    expect(resolveAgent(first.config, { agent: 'claude' })).toMatchObject({ command: 'claude', args: [] });
    // Trusting the file (were there anything to trust) changes nothing of that.
    await recordTrust(t.env, t.repoFile, first.repoFile?.sha256 ?? '', first.repoFile?.commandsSha256 ?? '');
    expect((await t.load()).config.agents.claude).toEqual(builtinPresets(t.env).claude);
  });
});

describe('security-widening keys of the repository file', () => {
  it('worktreeDir waits for trust: the user\'s (or the default) value until then, named in the line', async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { worktreeDir: '/srv/elsewhere/{name}', branchPrefix: 'r/' });
    const first = await t.load();
    expect(first.config.worktreeDir).toBe('{repoParent}/{repo}.lanes/{name}');
    expect(first.config.branchPrefix).toBe('r/');
    expect(first.config.untrusted?.line).toBe('.lanes.json defines commands (worktreeDir): run lanes trust to allow them');
    expect(first.repoFile?.commands).toEqual([{ key: 'worktreeDir', run: 'lanes are checked out at /srv/elsewhere/{name}' }]);
    await writeFileIn(join(t.root, 'xdg', 'lanes', 'config.json'), { worktreeDir: '/home/me/wt/{name}' });
    expect((await t.load()).config.worktreeDir).toBe('/home/me/wt/{name}');
    await recordTrust(t.env, t.repoFile, (await t.load()).repoFile?.sha256 ?? '', (await t.load()).repoFile?.commandsSha256 ?? '');
    expect((await t.load()).config.worktreeDir).toBe('/srv/elsewhere/{name}');
  });

  it("a worktreeDir with a '..' part is refused in one line, in the repository's file and the user's", async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { worktreeDir: '{repoParent}/../.config/git/{name}/..' });
    expect((await failure(t.load())).message).toBe(".lanes.json: worktreeDir: no '..' part (a lane's folder must stay where the template names it)");
    await writeFileIn(t.repoFile, {});
    await writeFileIn(join(t.root, 'xdg', 'lanes', 'config.json'), { worktreeDir: '{repoParent}/../{name}' });
    expect((await failure(t.load())).message).toMatch(/config\.json: worktreeDir: no '\.\.' part/);
  });
});

describe('a repository defaultAgent', () => {
  it("choosing one of the user's presets waits for trust; the user's own choice and --config need none", async () => {
    const t = await setup();
    const userFile = join(t.root, 'xdg', 'lanes', 'config.json');
    await writeFileIn(userFile, { agents: { yolo: { command: 'agent', args: ['--dangerously-skip-permissions'] } } });
    await writeFileIn(t.repoFile, { defaultAgent: 'yolo' });
    const line = '.lanes.json defines commands (defaultAgent): run lanes trust to allow them';
    const first = await t.load();
    expect(first.config.untrusted?.line).toBe(line);
    expect(first.config.defaultAgent).toBe('shell');
    expect(first.repoFile?.commands).toEqual([{ key: 'defaultAgent', run: "new lanes start preset 'yolo' when none is chosen" }]);
    expect(() => resolveAgent(first.config, {})).toThrow(line);
    // Picking it by name is the user's own choice.
    expect(resolveAgent(first.config, { agent: 'yolo' })).toMatchObject({ command: 'agent' });
    await recordTrust(t.env, t.repoFile, first.repoFile?.sha256 ?? '', first.repoFile?.commandsSha256 ?? '');
    expect(resolveAgent((await t.load()).config, {})).toMatchObject({ preset: 'yolo', command: 'agent' });

    // The same default as the user's own: nothing to trust.
    await writeFileIn(userFile, { defaultAgent: 'yolo', agents: { yolo: { command: 'agent' } } });
    expect((await t.load()).config.untrusted).toBeUndefined();
    // A --config FILE that sets it decides, whatever the repository says.
    await writeFileIn(userFile, { agents: { yolo: { command: 'agent' } } });
    const later = await writeFileIn(join(t.root, 'later.json'), { defaultAgent: 'claude' });
    const withConfig = await loadConfig({ env: t.env, repoRoot: t.repo, cwd: t.repo, configFile: later });
    expect(withConfig.config.untrusted).toBeUndefined();
    expect(withConfig.config.defaultAgent).toBe('claude');
  });
});

describe('a repository verify', () => {
  it("an empty one, which would turn off the user's verify, waits for trust too", async () => {
    const t = await setup();
    await writeFileIn(join(t.root, 'xdg', 'lanes', 'config.json'), { verify: 'my check' });
    await writeFileIn(t.repoFile, { verify: '' });
    const first = await t.load();
    expect(first.config.verify).toBe('my check');
    expect(first.config.untrusted?.line).toBe('.lanes.json defines commands (verify): run lanes trust to allow them');
    expect(first.repoFile?.commands).toEqual([{ key: 'verify', run: "'' (turns off the check before merging)" }]);
    await recordTrust(t.env, t.repoFile, first.repoFile?.sha256 ?? '', first.repoFile?.commandsSha256 ?? '');
    expect((await t.load()).config.verify).toBeUndefined();
  });
});

describe('trust covers the commands shown', () => {
  it('a repository preset hidden by a user preset of its name needs trust again once the user\'s is gone', async () => {
    const t = await setup();
    const userFile = join(t.root, 'xdg', 'lanes', 'config.json');
    await writeFileIn(userFile, { agents: { robot: { command: 'robot' } } });
    await writeFileIn(t.repoFile, { verify: 'make check', agents: { robot: { command: './evil.sh' } } });
    const first = await t.load();
    expect(first.repoFile?.commands.map((entry) => entry.key)).toEqual(['verify']);
    await recordTrust(t.env, t.repoFile, first.repoFile?.sha256 ?? '', first.repoFile?.commandsSha256 ?? '');
    expect((await t.load()).config.agents.robot).toEqual({ command: 'robot' });
    // The same bytes, now showing agents.robot: not what was trusted.
    await writeFileIn(userFile, {});
    const after = await t.load();
    expect(after.repoFile?.sha256).toBe(first.repoFile?.sha256);
    expect(after.config.untrusted?.line).toBe('.lanes.json defines commands (verify, agents.robot): run lanes trust to allow them');
    expect(after.config.agents.robot).toBeUndefined();
    expect(() => resolveAgent(after.config, { agent: 'robot' })).toThrow(after.config.untrusted?.line ?? '-');
  });

  it('a record without the digest of the commands (an earlier version) trusts nothing', async () => {
    const t = await setup();
    const { repoFile } = await t.load();
    await writeFileIn(trustFilePath(t.env), { version: 1, files: { [t.repoFile]: { sha256: repoFile?.sha256, trustedAt: 'x' } } });
    await chmod(trustFilePath(t.env), 0o600);
    const loaded = await t.load();
    expect(loaded.config.untrusted?.line).toBe(LINE);
    expect(loaded.notices).toHaveLength(1);
  });
});

describe('presets of --config FILE', () => {
  it('are protected from a repository preset of the same name like the user file\'s', async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { agents: { robot: { env: { LD_PRELOAD: '/tmp/x.so' } } } });
    const extra = await writeFileIn(join(t.root, 'extra.json'), { agents: { robot: { command: 'robot' } } });
    const loaded = await loadConfig({ env: t.env, repoRoot: t.repo, cwd: t.repo, configFile: extra });
    expect(loaded.notices).toEqual([".lanes.json: agents.robot ignored: a repository cannot change your preset 'robot' (give it another name)"]);
    expect(loaded.config.untrusted).toBeUndefined();
    expect(loaded.config.agents.robot).toEqual({ command: 'robot' });
    expect(resolveAgent(loaded.config, { agent: 'robot' })).toEqual({ kind: 'preset', preset: 'robot', command: 'robot', args: [] });
  });
});

describe('trust by path and exact content', () => {
  it('trusted: the commands apply; an edit of one byte untrusts; --revoke untrusts', async () => {
    const t = await setup();
    const first = await t.load();
    await recordTrust(t.env, t.repoFile, first.repoFile?.sha256 ?? '', first.repoFile?.commandsSha256 ?? '');
    const trusted = await t.load();
    expect(trusted.config.untrusted).toBeUndefined();
    expect(trusted.config.setup.run).toEqual(['make setup']);
    expect(trusted.config.verify).toBe('make check');
    expect(resolveAgent(trusted.config, {})).toMatchObject({ preset: 'h', command: './h.sh', args: ['--go'], env: { X: '1' } });
    expect(trusted.whenTrusted).toBeUndefined();

    const bytes = await readFile(t.repoFile);
    await writeFile(t.repoFile, Buffer.concat([bytes, Buffer.from(' ')]));
    const edited = await t.load();
    expect(edited.config.untrusted?.line).toBe(LINE);
    expect(edited.config.setup.run).toEqual([]);

    await writeFile(t.repoFile, bytes);
    expect((await t.load()).config.untrusted).toBeUndefined();
    expect(await revokeTrust(t.env, t.repoFile)).toBe(true);
    expect((await t.load()).config.untrusted?.line).toBe(LINE);
    expect(await revokeTrust(t.env, t.repoFile)).toBe(false);
  });

  it('the trust of one path does not carry to a copy of the file elsewhere', async () => {
    const t = await setup();
    const first = await t.load();
    await recordTrust(t.env, t.repoFile, first.repoFile?.sha256 ?? '', first.repoFile?.commandsSha256 ?? '');
    const other = join(t.root, 'other');
    await writeFileIn(join(other, '.lanes.json'), await readFile(t.repoFile, 'utf8'));
    const loaded = await loadConfig({ env: t.env, repoRoot: other, cwd: other });
    expect(loaded.config.untrusted?.line).toBe(LINE);
  });

  it('writes trust.json with mode 0600 in a 0700 folder, atomically (no temporary left)', async () => {
    const t = await setup();
    await recordTrust(t.env, t.repoFile, 'a'.repeat(64), 'b'.repeat(64));
    const path = trustFilePath(t.env);
    expect(path).toBe(join(t.root, 'xdg', 'lanes', 'trust.json'));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(t.root, 'xdg', 'lanes'))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(t.root, 'xdg', 'lanes'))).toEqual(['trust.json']);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1, files: { [t.repoFile]: { sha256: 'a'.repeat(64) } } });
  });

  it('a corrupt trust file trusts nothing, says so in one line, and is kept aside when trust is written', async () => {
    const t = await setup();
    const path = trustFilePath(t.env);
    for (const content of ['{ not json', '{"version": 2, "files": {}}', '[]']) {
      await writeFileIn(path, content);
      await chmod(path, 0o600);
      const { config, notices } = await t.load();
      expect(config.untrusted?.line).toBe(LINE);
      expect(notices).toHaveLength(2);
      expect(notices[1]).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*; nothing is trusted \\(lanes trust writes it anew\\)$`));
    }
    await recordTrust(t.env, t.repoFile, (await t.load()).repoFile?.sha256 ?? '', (await t.load()).repoFile?.commandsSha256 ?? '');
    expect((await t.load()).config.untrusted).toBeUndefined();
    const names = await readdir(join(t.root, 'xdg', 'lanes'));
    const aside = names.find((name) => name.startsWith('trust.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(join(t.root, 'xdg', 'lanes', aside ?? ''), 'utf8')).toBe('[]');
  });

  it('a trust file that others may write, or that is not a regular file, trusts nothing', async () => {
    const t = await setup();
    const { repoFile } = await t.load();
    await recordTrust(t.env, t.repoFile, repoFile?.sha256 ?? '', repoFile?.commandsSha256 ?? '');
    const path = trustFilePath(t.env);
    await chmod(path, 0o666);
    const loose = await t.load();
    expect(loose.config.untrusted?.line).toBe(LINE);
    expect(loose.notices[1]).toContain('writable by another user');
    await run('rm', [path]);
    await run('mkfifo', [path]);
    const fifo = await readTrust(t.env);
    expect(fifo.files).toEqual({});
    expect(fifo.problem).toContain('a named pipe');
  });
});

describe('reading the repository file safely', () => {
  it('refuses a named pipe at once (no hang), a folder, a link out of the repository and a huge file', async () => {
    const t = await setup();
    await run('rm', [t.repoFile]);
    await run('mkfifo', [t.repoFile]);
    expect((await failure(t.load())).message).toBe('.lanes.json: a named pipe; lanes reads only a regular file there');
    await run('rm', [t.repoFile]);
    await mkdir(t.repoFile);
    expect((await failure(t.load())).message).toBe('.lanes.json: a folder; lanes reads only a regular file there');
    await run('rmdir', [t.repoFile]);
    const outside = await writeFileIn(join(t.root, 'elsewhere.json'), { maxFps: 5 });
    await symlink(outside, t.repoFile);
    expect((await failure(t.load())).message).toBe(`.lanes.json: a symbolic link to ${outside}, outside the repository; lanes reads only a regular file there`);
    await run('rm', [t.repoFile]);
    await symlink('/dev/zero', t.repoFile);
    expect((await failure(t.load())).message).toContain('outside the repository');
    await run('rm', [t.repoFile]);
    await writeFileIn(t.repoFile, `{"theme": "dark", "watch": {"ignore": [${'"x",'.repeat(300_000)} "y"]}}`);
    expect((await failure(t.load())).message).toBe('.lanes.json: larger than 1048576 bytes; lanes reads only a regular file there');
  });

  it('follows a link to a file inside the repository', async () => {
    const t = await setup();
    await writeFileIn(join(t.repo, 'conf', 'lanes.json'), { maxFps: 7 });
    await run('rm', [t.repoFile]);
    await symlink('conf/lanes.json', t.repoFile);
    expect((await t.load()).config.maxFps).toBe(7);
    expect(await readRegularFile(join(t.repo, 'nothing'), 'x', { root: t.repo })).toBeUndefined();
  });
});

describe('printable', () => {
  it('escapes what a terminal would act on instead of showing', () => {
    expect(printable('ok \x1b[2Kgone\r')).toBe('ok \\u{1b}[2Kgone\\u{d}');
    expect(printable('a\u202eb')).toBe('a\\u{202e}b');
    expect(printable('npm test -- --x')).toBe('npm test -- --x');
  });

  it('escapes invisible characters too: U+061C, U+2060-2064, Hangul fillers and tag characters', () => {
    expect(printable('a\u061cb\u2060c\u2064d\u3164e\u115ff\uffa0g')).toBe('a\\u{61c}b\\u{2060}c\\u{2064}d\\u{3164}e\\u{115f}f\\u{ffa0}g');
    expect(printable('x\u{e0001}\u{e0041}\u{e007f}y')).toBe('x\\u{e0001}\\u{e0041}\\u{e007f}y');
    expect(printable('café ✓ 日本')).toBe('café ✓ 日本');
  });
});

/** Nothing a terminal acts on: no ESC, BEL, CSI or bidirectional control left raw. */
const RAW = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u{e0000}-\u{e007f}]/u;

describe('what the repository file says reaches the terminal escaped', () => {
  it('a preset name with escapes is refused in one line, escaped', async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { agents: { 'x\u001b]0;pwned\u0007': { command: 'sh' } } });
    const message = (await failure(t.load())).message;
    expect(message).not.toMatch(RAW);
    expect(message).toBe(".lanes.json: agents[\"x\\u001b]0;pwned\\u0007\"]: not a valid preset name: use letters, digits, '.', '_' and '-', starting with a letter or digit");
    await writeFileIn(t.repoFile, { agents: { '-x': { command: 'sh' } } });
    expect((await failure(t.load())).message).toContain('agents["-x"]: not a valid preset name');
    await writeFileIn(t.repoFile, { agents: { 'my.agent_2-b': { command: 'sh' } } });
    expect((await t.load()).config.untrusted?.keys).toEqual(['agents.my.agent_2-b']);
  });

  it('unknown keys and bad values with escapes are shown escaped', async () => {
    const t = await setup();
    const cases: Array<[unknown, string]> = [
      [{ 'a\u001b[2Kb\u202e': 1 }, ".lanes.json: unknown key 'a\\u{1b}[2Kb\\u{202e}'"],
      [{ defaultAgent: 'z\u001b[31m' }, ".lanes.json: defaultAgent: no agent preset named 'z\\u{1b}[31m'"],
      [{ theme: 'q\u{e0041}\u2067' }, ".lanes.json: theme: no theme named 'q\\u{e0041}\\u{2067}'"],
      [{ branchPrefix: 'b\u001b[2K/' }, ".lanes.json: branchPrefix: 'b\\u{1b}[2K/' cannot start a branch name"],
      [{ worktreeDir: '{x\u001b}/{name}' }, '.lanes.json: worktreeDir: unknown placeholder {x\\u{1b}}'],
    ];
    for (const [content, start] of cases) {
      await writeFileIn(t.repoFile, content);
      const message = (await failure(t.load())).message;
      expect(message).not.toMatch(RAW);
      expect(message.startsWith(start), message).toBe(true);
    }
  });
});
