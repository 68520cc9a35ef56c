import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentLaunch, checkAgentCommand, resolveAgent } from '../../src/config/agent.js';
import { defaultConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { LanesError } from '../../src/core/errors.js';
import type { AgentSpec } from '../../src/core/lane.js';
import { makeTempDir, writeFileIn } from './temp-dir.js';

const env: NodeJS.ProcessEnv = { SHELL: '/bin/zsh' };

const config = (): Config => {
  const base = defaultConfig(env);
  return { ...base, agents: { ...base.agents, robot: { command: 'robot', args: ['--fast'], env: { ROBOT: '1' }, prompt: 'none' } } };
};

const thrown = (fn: () => unknown): LanesError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LanesError);
    return error as LanesError;
  }
  throw new Error('expected a throw');
};

const rejected = async (promise: Promise<unknown>): Promise<LanesError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LanesError);
    return error as LanesError;
  }
  throw new Error('expected the promise to reject');
};

describe('resolveAgent', () => {
  it('uses the default agent when nothing is chosen', () => {
    expect(resolveAgent(config(), {})).toEqual({ kind: 'preset', preset: 'shell', command: '/bin/zsh', args: [] });
    expect(resolveAgent({ ...config(), defaultAgent: 'claude' }, {})).toMatchObject({ preset: 'claude', command: 'claude' });
  });

  it('copies a preset into the spec', () => {
    const cfg = config();
    const spec = resolveAgent(cfg, { agent: 'robot' });
    expect(spec).toEqual({ kind: 'preset', preset: 'robot', command: 'robot', args: ['--fast'], env: { ROBOT: '1' } });
    if (spec.kind === 'preset') spec.args.push('--changed');
    expect(cfg.agents.robot?.args).toEqual(['--fast']);
  });

  it('takes a command line as is', () => {
    expect(resolveAgent(config(), { cmd: 'npm run agent -- --x' })).toEqual({ kind: 'cmd', cmd: 'npm run agent -- --x' });
  });

  it('refuses both, an empty command and unknown presets', () => {
    const both = thrown(() => resolveAgent(config(), { agent: 'claude', cmd: 'x' }));
    expect(both.exitCode).toBe(2);
    expect(both.message).toBe('use either --agent or --cmd, not both');
    expect(thrown(() => resolveAgent(config(), { cmd: '  ' })).exitCode).toBe(2);
    const unknown = thrown(() => resolveAgent(config(), { agent: 'nope' }));
    expect(unknown.message).toBe("unknown agent preset 'nope': available: shell, claude, codex, aider, gemini, opencode, robot");
    expect(unknown.exitCode).toBe(1);
    expect(thrown(() => resolveAgent(config(), { agent: 'toString' })).message).toMatch(/^unknown agent preset 'toString'/);
  });
});

describe('checkAgentCommand', () => {
  const setup = async () => {
    const root = await makeTempDir();
    const bin = join(root, 'bin');
    const agent = await writeFileIn(join(bin, 'fake-agent'), '#!/bin/sh\necho hi\n');
    await chmod(agent, 0o755);
    await writeFileIn(join(bin, 'not-executable'), 'data\n');
    await mkdir(join(bin, 'a-folder'));
    await chmod(join(bin, 'a-folder'), 0o755);
    return { root, bin, agent, env: { PATH: ['/nonexistent', '', bin].join(':') } };
  };
  const preset = (command: string): AgentSpec => ({ kind: 'preset', preset: 'p', command, args: [] });
  const notFound = (name: string) =>
    `agent command not found: ${name} (install it or pick another agent with --agent/--cmd)`;

  it('finds a preset command on PATH, by absolute path and by relative path', async () => {
    const t = await setup();
    await expect(checkAgentCommand(preset('fake-agent'), t.env)).resolves.toBeUndefined();
    await expect(checkAgentCommand(preset(t.agent), {})).resolves.toBeUndefined();
    await expect(checkAgentCommand(preset('bin/fake-agent'), {}, { cwd: t.root })).resolves.toBeUndefined();
  });

  it('refuses a missing command, a file that is not executable and a folder', async () => {
    const t = await setup();
    for (const name of ['missing-agent', 'not-executable', 'a-folder']) {
      const error = await rejected(checkAgentCommand(preset(name), t.env));
      expect(error.message).toBe(notFound(name));
      expect(error.exitCode).toBe(1);
    }
    expect((await rejected(checkAgentCommand(preset('fake-agent'), { PATH: '' }))).message).toBe(notFound('fake-agent'));
    expect((await rejected(checkAgentCommand(preset('./fake-agent'), {}, { cwd: t.root }))).message).toBe(
      notFound('./fake-agent'),
    );
  });

  it('checks the first word of a command line when it is a plain program', async () => {
    const t = await setup();
    const cmd = (line: string): AgentSpec => ({ kind: 'cmd', cmd: line });
    await expect(checkAgentCommand(cmd('fake-agent --model x "quoted arg"'), t.env)).resolves.toBeUndefined();
    await expect(checkAgentCommand(cmd(`  ${t.agent} --x`), {})).resolves.toBeUndefined();
    expect((await rejected(checkAgentCommand(cmd('missing-agent --x'), t.env))).message).toBe(notFound('missing-agent'));
    expect((await rejected(checkAgentCommand(cmd('/no/such/agent'), t.env))).message).toBe(notFound('/no/such/agent'));
  });

  it('leaves shell builtins, keywords and non-plain words to the shell', async () => {
    const t = await setup();
    const lines = ['cd sub && missing-agent', 'exec missing-agent', 'source ./env.sh; x', '. ./env.sh', 'if true; then x; fi',
      'FOO=1 missing-agent', '"missing agent"', '$AGENT --x', '~/bin/missing', 'echo hi'];
    for (const line of lines) {
      await expect(checkAgentCommand({ kind: 'cmd', cmd: line }, t.env), line).resolves.toBeUndefined();
    }
  });
});

