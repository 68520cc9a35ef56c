/**
 * tmux as the anchor: a private server (`-L`, no configuration file), one window with a pane per
 * agent tiled like lanes tiles lanes, and its client attached in a 120×40 outer terminal, so that
 * tmux has to forward every update to a real client as lanes has to paint it.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup.mjs';
import { benchEnv, makeTempDir, readyMarker } from './fixtures.mjs';
import { OuterPty } from './outer.mjs';
import { killTree } from './procs.mjs';

const run = promisify(execFile);
let serial = 0;

/**
 * Start tmux with one pane per agent and wait until every agent printed its READY marker (well
 * under a second here; the limit only matters on an overloaded machine).
 * @param {Array<{ id: string, command: string }>} agents
 */
export const startTmux = async (agents, { timeoutMs = 20_000 } = {}) => {
  const home = await makeTempDir('lanes-bench-tmux-');
  const env = benchEnv(home);
  const socket = `lanes-bench-${process.pid}-${++serial}`;
  const tmux = (...args) => run('tmux', ['-L', socket, ...args], { env });
  const [first, ...rest] = agents;
  const args = ['-L', socket, '-f', '/dev/null', 'new-session', '-s', 'bench', first.command, ';', 'set', '-g', 'remain-on-exit', 'on'];
  // Re-tile after each split: repeated splits of one pane run out of room before 8 panes. Two
  // panes go side by side, as lanes puts two lanes.
  for (const agent of rest) args.push(';', 'split-window', agent.command, ';', 'select-layout', agents.length === 2 ? 'even-horizontal' : 'tiled');
  args.push(';', 'select-pane', '-t', '0');
  let serverPid;
  const stopServer = onCleanup(async () => {
    await tmux('kill-server').catch(() => undefined);
    if (serverPid) killTree(serverPid);
  });
  const outer = new OuterPty({ file: 'tmux', args, cwd: home, env });
  try {
    await outer.waitForMarkers(agents.map((a) => readyMarker(a.id)), timeoutMs);
    serverPid = Number((await tmux('display-message', '-p', '#{pid}')).stdout.trim());
    if (!Number.isInteger(serverPid) || serverPid <= 0) throw new Error('could not find the tmux server process');
    return {
      outer,
      client: outer.pid,
      server: serverPid,
      muxPids: [outer.pid, serverPid],
      dispose: async () => {
        await outer.dispose();
        await stopServer();
      },
    };
  } catch (error) {
    await outer.dispose();
    await stopServer();
    throw error;
  }
};

