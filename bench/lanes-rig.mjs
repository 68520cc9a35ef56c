/**
 * lanes as the bench runs it: a temporary repository whose lanes were made with `lanes new`, and
 * the built UI started in a 120×40 outer terminal. Every UI start starts every lane's agent again,
 * so one repository serves all repetitions of a scenario.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempDir, benchEnv, readyMarker } from './fixtures.mjs';
import { OuterPty } from './outer.mjs';
import { childrenOf, commandLine } from './procs.mjs';

const run = promisify(execFile);

export const LANES_BIN = fileURLToPath(new URL('../bin/lanes.js', import.meta.url));

/**
 * A repository with one lane per agent, created through the real CLI.
 * @param {Array<{ id: string, command: string }>} agents lane name and agent command
 */
export const makeLanesRepo = async (agents) => {
  const root = await makeTempDir('lanes-bench-');
  const home = join(root, 'home');
  const dir = join(root, 'repo');
  const env = benchEnv(home);
  await run('mkdir', ['-p', home, dir]);
  const git = (...args) => run('git', args, { cwd: dir, env });
  await git('init', '-q', '-b', 'main');
  await run('sh', ['-c', 'printf "# bench\\n" > README.md'], { cwd: dir });
  await git('add', 'README.md');
  await git('commit', '-q', '-m', 'init');
  for (const agent of agents) {
    await run(process.execPath, [LANES_BIN, 'new', agent.id, '--cmd', agent.command], { cwd: dir, env });
  }
  return { root, dir, env, ids: agents.map((a) => a.id) };
};

/** Node options for every lanes UI the bench starts (set by `--cpu-prof`). */
let defaultNodeOptions = [];

/**
 * Profile every lanes UI the bench starts: `--cpu-prof` into `dir` (the launcher passes its own
 * options on to the UI process; agents do not get them, unlike with NODE_OPTIONS). Profiles are
 * written when a process exits normally, so such UIs are quit with q, y instead of being killed.
 */
export const profileLanesInto = (dir) => {
  defaultNodeOptions = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
};

/** Quit the UI the way a user does (Ctrl-q leaves type mode; q asks; y confirms), then kill what is left. */
const quit = async (outer) => {
  for (const key of ['\x11', 'q', 'y']) {
    outer.write(key);
    // Time for the dialog to open before its answer arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // lanes gives agents 3 s to end after SIGTERM before it exits.
  await Promise.race([outer.exited, new Promise((resolve) => setTimeout(resolve, 8000))]);
  await outer.dispose();
};

/**
 * Start the UI on `repo` in an outer terminal and wait until every agent printed its READY marker
 * on the outer screen. `nodeOptions` go to the lanes processes only, not to the agents. The UI and
 * its agents are up in 1.5–3 s here; the 30 s limit only matters on a badly overloaded machine.
 */
export const startLanes = async (repo, { nodeOptions = defaultNodeOptions, timeoutMs = 30_000 } = {}) => {
  const outer = new OuterPty({ file: process.execPath, args: [...nodeOptions, LANES_BIN], cwd: repo.dir, env: repo.env });
  try {
    await outer.waitForMarkers(repo.ids.map(readyMarker), timeoutMs);
    const launcher = outer.pid;
    // The launcher runs the UI as its only child: node with the built CLI entry.
    const ui = childrenOf(launcher).find((pid) => commandLine(pid).startsWith(process.execPath));
    if (ui === undefined) throw new Error('could not find the lanes UI process under the launcher');
    const isProfiled = nodeOptions.includes('--cpu-prof');
    return { outer, launcher, ui, muxPids: [launcher, ui], dispose: () => (isProfiled ? quit(outer) : outer.dispose()) };
  } catch (error) {
    await outer.dispose();
    throw error;
  }
};

/** Enter type mode on lane number `n` (1-based) and wait for the footer to say TYPE. */
export const enterTypeMode = async (session, n) => {
  session.outer.write(String(n));
  session.outer.write('\r');
  await session.outer.waitForScreen((s) => s.split('\n').at(-1).includes('TYPE'), 'the footer to show TYPE');
};
