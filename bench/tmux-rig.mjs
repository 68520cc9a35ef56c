/**
 * tmux as the anchor: a private server (`-L`, no configuration file), one window with a pane per
 * agent tiled like lanes tiles lanes, and its client attached in a 120×40 outer terminal, so that
 * tmux has to forward every update to a real client as lanes has to paint it. For the attach
 * bench the server starts detached and clients attach to it later, as lanes' UI attaches to its
 * host.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup.mjs';
import { benchEnv, makeTempDir, readyMarker } from './fixtures.mjs';
import { OuterPty } from './outer.mjs';
import { killTree } from './procs.mjs';

const run = promisify(execFile);
let serial = 0;

/** Lines of history each pane keeps: lanes' default scrollback (tmux's own default is 2,000). */
const HISTORY_LIMIT = 5000;

/**
 * The tmux command line that makes the session: a pane per agent, tiled, the first one selected.
 * Detached, the window is 120×39: what a 120×40 client leaves it after its status line, so that
 * attaching does not resize the panes.
 */
const sessionArgs = (socket, agents, detached) => {
  const [first, ...rest] = agents;
  const args = ['-L', socket, '-f', '/dev/null', 'start-server', ';', 'set', '-g', 'history-limit', String(HISTORY_LIMIT), ';'];
  args.push('new-session', ...(detached ? ['-d', '-x', '120', '-y', '39'] : []), '-s', 'bench', first.command, ';', 'set', '-g', 'remain-on-exit', 'on');
  // Re-tile after each split: repeated splits of one pane run out of room before 8 panes. Two
  // panes go side by side, as lanes puts two lanes.
  for (const agent of rest) args.push(';', 'split-window', agent.command, ';', 'select-layout', agents.length === 2 ? 'even-horizontal' : 'tiled');
  args.push(';', 'select-pane', '-t', '0');
  return args;
};

/** A private tmux server: its `tmux` runner, and a stop registered with cleanup. */
const privateServer = async () => {
  const home = await makeTempDir('lanes-bench-tmux-');
  const env = benchEnv(home);
  const socket = `lanes-bench-${process.pid}-${++serial}`;
  const tmux = (...args) => run('tmux', ['-L', socket, ...args], { env });
  const server = { home, env, socket, tmux, pid: undefined };
  server.stop = onCleanup(async () => {
    await tmux('kill-server').catch(() => undefined);
    if (server.pid) killTree(server.pid);
  });
  server.findPid = async () => {
    server.pid = Number((await tmux('display-message', '-p', '#{pid}')).stdout.trim());
    if (!Number.isInteger(server.pid) || server.pid <= 0) throw new Error('could not find the tmux server process');
  };
  return server;
};

/**
 * Start tmux with one pane per agent and wait until every agent printed its READY marker (well
 * under a second here; the limit only matters on an overloaded machine).
 * @param {Array<{ id: string, command: string }>} agents
 */
export const startTmux = async (agents, { timeoutMs = 20_000 } = {}) => {
  const server = await privateServer();
  const outer = new OuterPty({ file: 'tmux', args: sessionArgs(server.socket, agents, false), cwd: server.home, env: server.env });
  try {
    await outer.waitForMarkers(agents.map((a) => readyMarker(a.id)), timeoutMs);
    await server.findPid();
    return {
      mux: 'tmux',
      outer,
      client: outer.pid,
      server: server.pid,
      muxPids: [outer.pid, server.pid],
      dispose: async () => {
        await outer.dispose();
        await server.stop();
      },
    };
  } catch (error) {
    await outer.dispose();
    await server.stop();
    throw error;
  }
};

/**
 * Start a detached tmux server (a window the size a 120×40 client gives it) with one pane per agent,
 * and wait until every agent printed its READY marker (read with capture-pane). Resolves with
 * the server; `attachTmux` attaches clients to it; cleanup (or `server.stop`) ends it.
 */
export const startTmuxDetached = async (agents, { timeoutMs = 20_000 } = {}) => {
  const server = await privateServer();
  await run('tmux', sessionArgs(server.socket, agents, true), { env: server.env, cwd: server.home });
  await server.findPid();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const panes = await Promise.all(agents.map((_, i) => server.tmux('capture-pane', '-p', '-t', `bench:0.${i}`).then((r) => r.stdout)));
    if (agents.every((a, i) => panes[i].includes(readyMarker(a.id)))) return server;
    if (performance.now() > deadline) throw new Error('the agents of the detached tmux session did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/**
 * Attach a client to `server` in an outer terminal; resolves when every marker arrived on it, with
 * the session, `spawnedAt` and `shownAt` (performance.now() of the start and of the last marker).
 * Disposing it kills the client only: the server and its panes go on.
 */
export const attachTmux = async (server, { markers, timeoutMs = 20_000 }) => {
  const spawnedAt = performance.now();
  const outer = new OuterPty({ file: 'tmux', args: ['-L', server.socket, 'attach-session', '-t', 'bench'], cwd: server.home, env: server.env });
  try {
    const shownAt = await outer.waitForMarkers(markers, timeoutMs);
    return { mux: 'tmux', outer, client: outer.pid, server: server.pid, muxPids: [outer.pid, server.pid], spawnedAt, shownAt, dispose: () => outer.dispose() };
  } catch (error) {
    await outer.dispose();
    throw error;
  }
};
