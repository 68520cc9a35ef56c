/**
 * lanes as the bench runs it: a temporary repository whose lanes were made with `lanes new` (which
 * starts each agent in the repository's lanes host at once), and the built UI started in a 120×40
 * outer terminal, which attaches to that host. A UI start never starts an agent again: the agents
 * live in the host from `lanes new` until the bench stops the host (`lanes host stop --yes`) at its
 * end, on errors and on Ctrl-C. So one repository, and one agent per lane, serve every repetition
 * of a scenario; agents go back to waiting after each command (fixtures.mjs), and a UI that is
 * killed between repetitions is a detach.
 */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { onCleanup } from './cleanup.mjs';
import { makeTempDir, benchEnv, privateRuntimeDir, readyMarker } from './fixtures.mjs';
import { OuterPty } from './outer.mjs';
import { childrenOf, commandLine, killTree, startTime } from './procs.mjs';

const run = promisify(execFile);

export const LANES_BIN = fileURLToPath(new URL('../bin/lanes.js', import.meta.url));

/** A host started by the bench listens well within this (a host start takes 0.2–0.5 s here). */
const HOST_START_TIMEOUT_MS = 20_000;
/** `lanes host stop --yes` ends the agents (3 s grace at most) and then the host. */
const HOST_STOP_TIMEOUT_MS = 15_000;

/** Where `--cpu-prof` puts profiles, when set. */
let profileDir;

/** Note which process a profile belongs to (profiles are named by pid). */
const noteProfiled = (pid, role) => {
  if (profileDir) appendFileSync(join(profileDir, 'processes.txt'), `${pid}\t${role}\n`);
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The live host of `repo` as its `host.json` names it (pid and start time checked), or undefined. */
export const hostOf = async (repo) => {
  let record;
  try {
    record = JSON.parse(await readFile(join(repo.dir, '.git', 'lanes', 'host.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const pid = Number(record.pid);
  if (!Number.isSafeInteger(pid) || pid <= 1 || startTime(pid) !== record.startTime) return undefined;
  return { pid, startTime: record.startTime };
};

const isSameProcess = (host) => startTime(host.pid) === host.startTime;

/**
 * End the host of `repo` and its agents: `lanes host stop --yes`, as a user would; if the host is
 * still there after that (a wedged host), SIGKILL for it and everything below it.
 */
export const stopHost = async (repo) => {
  const host = await hostOf(repo);
  if (!host) return;
  await run(process.execPath, [LANES_BIN, 'host', 'stop', '--yes'], { cwd: repo.dir, env: repo.env, timeout: HOST_STOP_TIMEOUT_MS }).catch(() => undefined);
  for (let waited = 0; waited < 5000 && isSameProcess(host); waited += 50) await sleep(50);
  if (isSameProcess(host)) killTree(host.pid);
};

/** Every repository made, so that their hosts can be stopped at once. */
const repos = new Set();

/** Stop every repository's host, all at once (cleanup would stop them one after the other). */
export const stopAllHosts = () => Promise.all([...repos].map((repo) => stopHost(repo)));

/**
 * With `--cpu-prof` the bench starts each repository's host itself, profiled, before any lanes
 * command: lanes starts its host without its own Node options, and NODE_OPTIONS would profile
 * every agent too. A host already running is the one lanes uses.
 */
const startProfiledHost = async (repo) => {
  const stateDir = join(repo.dir, '.git', 'lanes');
  await mkdir(stateDir, { recursive: true });
  const log = openSync(join(stateDir, 'host.log'), 'a', 0o600);
  const args = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, LANES_BIN, 'host', 'serve', '--common-dir', join(repo.dir, '.git')];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log], env: repo.env, cwd: '/' });
  closeSync(log);
  child.unref();
  for (let waited = 0; waited < HOST_START_TIMEOUT_MS; waited += 50) {
    const host = await hostOf(repo);
    if (host) {
      noteProfiled(host.pid, `host of ${repo.label}`);
      return;
    }
    await sleep(50);
  }
  throw new Error(`the profiled lanes host of ${repo.label} did not start (its log: ${join(stateDir, 'host.log')})`);
};

/**
 * A repository with one lane per agent, created through the real CLI; each agent starts in the
 * repository's lanes host at once. The host is stopped by cleanup.
 * @param {Array<{ id: string, command: string }>} agents lane name and agent command
 * @param {string} label what the repository serves (names its processes in profiles)
 */
export const makeLanesRepo = async (agents, label = agents.map((a) => a.id).join(',')) => {
  const root = await makeTempDir('lanes-bench-');
  const home = join(root, 'home');
  const dir = join(root, 'repo');
  const env = benchEnv(home);
  await run('mkdir', ['-p', home, dir]);
  await privateRuntimeDir(env);
  const git = (...args) => run('git', args, { cwd: dir, env });
  await git('init', '-q', '-b', 'main');
  await run('sh', ['-c', 'printf "# bench\\n" > README.md'], { cwd: dir });
  await git('add', 'README.md');
  await git('commit', '-q', '-m', 'init');
  const repo = { root, dir, env, label, ids: agents.map((a) => a.id) };
  // Registered before any host can start (after the folder's removal, so it runs before it).
  repos.add(repo);
  onCleanup(() => stopHost(repo));
  if (profileDir) await startProfiledHost(repo);
  for (const agent of agents) await newLane(repo, agent);
  if (!(await hostOf(repo))) throw new Error(`lanes new left no lanes host running for ${label}`);
  return repo;
};

/** `lanes new` one more lane on `repo` (its agent starts in the host at once). */
export const newLane = async (repo, agent) => {
  await run(process.execPath, [LANES_BIN, 'new', agent.id, '--cmd', agent.command], { cwd: repo.dir, env: repo.env });
};

/**
 * Profile every lanes process the bench starts: `--cpu-prof` into `dir` for each UI (the launcher
 * passes its own options on to the UI process; agents do not get them, unlike with NODE_OPTIONS)
 * and each host (started by the bench, see startProfiledHost). Profiles are written when a process
 * exits normally, so such UIs detach with q, y instead of being killed, and hosts end with
 * `lanes host stop`. `processes.txt` there says which pid was what.
 */
export const profileLanesInto = (dir) => {
  profileDir = dir;
};

const defaultNodeOptions = () => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);

