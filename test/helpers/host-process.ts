import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, unlink } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { HostConnection } from '../../src/host/connection.js';
import { hostPaths, type HostPaths, type HostRecord } from '../../src/host/runtime.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/framing.js';
import type { TerminalInfo } from '../../src/protocol/messages.js';
import { processStartTime, type ProcessIdentity } from '../../src/term/process-tree.js';
import { stopHostOf } from './host-cleanup.js';
import { killStarted, readIdentity } from './process-probe.js';
import { isolatedEnv, runLanes, type CliResult } from './run-cli.js';
import { gitIn } from './temp-repo.js';
import { waitFor } from './wait-for.js';

export const RECORD_AGENT = fileURLToPath(new URL('./agents/record-agent.js', import.meta.url));

/**
 * One repository with its own lanes environment for tests of the host process: a fresh HOME whose
 * `run` folder (mode 0700) is XDG_RUNTIME_DIR, so the host's socket lives in a folder of this test
 * alone; the repository's main worktree is `dir` (under `nested` folders when given).
 */
export interface HostCase {
  dir: string;
  commonDir: string;
  home: string;
  /** This test's XDG_RUNTIME_DIR; lanes keeps its sockets in `<runtime>/lanes`. */
  runtime: string;
  env: Record<string, string>;
  paths: HostPaths;
  /** Run the built lanes in the main worktree (no terminal). */
  lanes(...args: string[]): Promise<CliResult>;
  /** Where the record agent of lane `name` writes what it reads. */
  received(name: string): string;
  /** `--cmd` for a record agent of lane `name`. */
  recordCmd(name: string): string;
  cleanup(): Promise<void>;
}

export const makeHostCase = async (options: { nested?: string[] } = {}): Promise<HostCase> => {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'lanes-host-')));
  const dir = join(root, ...(options.nested ?? []), 'repo');
  await mkdir(dir, { recursive: true });
  await gitIn(dir, ['init', '-q', '-b', 'main']);
  await gitIn(dir, ['commit', '-q', '--allow-empty', '-m', 'initial commit']);
  const { env, home } = await isolatedEnv();
  const runtime = join(home, 'run');
  await mkdir(runtime, { mode: 0o700 });
  env.XDG_RUNTIME_DIR = runtime;
  const commonDir = join(dir, '.git');
  const received = (name: string): string => join(root, `received-${name}`);
  return {
    dir,
    commonDir,
    home,
    runtime,
    env,
    paths: await hostPaths(commonDir, env),
    lanes: (...args) => runLanes(args, { cwd: dir, env, timeoutMs: 60_000 }),
    received,
    recordCmd: (name) => `node ${JSON.stringify(RECORD_AGENT)} ${JSON.stringify(received(name))} ${name}`,
    cleanup: async () => {
      // A record a test wrote naming this very process must never lead cleanup to signal it.
      const record = await readHostRecord(commonDir);
      if (record?.pid === process.pid) await unlink(join(commonDir, 'lanes', 'host.json')).catch(() => undefined);
      await stopHostOf(commonDir);
      await killStarted();
      await rm(root, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    },
  };
};

/** What `<common-dir>/lanes/host.json` says, as it is (alive or not). */
export const readHostRecord = async (commonDir: string): Promise<HostRecord | undefined> => {
  try {
    return JSON.parse(await readFile(join(commonDir, 'lanes', 'host.json'), 'utf8')) as HostRecord;
  } catch {
    return undefined;
  }
};

/** The pids of `lanes host serve` processes of this repository (any checkout's). */
export const hostProcessesOf = async (commonDir: string): Promise<number[]> => {
  const pids: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const args = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf('--common-dir');
    if (args.includes('serve') && at >= 0 && args[at + 1] === commonDir) pids.push(Number(name));
  }
  return pids;
};

/** A refusal as the command line must print it: exit 1, nothing on stdout, one line on stderr. */
export const expectOneLineRefusal = (result: CliResult, options: { stdout?: boolean } = {}): string => {
  expect(result.code, `${result.stdout}${result.stderr}`).toBe(1);
  if (!options.stdout) expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^lanes: [^\n]+\n$/);
  return result.stderr;
};

/** Wait until the record agent of lane `name` has read exactly `text` so far. */
export const waitForReceived = async (c: HostCase, name: string, text: string): Promise<void> => {
  await waitFor(async () => (await readFile(c.received(name), 'utf8').catch(() => undefined)) === text, 15_000, `lane ${name} to read ${JSON.stringify(text)}`);
};

/** `lanes new NAME --cmd <record agent>`, and wait until that agent is ready for keys. */
export const newRecordLane = async (c: HostCase, name: string): Promise<void> => {
  const made = await c.lanes('new', name, '--cmd', c.recordCmd(name));
  expect(made.code, made.stderr).toBe(0);
  await waitFor(() => existsSync(c.received(name)), 15_000, `the agent of lane ${name} to be ready`);
  // Ended after the test whatever happened (readIdentity lists it for killStarted).
  await readIdentity(dirname(c.received(name)), basename(c.received(name)));
};

/** The host's pid and start time, from its record, checked to be a live process. */
export const liveHost = async (c: HostCase): Promise<ProcessIdentity> => {
  const record = await readHostRecord(c.commonDir);
  expect(record, 'host.json').toBeDefined();
  const { pid, startTime } = record as HostRecord;
  expect(await processStartTime(pid), 'the host named by host.json runs').toBe(startTime);
  return { pid, startTime };
};

/** A lane as `lanes ls --json` shows it (the fields these tests read). */
export interface LaneRow {
  name: string;
  worktree: string;
  status: string;
  pid: number | null;
}

/** The repository's lanes through `lanes ls --json` (which must succeed). */
export const lsJson = async (c: HostCase): Promise<LaneRow[]> => {
  const result = await c.lanes('ls', '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as LaneRow[];
};

/** The status of the repository's host through `lanes host status --json`. */
export const hostStatusJson = async (c: HostCase): Promise<{ running: boolean; pid?: number; clients?: number; terminals?: TerminalInfo[] }> => {
  const result = await c.lanes('host', 'status', '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { running: boolean; pid?: number; terminals?: TerminalInfo[] };
};

/** A command-line connection to the repository's running host, at the socket its record names. */
export const connectCli = async (c: HostCase): Promise<HostConnection> => {
  const record = await readHostRecord(c.commonDir);
  if (!record) throw new Error('no host.json: no host runs');
  return HostConnection.open(record.socket, { role: 'cli', version: 'test' });
};

export interface RawReply {
  t: 'reply';
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
}

/** A raw client on a socket that collects every frame the other side sends. */
export class RawClient {
  readonly messages: unknown[] = [];
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder();
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.messages.push(...this.decoder.push(chunk));
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(path: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawClient(socket));
      });
    });
  }

  send(message: unknown): void {
    this.socket.write(encodeFrame(message));
  }

  /** The first message that `match` accepts, once it came. */
  async next<T>(match: (message: T) => boolean, what: string): Promise<T> {
    return (await waitFor(() => this.messages.find((m) => match(m as T)) as T | undefined, 15_000, what)) as T;
  }

  /** The reply to request `id`. */
  reply(id: number): Promise<RawReply> {
    return this.next((m: RawReply) => m.t === 'reply' && m.id === id, `the reply to request ${id}`);
  }
}
