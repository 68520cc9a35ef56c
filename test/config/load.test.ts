import { builtinPresets } from '../../src/config/presets.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LanesError } from '../../src/core/errors.js';
import { defaultConfig, loadConfig, userConfigPath, type LoadConfigOptions } from '../../src/config/load.js';
import { makeTempDir, writeFileIn } from './temp-dir.js';

/** A temp home with an XDG config folder and a repository folder; nothing reads the real ~/.config. */
const setup = async () => {
  const root = await makeTempDir();
  const env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: join(root, 'xdg'), HOME: join(root, 'home'), SHELL: '/bin/zsh' };
  const repo = join(root, 'repo');
  return {
    root,
    env,
    repo,
    userFile: join(root, 'xdg', 'lanes', 'config.json'),
    repoFile: join(repo, '.lanes.json'),
    load: (options: LoadConfigOptions = {}) => loadConfig({ env, repoRoot: repo, cwd: repo, ...options }),
  };
};

/** The LanesError a promise rejects with (fails the test when it resolves). */
const failure = async (promise: Promise<unknown>): Promise<LanesError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LanesError);
    return error as LanesError;
  }
  throw new Error('expected the promise to reject');
};

describe('loadConfig: merging', () => {
  it('returns the defaults when no file exists', async () => {
    const t = await setup();
    const { config, sources } = await t.load();
    expect(sources).toEqual([]);
    expect(config).toEqual(defaultConfig(t.env));
    expect(config.agents.shell).toEqual({ command: '/bin/zsh', prompt: 'type' });
    expect(config.defaultAgent).toBe('shell');
    expect(config.branchPrefix).toBe('lanes/');
    expect(config.worktreeDir).toBe('{repoParent}/{repo}.lanes/{name}');
    expect(config.setup).toEqual({ copy: [], symlink: [], run: [] });
    expect([config.theme, config.maxFps, config.scrollback, config.notify]).toEqual(['dark', 30, 5000, 'none']);
  });

  it('merges user < repo < --config < flags, objects key by key, arrays replaced', async () => {
    const t = await setup();
    await writeFileIn(t.userFile, {
      theme: 'light',
      maxFps: 10,
      scrollback: 100,
      branchPrefix: 'u/',
      setup: { copy: ['.env'] },
      agents: { claude: { args: ['--model', 'opus'] }, robot: { command: 'robot', env: { A: 'user', B: 'user' } } },
    });
    await writeFileIn(t.repoFile, {
      theme: 'high-contrast',
      maxFps: 20,
      branchPrefix: 'r/',
      setup: { symlink: ['node_modules'] },
      defaultAgent: 'robot',
    });
    // A repository may not change a user preset (see trust.test.ts); a --config file may.
    const extra = await writeFileIn(join(t.root, 'extra.json'), { maxFps: 40, theme: 'light', setup: { copy: ['a', 'b'] }, agents: { robot: { env: { B: 'extra' } } } });
    const { config, sources, whenTrusted } = await t.load({ configFile: extra, flags: { theme: 'dark', base: 'develop' } });
    expect(sources).toEqual([t.userFile, t.repoFile, extra]);
    expect(config.theme).toBe('dark');
    expect(config.base).toBe('develop');
    expect(config.maxFps).toBe(40);
    expect(config.branchPrefix).toBe('r/');
    expect(config.scrollback).toBe(100);
    expect(config.setup).toEqual({ copy: ['a', 'b'], symlink: ['node_modules'], run: [] });
    // The repository's default agent is the user's robot only once the file is trusted (trust.test.ts).
    expect(config.defaultAgent).toBe('shell');
    expect(whenTrusted?.defaultAgent).toBe('robot');
    expect(config.agents.claude).toEqual({
      ...builtinPresets({}).claude,
      args: ['--model', 'opus'],
    });
    expect(config.agents.robot).toEqual({ command: 'robot', env: { A: 'user', B: 'extra' } });
    expect(Object.keys(config.agents)).toEqual(['shell', 'claude', 'codex', 'aider', 'gemini', 'opencode', 'robot']);
  });

  it('ignores undefined flags and turns an empty verify into undefined', async () => {
    const t = await setup();
    await writeFileIn(t.userFile, { verify: 'npm test', theme: 'light' });
    await writeFileIn(t.repoFile, { verify: '' });
    const { config, whenTrusted } = await t.load({ flags: { theme: undefined, base: undefined } });
    expect(config.theme).toBe('light');
    expect(config.base).toBeUndefined();
    // The repository turns the user's verify off only once trusted (trust.test.ts).
    expect(config.verify).toBe('npm test');
    expect(whenTrusted?.verify).toBeUndefined();
    const extra = await writeFileIn(join(t.root, 'extra.json'), { verify: '' });
    expect((await t.load({ configFile: extra })).config.verify).toBeUndefined();
  });

  it('reads ~/.config/lanes/config.json when XDG_CONFIG_HOME is unset or relative', async () => {
    const t = await setup();
    const home = join(t.root, 'home');
    const file = await writeFileIn(join(home, '.config', 'lanes', 'config.json'), { maxFps: 12 });
    for (const env of [{ HOME: home }, { HOME: home, XDG_CONFIG_HOME: 'relative/dir' }]) {
      expect(userConfigPath(env)).toBe(file);
      const { config, sources } = await loadConfig({ env, cwd: t.root });
      expect(config.maxFps).toBe(12);
      expect(sources).toEqual([file]);
    }
  });
});

