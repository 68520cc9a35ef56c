/**
 * What every scenario needs: a temporary folder (removed on cleanup), an isolated environment, and
 * agent scripts. Agents announce themselves with a READY marker and wait on a FIFO for the bench's
 * "go", so that timing starts when every multiplexer is up and every agent is waiting — not while
 * lanes or tmux is still starting. An agent runs each command it is sent, says it is done (a DONE
 * marker of that release on its terminal, and an acknowledgement file) and waits again: in lanes
 * the agents live in the lanes host across UI starts, so one agent serves every repetition.
 *
 * Markers are printed by scripts (never written in a command line), so they cannot show up in a
 * pane title or a process list before the agent prints them.
 */
import { execFileSync } from 'node:child_process';
import { access, mkdir, mkdtemp, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.mjs';

/** A fresh temporary folder, removed by cleanup. */
export const makeTempDir = async (prefix) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/**
 * The environment of the outer terminal: isolated HOME, plain shell, a known TERM and locale, and a
 * runtime folder of its own (where lanes puts its host's socket; `privateRuntimeDir` makes it).
 */
export const benchEnv = (home) => {
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_RUNTIME_DIR: join(home, 'run'),
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    CI: 'true',
    // tmux keeps its socket here, so removing the folder removes it too.
    TMUX_TMPDIR: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.invalid',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.invalid',
    // The test suite's teardown ends the lanes hosts of this checkout that serve a repository in
    // the temporary folder and carry no test run's mark (test/helpers/host-cleanup.ts): a mark of
    // the bench's own keeps a test run beside the bench from ending the bench's hosts.
    LANES_TEST_RUN: `bench-${process.pid}`,
  };
  return env;
};

/** Make the runtime folder of `benchEnv(home)`: lanes refuses one that others can enter. */
export const privateRuntimeDir = (env) => mkdir(env.XDG_RUNTIME_DIR, { recursive: true, mode: 0o700 });

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** The marker an agent prints whenever it waits for a command, and the one that ends release `round`. */
export const readyMarker = (id) => `READY-${id}`;
// The dot ends the number: DONE-a1-1 never matches inside DONE-a1-12.
export const doneMarker = (id, round) => `DONE-${id}-${round}.`;

/** The multiplexers the agents run under, each with FIFOs of its own (lanes' agents outlive a UI). */
export const MUXES = ['lanes', 'tmux'];

/**
 * Writes `agent-<id>.sh` into `dir`: it prints READY-<id>, then runs `body` (a shell fragment).
 * Returns the command line that runs it.
 */
export const writeAgent = async (dir, id, { body }) => {
  const path = join(dir, `agent-${id}.sh`);
  const [ready1, ready2] = readyMarker(id).split('-');
  await writeFile(path, `printf '%s-%s\\n' ${ready1} ${ready2}\n${body}\n`);
  return `sh ${path}`;
};

/**
 * Writes `agent-<id>.sh` into `dir`, an agent that waits for the bench's commands on a FIFO (its
 * first argument), and makes one FIFO for it per multiplexer: in lanes the agent lives on in the
 * lanes host while tmux runs its own, and one FIFO read by both would hand a command to either.
 * The agent prints READY-<id>, then loops: waits for one line (a release number and the command to
 * run), runs it, prints DONE-<id>-<release>. in the default style, touches `<fifo>.ack-<release>`
 * and prints READY-<id> again. An agent never released sits idle, like an agent waiting for a
 * prompt; it never exits (tmux 3.3 drops the last output of a pane whose process exits while tmux
 * is still behind, so DONE would never show there).
 * Returns, per multiplexer, `{ id, fifo, command }`.
 */
export const writeLoopAgent = async (dir, id) => {
  const path = join(dir, `agent-${id}.sh`);
  const [ready1, ready2] = readyMarker(id).split('-');
  const ready = `printf '%s-%s\\n' ${ready1} ${ready2}`;
  const lines = [
    ready,
    'while :; do',
    // A read that opened the FIFO while the last writer was still closing it sees only its end.
    '  read -r round command < "$1" || continue',
    '  eval "$command"',
    `  printf '\\033[0m\\n%s-%s-%s.\\n' DONE ${quote(id)} "$round"`,
    '  : > "$1.ack-$round"',
    `  ${ready}`,
    'done',
  ];
  await writeFile(path, `${lines.join('\n')}\n`);
  const out = {};
  for (const mux of MUXES) {
    const fifo = makeFifo(join(dir, `go-${id}-${mux}`));
    out[mux] = { id, fifo, command: `sh ${path} ${fifo}` };
  }
  return out;
};

/** Makes a FIFO at `path`. */
export const makeFifo = (path) => {
  execFileSync('mkfifo', [path]);
  return path;
};

const exists = (path) => access(path).then(
  () => true,
  () => false,
);

/** Releases so far, bench-wide: each release's markers are its own, whatever an agent printed before. */
let releases = 0;

/**
 * One release of agents waiting on their FIFO. Its DONE markers are known before it starts (wait
 * for them first, then `start`). `commandFor(agent, stopFile)` is the shell command each agent
 * runs; a command that runs until told to stop checks for `stopFile` (see `stop`).
 */
export class Release {
  constructor(agents) {
    this.agents = agents;
    this.round = ++releases;
    this.markers = agents.map((agent) => doneMarker(agent.id, this.round));
  }

  stopFile(agent) {
    return `${agent.fifo}.stop-${this.round}`;
  }

  /**
   * Sends every agent its command. Opening a FIFO blocks until its agent reads, so an agent still
   * busy with an earlier command gets this one when it is done.
   */
  start(commandFor) {
    return Promise.all(
      this.agents.map(async (agent) => {
        const handle = await open(agent.fifo, 'w');
        await handle.write(`${this.round} ${commandFor(agent, this.stopFile(agent))}\n`);
        await handle.close();
      }),
    );
  }

  /** Resolves when every agent finished this release's command (polled: agents may run in a host with no UI). */
  async finished(timeoutMs = 30_000) {
    const deadline = performance.now() + timeoutMs;
    for (const agent of this.agents) {
      while (!(await exists(`${agent.fifo}.ack-${this.round}`))) {
        if (performance.now() > deadline) throw new Error(`agent ${agent.id} did not finish release ${this.round} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Tells commands that watch their stop file to end, and waits until every agent waits again. */
  async stop(timeoutMs) {
    await Promise.all(this.agents.map((agent) => writeFile(this.stopFile(agent), '')));
    await this.finished(timeoutMs);
  }
}

/** Releases `agents` with `commandFor` (see Release); resolves with the release once every agent has its command. */
export const releaseAgents = async (agents, commandFor) => {
  const release = new Release(agents);
  await release.start(commandFor);
  return release;
};

export const shellQuote = quote;
