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

/**
 * Start the UI on `repo` in an outer terminal and wait until every agent printed its READY marker
 * on the outer screen. `nodeOptions` goes to the UI process only (e.g. --cpu-prof), not to agents.
 */
export const startLanes = async (repo, { nodeOptions = [], timeoutMs = 30_000 } = {}) => {
  const outer = new OuterPty({ file: process.execPath, args: [...nodeOptions, LANES_BIN], cwd: repo.dir, env: repo.env });
  try {
    await outer.waitForMarkers(repo.ids.map(readyMarker), timeoutMs);
    const launcher = outer.pid;
    // The launcher runs the UI as its only child: node with the built CLI entry.
    const ui = childrenOf(launcher).find((pid) => commandLine(pid).startsWith(process.execPath));
    if (ui === undefined) throw new Error('could not find the lanes UI process under the launcher');
    return { outer, launcher, ui, muxPids: [launcher, ui], dispose: () => outer.dispose() };
  } catch (error) {
    await outer.dispose();
    throw error;
  }
};

/** Enter type mode on lane number `n` (1-based) and wait for the footer to say TYPE. */
export const enterTypeMode = async (session, n) => {
  session.outer.write(String(n));
  await new Promise((resolve) => setTimeout(resolve, 100));
  session.outer.write('\r');
  await session.outer.waitForScreen((s) => s.split('\n').at(-1).includes('TYPE'), 'the footer to show TYPE');
};
