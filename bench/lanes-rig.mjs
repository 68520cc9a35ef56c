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
/** Node options of `--node-options`, for every lanes host and UI the bench starts. */
let extraNodeOptions = [];
/** Where pids and roles are announced (the bench's progress on stderr). */
let log = (text) => process.stderr.write(`${text}\n`);

/**
 * Say which pid is which lanes process: on the progress log (hosts always; launchers and UIs when
 * they run with Node options, so that `perf record -p PID` can find them), and in `processes.txt`
 * beside the profiles (profiles are named by pid).
 */
const announce = (pid, role) => {
  if (profileDir) appendFileSync(join(profileDir, 'processes.txt'), `${pid}\t${role}\n`);
  log(`pid ${pid}: ${role}`);
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
 * With Node options (`--cpu-prof`, `--node-options`, the heap probe) the bench starts the
 * repository's host itself, `node OPTIONS bin/lanes.js host serve --common-dir <repo>/.git`
 * detached as lanes starts it, before any lanes command: lanes starts its host without its own
 * Node options, and NODE_OPTIONS would reach every agent too. A host already running is the one
 * lanes uses.
 */
const startHostWith = async (repo, nodeOptions) => {
  const stateDir = join(repo.dir, '.git', 'lanes');
  await mkdir(stateDir, { recursive: true });
  const logFd = openSync(join(stateDir, 'host.log'), 'a', 0o600);
  const args = [...nodeOptions, LANES_BIN, 'host', 'serve', '--common-dir', join(repo.dir, '.git')];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', logFd, logFd], env: repo.env, cwd: '/' });
  closeSync(logFd);
  child.unref();
  for (let waited = 0; waited < HOST_START_TIMEOUT_MS; waited += 50) {
    if (await hostOf(repo)) return;
    await sleep(50);
  }
  throw new Error(`the lanes host of ${repo.label} (started with ${nodeOptions.join(' ')}) did not start (its log: ${join(stateDir, 'host.log')})`);
};

/** Node options of every lanes process the bench starts: those of --cpu-prof, then --node-options. */
export const benchNodeOptions = () => [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...extraNodeOptions];

/**
 * A repository with one lane per agent, created through the real CLI; each agent starts in the
 * repository's lanes host at once (started by the bench when it has Node options). The host is
 * stopped by cleanup.
 * @param {Array<{ id: string, command: string }>} agents lane name and agent command
 * @param {string} label what the repository serves (names its processes in profiles)
 * @param {{ hostNodeOptions?: string[] }} options Node options of its host (default: the bench's)
 */
export const makeLanesRepo = async (agents, label = agents.map((a) => a.id).join(','), { hostNodeOptions = benchNodeOptions() } = {}) => {
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
  if (hostNodeOptions.length > 0) await startHostWith(repo, hostNodeOptions);
  for (const agent of agents) await newLane(repo, agent);
  const host = await hostOf(repo);
  if (!host) throw new Error(`lanes new left no lanes host running for ${label}`);
  announce(host.pid, `lanes host of ${label}${hostNodeOptions.length > 0 ? ` (node ${hostNodeOptions.join(' ')})` : ''}`);
  return repo;
};

/** `lanes new` one more lane on `repo` (its agent starts in the host at once). */
export const newLane = async (repo, agent) => {
  await run(process.execPath, [LANES_BIN, 'new', agent.id, '--cmd', agent.command], { cwd: repo.dir, env: repo.env });
};

/**
 * Profile every lanes process the bench starts: `--cpu-prof` into `dir` for each UI (the launcher
 * passes its own options on to the UI process; agents do not get them, unlike with NODE_OPTIONS)
 * and each host (started by the bench, see startHostWith). Profiles are written when a process
 * exits normally, so such UIs detach with q, y instead of being killed, and hosts end with
 * `lanes host stop`. `processes.txt` there says which pid was what.
 */
export const profileLanesInto = (dir) => {
  profileDir = dir;
};

/**
 * Run every lanes host and UI (and launcher) the bench starts with these Node options
 * (`--node-options`, e.g. `--perf-basic-prof` for `perf record -p PID`); each one's pid is
 * announced on the progress log.
 */
export const useNodeOptions = (options) => {
  extraNodeOptions = [...options];
};

/** Where announcements go (default: stderr). */
export const logLanesProcessesTo = (fn) => {
  log = fn;
};

/** Options whose output is written at a normal exit only: a UI run with them detaches, never killed. */
const needsCleanExit = (nodeOptions) => nodeOptions.some((o) => /^--(cpu-prof|heap-prof|prof)(=|$)/.test(o));

/**
 * How many lanes the UI shows at once in the 120×40 outer terminal: its grid is at most 3×3
 * (core/layout.ts); the rest are on further pages, not on the screen.
 */
export const LANES_PER_PAGE = 9;

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
 * Start the UI on `repo` in an outer terminal and wait until every marker (default: the READY
 * marker of every agent on the first page) arrived on the outer terminal. The repository's host must run already: the UI
 * attaches to it, and a UI that had to start a host would show every agent as exited. The UI is
 * up in 0.3–1 s here; the 30 s limit only matters on a badly overloaded machine. Resolves with the
 * session: its processes (launcher, UI, host), `spawnedAt` and `shownAt` (performance.now() of the
 * start and of the last marker), and `dispose` (a detach).
 */
export const startLanes = async (repo, { nodeOptions = benchNodeOptions(), timeoutMs = 30_000, markers = repo.ids.slice(0, LANES_PER_PAGE).map(readyMarker) } = {}) => {
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
    const isProfiled = needsCleanExit(nodeOptions);
    if (nodeOptions.length > 0) {
      announce(launcher, `lanes launcher of ${repo.label}`);
      announce(ui, `lanes UI of ${repo.label}`);
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
