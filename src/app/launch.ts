import { agentLaunch } from '../config/agent.js';
import type { Config } from '../config/schema.js';
import type { LaneRecord } from '../core/lane.js';
import type { SpawnRequest } from '../term/types.js';
import { agentEnv } from './agent-env.js';

/** The terminal size of an agent started with no UI to show it (a UI attaching resizes it). */
export const HEADLESS_SIZE = { cols: 120, rows: 40 };

/**
 * What starts a lane's agent in the host: the same for the UI (a new lane, `R`) and `lanes new`.
 * Undefined when its agent is a preset of the untrusted repository file (held back until trusted).
 */
export const laneSpawnRequest = (
  record: LaneRecord,
  options: { config: Config; env: NodeJS.ProcessEnv; size: { cols: number; rows: number }; resume: boolean },
): SpawnRequest | undefined => {
  const { config } = options;
  const { untrusted } = config;
  if (untrusted && record.agent.kind === 'preset' && untrusted.agents.includes(record.agent.preset)) return undefined;
  const launch = agentLaunch(record.agent, {
    ...(record.prompt === undefined ? {} : { prompt: record.prompt }),
    promptDelivered: record.promptDelivered ?? false,
    resume: options.resume,
    presets: config.agents,
    env: options.env,
  });
  const env = agentEnv(options.env, { ...launch.env, LANES_LANE: record.name, LANES_BRANCH: record.branch, LANES_WORKTREE: record.worktree });
  return {
    id: record.name,
    command: launch.command,
    args: launch.args,
    cwd: record.worktree,
    env,
    cols: options.size.cols,
    rows: options.size.rows,
    scrollback: config.scrollback,
    ...(launch.typePrompt === undefined ? {} : { typePrompt: launch.typePrompt }),
  };
};

/** Whether a prompt travels in the spawn itself (an argument), so it counts as delivered once started. */
export const isPromptInArgs = (record: LaneRecord, request: SpawnRequest): boolean =>
  record.prompt !== undefined && record.prompt !== '' && !record.promptDelivered && request.typePrompt === undefined;