describe('loadConfig: errors', () => {
  it('names the file, the key path and the expectation', async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { agents: { claude: { command: 3 } } });
    const error = await failure(t.load());
    expect(error.message).toBe('.lanes.json: agents.claude.command: expected a string');
    expect(error.exitCode).toBe(1);
  });

  it('describes number ranges, whole numbers, enums, lists, unions and objects', async () => {
    const t = await setup();
    const cases: [unknown, string][] = [
      [{ maxFps: 'fast' }, 'maxFps: expected a number from 1 to 240'],
      [{ maxFps: 0 }, 'maxFps: expected a number from 1 to 240'],
      [{ maxFps: 2.5 }, 'maxFps: expected a whole number from 1 to 240'],
      [{ scrollback: -1 }, 'scrollback: expected a number from 0 to 1000000'],
      [{ notify: 'loud' }, "notify: expected 'bell' or 'none'"],
      [{ agents: { x: { command: 'x', prompt: 'yes' } } }, "agents.x.prompt: expected 'arg', 'type' or 'none'"],
      [{ agents: { claude: { command: '' } } }, 'agents.claude.command: expected a non-empty string'],
      [{ agents: { claude: { args: '--fast' } } }, 'agents.claude.args: expected a list of strings'],
      [{ setup: { copy: ['a', 3] } }, 'setup.copy[1]: expected a string'],
      [{ keys: { quit: 5 } }, 'keys.quit: expected a string or a list of strings'],
      [{ keys: { '?': 5 } }, 'keys["?"]: expected a string or a list of strings'],
      [{ watch: [] }, 'watch: expected an object'],
      [[], 'expected an object'],
      [{ foo: 1 }, "unknown key 'foo'"],
      [{ foo: 1, bar: 2 }, "unknown keys 'foo', 'bar'"],
      [{ setup: { paste: [] } }, "setup: unknown key 'paste'"],
      [{ agents: { claude: { cmd: 'x' } } }, "agents.claude: unknown key 'cmd'"],
    ];
    for (const [content, expected] of cases) {
      await writeFileIn(t.repoFile, content);
      const error = await failure(t.load());
      expect(error.message).toBe(`.lanes.json: ${expected}`);
    }
  });

  it('reports one line, with the count of further problems', async () => {
    const t = await setup();
    // Problems are reported in the order of the schema's keys (theme comes before maxFps).
    await writeFileIn(t.repoFile, { maxFps: 'x', notify: 'x', theme: 3 });
    const error = await failure(t.load());
    expect(error.message).toBe('.lanes.json: theme: expected a string (and 2 more problems)');
    expect(error.message).not.toContain('\n');
  });

  it('shows the user file relative to cwd, under ~ or absolute', async () => {
    const t = await setup();
    await writeFileIn(t.userFile, { maxFps: 1000 });
    expect((await failure(loadConfig({ env: t.env, cwd: t.root }))).message).toBe(
      'xdg/lanes/config.json: maxFps: expected a number from 1 to 240',
    );
    expect((await failure(loadConfig({ env: t.env, cwd: t.repo }))).message).toBe(
      `${t.userFile}: maxFps: expected a number from 1 to 240`,
    );
    const env = { HOME: join(t.root, 'home') };
    await writeFileIn(userConfigPath(env), { notify: 'x' });
    expect((await failure(loadConfig({ env, cwd: t.repo }))).message).toBe(
      "~/.config/lanes/config.json: notify: expected 'bell' or 'none'",
    );
  });

  it('reports invalid JSON with the parser message', async () => {
    const t = await setup();
    const text = '{ "maxFps": 30, }';
    await writeFileIn(t.repoFile, text);
    let parserMessage = '';
    try {
      JSON.parse(text);
    } catch (error) {
      parserMessage = (error as Error).message;
    }
    expect(parserMessage).not.toBe('');
    expect((await failure(t.load())).message).toBe(`.lanes.json: not valid JSON (${parserMessage})`);
  });

  it('needs the --config file to exist (usage error) and names it as given', async () => {
    const t = await setup();
    const missing = await failure(t.load({ configFile: 'nope.json' }));
    expect(missing.message).toBe('config file not found: nope.json');
    expect(missing.exitCode).toBe(2);
    await writeFileIn(join(t.repo, 'conf', 'lanes.json'), { notify: 'x' });
    const invalid = await failure(t.load({ configFile: 'conf/lanes.json' }));
    expect(invalid.message).toBe("conf/lanes.json: notify: expected 'bell' or 'none'");
    expect(invalid.exitCode).toBe(1);
  });

  it('checks flags too', async () => {
    const t = await setup();
    expect((await failure(t.load({ flags: { theme: '' } }))).message).toBe(
      'command line: theme: expected a non-empty string',
    );
  });

  it('refuses a defaultAgent that names no preset, blaming the file that set it', async () => {
    const t = await setup();
    await writeFileIn(t.userFile, { defaultAgent: 'robot' });
    const error = await failure(t.load());
    expect(error.message).toBe(
      `${t.userFile}: defaultAgent: no agent preset named 'robot' (available: shell, claude, codex, aider, gemini, opencode)`,
    );
    await writeFileIn(t.repoFile, { agents: { robot: { command: 'robot' } } });
    expect((await t.load()).config.defaultAgent).toBe('robot');
  });

  it('refuses a new preset without a command', async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { agents: { robot: { args: ['--x'] } } });
    expect((await failure(t.load())).message).toBe('.lanes.json: agents.robot.command: missing, expected a string');
  });

  it('refuses a branchPrefix that cannot start a branch name', async () => {
    const t = await setup();
    const cases: [string, string][] = [
      ['my lanes/', 'no spaces or control characters'],
      ['a..b/', "no '..'"],
      ['-x/', "must not start with '-'"],
    ];
    for (const [prefix, reason] of cases) {
      await writeFileIn(t.repoFile, { branchPrefix: prefix });
      expect((await failure(t.load())).message).toBe(
        `.lanes.json: branchPrefix: '${prefix}' cannot start a branch name (${reason})`,
      );
    }
    await writeFileIn(t.repoFile, { branchPrefix: 'team/agent-' });
    expect((await t.load()).config.branchPrefix).toBe('team/agent-');
  });

  it('refuses a worktreeDir that would put lanes in one folder', async () => {
    const t = await setup();
    await writeFileIn(t.repoFile, { worktreeDir: '/tmp/lanes' });
    expect((await failure(t.load())).message).toBe(
      '.lanes.json: worktreeDir: must contain {name} so every lane gets its own folder',
    );
    await writeFileIn(t.repoFile, { worktreeDir: '/tmp/{project}/{name}' });
    expect((await failure(t.load())).message).toBe(
      '.lanes.json: worktreeDir: unknown placeholder {project} (use {repo}, {repoParent}, {name})',
    );
  });
});
