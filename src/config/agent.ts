import { LanesError, usageError } from '../core/errors.js';
import type { AgentSpec } from '../core/lane.js';
import { findExecutable } from './executable.js';
import { userShell } from './presets.js';
import type { Config } from './schema.js';

/**
 * The agent a new lane runs (`lanes new --agent PRESET | --cmd "COMMAND"`, or the new-lane form).
 * Neither given → `config.defaultAgent`. The preset's command, args and env are copied into the
 * spec so the lane keeps its agent when the configuration changes later. A preset held back
 * because the repository file is not trusted is refused with the one trust line, and so is the
 * default agent when the untrusted repository file chose it.
 */
export const resolveAgent = (config: Config, choice: { agent?: string; cmd?: string }): AgentSpec => {
  if (choice.agent !== undefined && choice.cmd !== undefined) {
    throw usageError('use either --agent or --cmd, not both');
  }
  if (choice.cmd !== undefined) {
    if (choice.cmd.trim() === '') throw usageError('--cmd needs a command');
    return { kind: 'cmd', cmd: choice.cmd };
  }
  // The repository's own default agent waits for trust: new lanes need an explicit --agent until then.
  if (choice.agent === undefined && config.untrusted?.keys.includes('defaultAgent')) throw new LanesError(config.untrusted.line);
  const name = choice.agent ?? config.defaultAgent;
  const preset = Object.hasOwn(config.agents, name) ? config.agents[name] : undefined;
  // A preset of an untrusted repository file: its command is not run (nor copied into a lane).
  if (preset === undefined && config.untrusted?.agents.includes(name)) throw new LanesError(config.untrusted.line);
  if (preset === undefined) {
    throw new LanesError(`unknown agent preset '${name}': available: ${Object.keys(config.agents).join(', ')}`);
  }
  return {
    kind: 'preset',
    preset: name,
    command: preset.command,
    args: [...(preset.args ?? [])],
    ...(preset.env === undefined ? {} : { env: { ...preset.env } }),
  };
};

export interface AgentLaunch {
  command: string;
  args: string[];
  /** The complete environment for the agent's process. */
  env: Record<string, string>;
  /** A prompt to type into the agent's terminal once it runs (then Enter). */
  typePrompt?: string;
}

export interface AgentLaunchOptions {
  /** The lane's first task prompt. */
  prompt?: string;
  /** True once the prompt was delivered: it is not sent again (restarts). */
  promptDelivered?: boolean;
  /** Continue the agent's previous conversation (the preset's `resumeArgs`). */
  resume?: boolean;
  /** The configured presets: `prompt` and `resumeArgs` are looked up here by the spec's preset name. */
  presets: Config['agents'];
  /** The environment lanes runs in; the agent inherits it. */
  env: NodeJS.ProcessEnv;
}

const definedEnv = (env: NodeJS.ProcessEnv): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
};

/**
 * The process to start for a lane's agent: an argument array, never a shell string built from
 * names. A preset runs its command directly; `--cmd` runs the user's shell with `-c COMMAND` (the
 * user wrote a command line, so a shell is what they expect). How the prompt travels depends on the
 * preset's `prompt`: `arg` → the last argument, `type` (the default, also for `--cmd`) → returned
 * as `typePrompt`, `none` → dropped.
 */
export const agentLaunch = (spec: AgentSpec, options: AgentLaunchOptions): AgentLaunch => {
  const env = definedEnv(options.env);
  const prompt = options.prompt !== undefined && options.prompt !== '' && !options.promptDelivered ? options.prompt : undefined;
  if (spec.kind === 'cmd') {
    return { command: userShell(options.env), args: ['-c', spec.cmd], env, ...(prompt === undefined ? {} : { typePrompt: prompt }) };
  }
  const preset = Object.hasOwn(options.presets, spec.preset) ? options.presets[spec.preset] : undefined;
  const args = [...spec.args];
  if (options.resume) args.push(...(preset?.resumeArgs ?? []));
  const launch: AgentLaunch = { command: spec.command, args, env: { ...env, ...spec.env } };
  const mode = preset?.prompt ?? 'type';
  if (prompt !== undefined && mode === 'arg') {
    // A prompt that starts with '-' would otherwise be read as an option by the agent's CLI.
    if (prompt.startsWith('-')) args.push('--');
    args.push(prompt);
  } else if (prompt !== undefined && mode === 'type') {
    launch.typePrompt = prompt;
  }
  return launch;
};

/** Shell builtins and keywords: a `--cmd` starting with one of these has no program to look for. */
const SHELL_WORDS = new Set([
  '.', 'alias', 'bg', 'break', 'builtin', 'case', 'cd', 'command', 'continue', 'declare', 'do',
  'done', 'echo', 'elif', 'else', 'esac', 'eval', 'exec', 'exit', 'export', 'false', 'fg', 'fi',
  'for', 'function', 'getopts', 'hash', 'if', 'jobs', 'kill', 'let', 'local', 'printf', 'pwd',
  'read', 'readonly', 'return', 'select', 'set', 'shift', 'source', 'test', 'then', 'time',
  'times', 'trap', 'true', 'type', 'typeset', 'ulimit', 'umask', 'unalias', 'unset', 'until',
  'wait', 'while',
]);

/** A first word that is a plain program name or path (no quotes, variables, globs or `VAR=`). */
const PLAIN_WORD = /^[A-Za-z0-9_./+-]+$/;

/** The program a spec starts, when it can be known without running a shell. */
const programOf = (spec: AgentSpec): string | undefined => {
  if (spec.kind === 'preset') return spec.command;
  const first = spec.cmd.trim().split(/\s+/)[0] ?? '';
  if (!PLAIN_WORD.test(first) || SHELL_WORDS.has(first)) return undefined;
  return first;
};

/**
 * Refuse an agent whose program is not there, before any worktree is made (SPEC §2). `cwd`
 * resolves relative paths (default: the current folder). A `--cmd` is only checked when its first
 * word is a plain program name; anything else is the shell's business.
 */
export const checkAgentCommand = async (
  spec: AgentSpec,
  env: NodeJS.ProcessEnv,
  options: { cwd?: string } = {},
): Promise<void> => {
  const program = programOf(spec);
  if (program === undefined) return;
  const found = await findExecutable(program, { env, cwd: options.cwd ?? process.cwd() });
  if (found === undefined) {
    throw new LanesError(`agent command not found: ${program} (install it or pick another agent with --agent/--cmd)`);
  }
};