describe('agentLaunch', () => {
  const presets = config().agents;
  const spec = (name: string): AgentSpec => resolveAgent(config(), { agent: name });
  const launchEnv: NodeJS.ProcessEnv = { SHELL: '/bin/zsh', PATH: '/usr/bin', UNSET: undefined };

  it("passes an 'arg' prompt as the last argument, once", () => {
    const first = agentLaunch(spec('claude'), { prompt: 'fix the tests', presets, env: launchEnv });
    expect(first).toEqual({ command: 'claude', args: ['fix the tests'], env: { SHELL: '/bin/zsh', PATH: '/usr/bin' } });
    const again = agentLaunch(spec('claude'), { prompt: 'fix the tests', promptDelivered: true, presets, env: launchEnv });
    expect(again.args).toEqual([]);
    expect(again.typePrompt).toBeUndefined();
  });

  it("keeps a prompt that starts with '-' from being read as an option", () => {
    expect(agentLaunch(spec('claude'), { prompt: '--help me', presets, env: {} }).args).toEqual(['--', '--help me']);
  });

  it('adds resumeArgs when resuming', () => {
    expect(agentLaunch(spec('claude'), { resume: true, presets, env: {} }).args).toEqual(['--continue']);
    expect(agentLaunch(spec('codex'), { resume: true, prompt: 'go on', presets, env: {} }).args).toEqual([
      'resume',
      '--last',
      'go on',
    ]);
    expect(agentLaunch(spec('aider'), { resume: true, presets, env: {} }).args).toEqual([]);
  });

  it("returns a 'type' prompt to be typed", () => {
    const launch = agentLaunch(spec('aider'), { prompt: 'add a README', presets, env: {} });
    expect(launch).toEqual({ command: 'aider', args: [], env: {}, typePrompt: 'add a README' });
  });

  it("drops the prompt for 'none' and adds the preset's env", () => {
    const launch = agentLaunch(spec('robot'), { prompt: 'ignored', presets, env: { ROBOT: '0', HOME: '/h' } });
    expect(launch).toEqual({ command: 'robot', args: ['--fast'], env: { ROBOT: '1', HOME: '/h' } });
  });

  it('types the prompt when the preset is gone from the configuration', () => {
    const launch = agentLaunch(spec('robot'), { prompt: 'hello', presets: {}, env: {} });
    expect(launch).toMatchObject({ command: 'robot', args: ['--fast'], typePrompt: 'hello' });
  });

  it("runs a command line with the user's shell and types the prompt", () => {
    const cmd: AgentSpec = { kind: 'cmd', cmd: 'node agent.js "$(pwd)"' };
    expect(agentLaunch(cmd, { prompt: 'hi', presets, env: launchEnv })).toEqual({
      command: '/bin/zsh',
      args: ['-c', 'node agent.js "$(pwd)"'],
      env: { SHELL: '/bin/zsh', PATH: '/usr/bin' },
      typePrompt: 'hi',
    });
    expect(agentLaunch(cmd, { presets, env: { SHELL: '' } })).toEqual({ command: '/bin/sh', args: ['-c', cmd.cmd], env: { SHELL: '' } });
  });
});