/** Detach the way a user does (Ctrl-q leaves type mode; q asks; y detaches), then kill what is left. */
const quit = async (outer) => {
  for (const key of ['\x11', 'q', 'y']) {
    outer.write(key);
    // Time for the dialog to open before its answer arrives.
    await sleep(200);
  }
  await Promise.race([outer.exited, sleep(8000)]);
  await outer.dispose();
};

/**
 * Start the UI on `repo` in an outer terminal and wait until every marker (default: every agent's
 * READY marker) arrived on the outer terminal. The repository's host must run already: the UI
 * attaches to it, and a UI that had to start a host would show every agent as exited. The UI is
 * up in 0.3–1 s here; the 30 s limit only matters on a badly overloaded machine. Resolves with the
 * session: its processes (launcher, UI, host), `spawnedAt` and `shownAt` (performance.now() of the
 * start and of the last marker), and `dispose` (a detach).
 */
export const startLanes = async (repo, { nodeOptions = defaultNodeOptions(), timeoutMs = 30_000, markers = repo.ids.map(readyMarker) } = {}) => {
  const host = await hostOf(repo);
  if (!host) throw new Error(`the lanes host of ${repo.label} is not running (its agents are gone)`);
  const spawnedAt = performance.now();
  const outer = new OuterPty({ file: process.execPath, args: [...nodeOptions, LANES_BIN], cwd: repo.dir, env: repo.env });
  try {
    const shownAt = await outer.waitForMarkers(markers, timeoutMs);
    const launcher = outer.pid;
    // The launcher runs the UI as its only child: node with the built CLI entry.
    const ui = childrenOf(launcher).find((pid) => commandLine(pid).startsWith(process.execPath));
    if (ui === undefined) throw new Error('could not find the lanes UI process under the launcher');
    const isProfiled = nodeOptions.includes('--cpu-prof');
    if (isProfiled) {
      noteProfiled(launcher, `launcher of ${repo.label}`);
      noteProfiled(ui, `UI of ${repo.label}`);
    }
    return { mux: 'lanes', outer, launcher, ui, host: host.pid, muxPids: [launcher, ui, host.pid], spawnedAt, shownAt, dispose: () => (isProfiled ? quit(outer) : outer.dispose()) };
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
