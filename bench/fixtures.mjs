/**
 * What every scenario needs: a temporary folder (removed on cleanup), an isolated environment, and
 * agent scripts. Agents announce themselves with a READY marker and may wait on a FIFO for the
 * bench's "go", so that timing starts when every multiplexer is up and every agent is waiting —
 * not while lanes or tmux is still starting.
 *
 * Markers are printed by scripts (never written in a command line), so they cannot show up in a
 * pane title or a process list before the agent prints them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onCleanup } from './cleanup.mjs';

/** A fresh temporary folder, removed by cleanup. */
export const makeTempDir = async (prefix) => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  return dir;
};

/** The environment of the outer terminal: isolated HOME, plain shell, a known TERM and locale. */
export const benchEnv = (home) => {
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
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
  };
  return env;
};

const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

/** The marker an agent prints once it runs, and the one it prints when its work is done. */
export const readyMarker = (id) => `READY-${id}`;
export const doneMarker = (id) => `DONE-${id}`;

/**
 * Writes `agent-<id>.sh` into `dir` and returns the command line that runs it. The agent prints
 * READY-<id>; then either runs `body` (a shell fragment), or, given a `fifo`, waits there for one
 * line — the command to run — and runs it, prints DONE-<id> in the default style, and stays alive
 * (tmux 3.3 drops the last output of a pane whose process exits while tmux is still behind, so DONE
 * would never show there). An agent never released sits idle, like an agent waiting for a prompt.
 */
export const writeAgent = async (dir, id, { body, fifo }) => {
  const path = join(dir, `agent-${id}.sh`);
  const [ready1, ready2] = readyMarker(id).split('-');
  const [done1, done2] = doneMarker(id).split('-');
  const lines = [`printf '%s-%s\\n' ${ready1} ${ready2}`];
  if (fifo) lines.push(`read command < ${quote(fifo)}`, 'eval "$command"', `printf '\\033[0m%s-%s' ${done1} ${done2}`, 'exec sleep 3600');
  else lines.push(body);
  await writeFile(path, `${lines.join('\n')}\n`);
  return `sh ${path}`;
};

/** Makes a FIFO at `path`. */
export const makeFifo = (path) => {
  execFileSync('mkfifo', [path]);
  return path;
};

/**
 * Releases agents waiting on their FIFO: `commandFor(agent)` is the shell command each one runs.
 * Opening a FIFO blocks until its agent reads, so only release agents that printed READY.
 */
export const releaseAgents = (agents, commandFor) =>
  Promise.all(
    agents.map(async (agent) => {
      const handle = await open(agent.fifo, 'w');
      await handle.write(`${commandFor(agent)}\n`);
      await handle.close();
    }),
  );

export const shellQuote = quote;
