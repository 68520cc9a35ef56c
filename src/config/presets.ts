import type { AgentPreset } from './schema.js';

/** The user's login shell, or `/bin/sh` when `$SHELL` is unset or empty. */
export const userShell = (env: NodeJS.ProcessEnv): string => {
  const shell = env.SHELL;
  return shell !== undefined && shell !== '' ? shell : '/bin/sh';
};

/**
 * The agent presets lanes knows without any configuration (SPEC §3). `prompt` says how a first
 * task prompt reaches the agent: `arg` as the last command-line argument (the CLI starts working on
 * it at once), `type` typed into its terminal once it runs. `resumeArgs` continue the agent's
 * previous conversation in that worktree when a lane is restarted.
 */
export const builtinPresets = (env: NodeJS.ProcessEnv): Record<string, AgentPreset> => ({
  shell: { command: userShell(env), prompt: 'type' },
  claude: {
    command: 'claude',
    prompt: 'arg',
    resumeArgs: ['--continue'],
    status: { busy: ['esc to interrupt'], waiting: ['Do you want to', '❯ 1\\. Yes'] },
  },
  codex: {
    command: 'codex',
    prompt: 'arg',
    resumeArgs: ['resume', '--last'],
    status: { busy: ['[Ee]sc to interrupt'], waiting: ['Allow command\\?', 'Approve'] },
  },
  aider: { command: 'aider', prompt: 'type' },
  gemini: { command: 'gemini', prompt: 'type', status: { busy: ['esc to cancel'], waiting: ['Waiting for user confirmation', 'Allow execution'] } },
  opencode: { command: 'opencode', prompt: 'type' },
});
