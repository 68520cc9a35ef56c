import { version } from '../cli/version.js';
import { LanesError } from '../core/errors.js';
import { connectHost } from '../host/connect.js';
import type { HostConnection } from '../host/connection.js';
import { RemoteHost } from '../host/remote-host.js';
import type { LaneRecord } from '../core/lane.js';
import type { LanesContext } from './context.js';
import { HEADLESS_SIZE, isPromptInArgs, laneSpawnRequest } from './launch.js';

/** Connect to the repository's host, starting it when none runs (as `lanes`, `lanes new`, `lanes demo` do). */
export const startedHost = async (context: LanesContext, role: 'ui' | 'cli'): Promise<HostConnection> => {
  const connection = await connectHost(context.repo.commonDir, { role, version: version(), env: context.env, start: true, fps: context.config.maxFps });
  if (!connection) throw new LanesError('the lanes host did not start');
  return connection;
};

/** The UI's view of the host: attached now, connecting again (a new host) only when asked to start an agent. */
export const attachHost = async (context: LanesContext): Promise<RemoteHost> =>
  new RemoteHost(await startedHost(context, 'ui'), () => startedHost(context, 'ui'));

/** A command-line connection to the running host, if one runs (nothing is started). */
export const runningHost = (context: LanesContext): Promise<HostConnection | undefined> =>
  connectHost(context.repo.commonDir, { role: 'cli', version: version(), env: context.env });

/**
 * Start a lane's agent in the host (`lanes new`, `lanes restore`) (started if none runs), whether a UI runs or not; the UI
 * shows it as soon as it notices the lane. One line says what happened.
 */
export const startLaneAgent = async (context: LanesContext, lane: LaneRecord, options: { resume: boolean }): Promise<string> => {
  const request = laneSpawnRequest(lane, { config: context.config, env: context.env, size: HEADLESS_SIZE, resume: options.resume });
  if (request === undefined) return `its agent is held back: ${context.config.untrusted?.line ?? 'the repository file is not trusted'}`;
  let connection = await startedHost(context, 'cli');
  try {
    let started: boolean;
    try {
      ({ started } = await connection.request<{ started: boolean }>({ t: 'spawn', request }));
    } catch (error) {
      // The host was ending just as we reached it (idle, or stopped): the next one takes the agent.
      if (connection.isOpen && !/shut down/.test(String(error))) throw error;
      await connection.close();
      connection = await startedHost(context, 'cli');
      ({ started } = await connection.request<{ started: boolean }>({ t: 'spawn', request }));
    }
    const patch: Partial<LaneRecord> = { hasStarted: true, ...(isPromptInArgs(lane, request) ? { promptDelivered: true } : {}) };
    await context.stateStore.update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === lane.name ? { ...l, ...patch } : l)) }));
    const info = (await connection.request<{ terminals: Array<{ id: string; pid?: number; state: string; failure?: string }> }>({ t: 'status' })).terminals.find((t) => t.id === lane.name);
    if (info?.state === 'failed') return `its agent did not start: ${info.failure ?? 'unknown reason'}`;
    const pid = info?.pid === undefined ? '' : ` (pid ${info.pid})`;
    return started ? `started its agent in the lanes host${pid}; lanes shows it, lanes send ${lane.name} TEXT types into it` : `its agent already runs in the lanes host${pid}`;
  } finally {
    await connection.close();
  }
};

/** What pausing through the host needs: the UI's TerminalHost, or a command-line connection. */
export interface Pausable {
  isRunning(lane: string): boolean;
  isPaused(lane: string): boolean;
  pause(lane: string): Promise<void>;
  resume(lane: string): Promise<void>;
}

/**
 * Run `work` with the lane's agent paused (its whole tree), when it runs and is not paused already;
 * it is resumed afterwards whatever happened. Merge's work-in-progress commit runs this way.
 */
export const withAgentPaused = async (host: Pausable | undefined, lane: string, work: () => Promise<void>): Promise<void> => {
  if (!host || !host.isRunning(lane) || host.isPaused(lane)) return work();
  await host.pause(lane);
  try {
    await work();
  } finally {
    await host.resume(lane).catch(() => undefined);
  }
};

/** {@link Pausable} over a command-line connection to the host. */
export const pausableOf = (connection: HostConnection): Pausable => {
  const info = (lane: string) => connection.welcome.terminals.find((t) => t.id === lane);
  return {
    isRunning: (lane) => info(lane)?.state === 'running',
    isPaused: (lane) => info(lane)?.isPaused === true,
    pause: (lane) => connection.request({ t: 'pause', lane }).then(() => undefined),
    resume: (lane) => connection.request({ t: 'resume', lane }).then(() => undefined),
  };
};
