import { createHash } from 'node:crypto';
import { lstat, readdir, realpath, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { isAlive } from '../git/file-lock.js';
import { ensurePrivateDir, isPrivateDir, ledgerDirs } from '../term/pause-ledger.js';
import { processStartTime, type ProcessIdentity } from '../term/process-tree.js';

/** `lanes-ui-<repository key>-<UI pid>.sock`: a dead UI's socket is told by its name alone. */
const SOCKET_NAME = /^lanes-ui-([0-9a-f]{16})-(\d+)\.sock$/;
/** A question is one short JSON line; anything longer is not from lanes. */
const MAX_REQUEST_BYTES = 4096;
/** A reply lists a lane's processes; a tree larger than this is not an agent's. */
const MAX_PROCESSES = 10_000;
/**
 * The UI answers within milliseconds (one scan of /proc); a UI that is stopped or stuck must not
 * hold up `lanes rm` for long, and rm still ends everything working in the worktree without it.
 */
const QUERY_TIMEOUT_MS = 3_000;

/** The repository's key in socket names: its git common folder, resolved, hashed. */
const repoKey = async (commonDir: string): Promise<string> =>
  createHash('sha256')
    .update(await realpath(commonDir).catch(() => commonDir))
    .digest('hex')
    .slice(0, 16);

const isIdentity = (value: unknown): value is ProcessIdentity =>
  typeof value === 'object' &&
  value !== null &&
  Number.isSafeInteger((value as ProcessIdentity).pid) &&
  (value as ProcessIdentity).pid > 1 &&
  Number.isSafeInteger((value as ProcessIdentity).startTime) &&
  (value as ProcessIdentity).startTime >= 0;

const isSocketFile = async (path: string): Promise<boolean> => (await lstat(path).catch(() => undefined))?.isSocket() === true;

export interface TreeService {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Answer `lanes rm` (and anything else of lanes) asking for a lane's process tree: a Unix socket
 * in the private runtime folder of the pause ledger (`$XDG_RUNTIME_DIR/lanes` or
 * `<tmp>/lanes-<uid>`, a real folder of this user, mode 0700), named after the repository and
 * this process. A question is `{"lane":"<name>"}` and one line; the answer is
 * `{"processes":[{"pid":…,"startTime":…}]}`. Undefined when no private folder can be had.
 */
export const serveProcessTrees = async (
  commonDir: string,
  treeOf: (lane: string) => Promise<ProcessIdentity[]>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TreeService | undefined> => {
  const [dir] = await ledgerDirs(env);
  if (dir === undefined || !(await ensurePrivateDir(dir))) return undefined;
  const path = join(dir, `lanes-ui-${await repoKey(commonDir)}-${process.pid}.sock`);
  // Left by an earlier process with this pid, which is gone (this one has it now).
  if (await isSocketFile(path)) await unlink(path).catch(() => undefined);
  const server: Server = createServer((socket) => answer(socket, treeOf));
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(path, () => resolve(true));
  });
  if (!listening) return undefined;
  server.on('error', () => undefined);
  // The UI must not stay alive for its socket.
  server.unref();
  return {
    path,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlink(path).catch(() => undefined);
    },
  };
};

const answer = (socket: Socket, treeOf: (lane: string) => Promise<ProcessIdentity[]>): void => {
  socket.setTimeout(QUERY_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  let text = '';
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    const end = text.indexOf('\n');
    if (end < 0) {
      if (text.length > MAX_REQUEST_BYTES) socket.destroy();
      return;
    }
    socket.off('data', onData);
    let lane: unknown;
    try {
      lane = (JSON.parse(text.slice(0, end)) as { lane?: unknown }).lane;
    } catch {
      lane = undefined;
    }
    const reply = typeof lane === 'string' ? treeOf(lane).catch(() => []) : Promise.resolve([]);
    void reply.then((processes) => socket.end(`${JSON.stringify({ processes })}\n`));
  };
  socket.on('data', onData);
};

/** Ask one UI's socket; nothing when it does not answer in time or answers nonsense. */
const ask = (path: string, lane: string): Promise<ProcessIdentity[]> =>
  new Promise((resolve) => {
    let text = '';
    const socket = createConnection(path);
    const done = (processes: ProcessIdentity[]): void => {
      socket.destroy();
      resolve(processes);
    };
    socket.setTimeout(QUERY_TIMEOUT_MS, () => done([]));
    socket.on('error', () => done([]));
    socket.on('connect', () => socket.write(`${JSON.stringify({ lane })}\n`));
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      if (text.length > MAX_PROCESSES * 64) done([]);
    });
    socket.on('end', () => {
      try {
        const { processes } = JSON.parse(text) as { processes?: unknown };
        done(Array.isArray(processes) ? processes.filter(isIdentity).slice(0, MAX_PROCESSES) : []);
      } catch {
        done([]);
      }
    });
  });

/**
 * The process tree of lane `laneName` as the running UIs of the repository at `repoCommonDir`
 * see it (see serveProcessTrees): the agent and its descendants, those that left the worktree
 * included. Only sockets in a private runtime folder are asked, and only processes whose start
 * time still matches are returned, so every pid in the result is the process the UI named. Empty
 * when no UI runs. Sockets of UIs that are gone are removed.
 */
export const uiProcessTreeOf = async (repoCommonDir: string, laneName: string, env: NodeJS.ProcessEnv = process.env): Promise<ProcessIdentity[]> => {
  const key = await repoKey(repoCommonDir);
  const answers: ProcessIdentity[] = [];
  for (const dir of await ledgerDirs(env)) {
    if (!(await isPrivateDir(dir))) continue;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const [, socketKey, uiPid] = SOCKET_NAME.exec(name) ?? [];
      if (socketKey !== key) continue;
      const path = join(dir, name);
      if (!isAlive(Number(uiPid))) {
        if (await isSocketFile(path)) await unlink(path).catch(() => undefined);
        continue;
      }
      answers.push(...(await ask(path, laneName)));
    }
  }
  const unique = [...new Map(answers.map((entry) => [`${entry.pid}:${entry.startTime}`, entry])).values()];
  const checked = await Promise.all(unique.map(async (entry) => (entry.pid !== process.pid && (await processStartTime(entry.pid)) === entry.startTime ? entry : undefined)));
  return checked.filter((entry): entry is ProcessIdentity => entry !== undefined);
};

/**
 * Remove the sockets of the UI `uiPid`, which is gone (the launcher calls this after its UI
 * ended, so a UI killed outright leaves nothing in the runtime folder).
 */
export const removeUiSockets = async (dirs: readonly string[], uiPid: number): Promise<void> => {
  for (const dir of dirs) {
    if (!(await isPrivateDir(dir))) continue;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      if (SOCKET_NAME.exec(name)?.[2] === String(uiPid) && (await isSocketFile(path))) await unlink(path).catch(() => undefined);
    }
  }
};
