import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { LanesError } from '../core/errors.js';
import { PROTOCOL_VERSION } from '../protocol/messages.js';
import { HostConnection, HostEndingError } from './connection.js';
import { ensureRuntimeDir, hostPaths, readLiveRecord, rotateLog, type HostPaths } from './runtime.js';

/** A host started on demand listens within this long, even on a loaded machine. */
const START_TIMEOUT_MS = 20_000;
/** Starts tried when each new host ends at once (it found the lock of one that was ending). */
const MAX_STARTS = 5;
/** How often a starting client tries the new host's socket. */
const START_POLL_MS = 50;

export interface ConnectOptions {
  role: 'ui' | 'cli';
  version: string;
  env?: NodeJS.ProcessEnv;
  /** Start a host when none runs (lanes, lanes new, lanes demo); otherwise undefined is returned. */
  start?: boolean;
  /** Frames a second the client paints at most. */
  fps?: number;
  /** Keep a connection to a host of another protocol (lanes host status and stop only). */
  allowOtherProtocol?: boolean;
}

const isNoHost = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  // ECONNRESET, EPIPE and a close before the welcome: a host that is ending.
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK' || code === 'ECONNRESET' || code === 'EPIPE' || error instanceof HostEndingError;
};

/** The repository's host speaks another protocol: a command that needs it cannot go on. */
export class OtherProtocolError extends LanesError {}

/** One line for a host of another version: what runs, and what to do. */
const otherVersion = (connection: HostConnection): LanesError => {
  const { welcome } = connection;
  const agents = welcome.terminals.filter((t) => t.state === 'running').length;
  return new OtherProtocolError(
    `a lanes host of version ${welcome.version} (protocol ${welcome.protocol}) runs ${agents} agent${agents === 1 ? '' : 's'} for this repository, and this lanes speaks protocol ${PROTOCOL_VERSION}`,
    { hint: `use lanes ${welcome.version} with it, or end its agents with lanes host stop --yes and run this lanes again` },
  );
};

/**
 * Connect to the repository's lanes host, starting it when asked and none runs. The socket is the
 * one `host.json` names while its host lives (whatever this process's environment says), else the
 * one of this environment; a folder that is not private is refused with one line.
 */
export const connectHost = async (commonDir: string, options: ConnectOptions): Promise<HostConnection | undefined> => {
  const env = options.env ?? process.env;
  const paths = await hostPaths(commonDir, env);
  const tryOpen = async (): Promise<HostConnection | undefined> => {
    const record = await readLiveRecord(paths);
    const socket = record?.socket ?? paths.socket;
    await ensureRuntimeDir(dirname(socket));
    try {
      const connection = await HostConnection.open(socket, { role: options.role, version: options.version, ...(options.fps ? { fps: options.fps } : {}) });
      if (connection.welcome.refused !== undefined && !options.allowOtherProtocol) {
        await connection.close();
        throw otherVersion(connection);
      }
      return connection;
    } catch (error) {
      if (isNoHost(error)) return undefined;
      throw error;
    }
  };
  const found = await tryOpen();
  if (found || !options.start) return found;
  let started = startHostProcess(commonDir, paths, env);
  let starts = 1;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    await sleep(START_POLL_MS);
    const connection = await tryOpen();
    if (connection) return connection;
    if (started.failed) break;
    // It ended at once without failing: a host that was ending held the lock. Start the next one.
    if (started.exited && starts < MAX_STARTS) {
      started = startHostProcess(commonDir, paths, env);
      starts += 1;
    }
  }
  throw new LanesError(`the lanes host did not start${started.failed ? ` (${started.failed})` : ''}`, { hint: `its log is ${paths.log}` });
};

/** Whether systemd can put the host into a scope of its own (so closing a login session spares it). */
const hasUserSystemd = (env: NodeJS.ProcessEnv): string | undefined => {
  const runtime = env.XDG_RUNTIME_DIR;
  if (!runtime || !existsSync(join(runtime, 'systemd', 'private'))) return undefined;
  for (const dir of (env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const candidate = join(dir, 'systemd-run');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
};

/**
 * Start `lanes host serve` for the repository, detached in a session of its own (and, where a
 * systemd user manager runs, in a scope of its own), its output going to the host log. Returns an
 * object whose `failed` says why, if the start failed outright.
 */
const startHostProcess = (commonDir: string, paths: HostPaths, env: NodeJS.ProcessEnv): { failed: string | undefined; exited: boolean } => {
  const outcome: { failed: string | undefined; exited: boolean } = { failed: undefined, exited: false };
  const bin = fileURLToPath(new URL('../../bin/lanes.js', import.meta.url));
  const hostArgs = [bin, 'host', 'serve', '--common-dir', commonDir];
  const hostEnv: NodeJS.ProcessEnv = { ...env };
  delete hostEnv.LANES_UI_CHILD;
  delete hostEnv.LANES_PAUSE_LEDGER;
  const run = (command: string, args: string[], onFailed: (why: string) => void): void => {
    void rotateLog(paths.log).finally(() => {
      let log: number | 'ignore' = 'ignore';
      try {
        log = openSync(paths.log, 'a', 0o600);
      } catch {
        // No log: the host still runs.
      }
      const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env: hostEnv, cwd: '/' });
      if (typeof log === 'number') closeSync(log);
      child.on('error', (error) => onFailed(error.message));
      child.on('exit', (code, signal) => {
        if (code !== 0 && code !== null) onFailed(`exit code ${code}`);
        else if (signal) onFailed(`ended by ${signal}`);
        else outcome.exited = true;
      });
      child.unref();
    });
  };
  const systemdRun = hasUserSystemd(env);
  const plain = (): void => run(process.execPath, hostArgs, (why) => (outcome.failed = why));
  if (systemdRun) run(systemdRun, ['--user', '--scope', '--quiet', '--collect', process.execPath, ...hostArgs], () => plain());
  else plain();
  return outcome;
};
