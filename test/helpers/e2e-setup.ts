import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTempRepo } from './temp-repo.js';
import { LANES_BIN, TerminalDriver } from './terminal-driver.js';

const run = promisify(execFile);
export const ECHO_AGENT = fileURLToPath(new URL('./agents/echo-agent.js', import.meta.url));

export interface Setup {
  dir: string;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/**
 * A repository with lanes created through the real CLI, and an isolated environment. Each lane is
 * `[name, command]`, or just a name for the echo agent.
 */
export const setup = async (lanes: Array<string | [string, string]>, files: Record<string, string> = {}): Promise<Setup> => {
  const repo = await makeTempRepo({ files: { 'README.md': '# demo\n', ...files } });
  const home = await mkdtemp(join(tmpdir(), 'lanes-e2e-home-'));
  // lanes' pause ledgers go to <runtime>/lanes: this test's own, not the user's.
  await mkdir(join(home, 'runtime'), { mode: 0o700 });
  const env: Record<string, string> = {
    XDG_RUNTIME_DIR: join(home, 'runtime'),
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    SHELL: '/bin/sh',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    // lanes must draw frames with CI set (Ink draws nothing in CI mode unless told otherwise).
    CI: 'true',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'T',
    GIT_AUTHOR_EMAIL: 't@example.invalid',
    GIT_COMMITTER_NAME: 'T',
    GIT_COMMITTER_EMAIL: 't@example.invalid',
  };
  for (const lane of lanes) {
    const [name, command] = typeof lane === 'string' ? [lane, `node ${JSON.stringify(ECHO_AGENT)} ${lane}`] : lane;
    await run(process.execPath, [LANES_BIN, 'new', name, '--cmd', command], { cwd: repo.dir, env });
  }
  const made: Setup = {
    dir: repo.dir,
    env,
    cleanup: async () => {
      await repo.cleanup();
      await rm(home, { recursive: true, force: true });
    },
  };
  setups.add(made);
  return made;
};

const setups = new Set<Setup>();

/** After each end-to-end test: end every lanes process it started, then remove its repositories. */
export const endE2E = async (): Promise<void> => {
  for (const driver of TerminalDriver.live) {
    driver.kill();
    await driver.exited;
  }
  TerminalDriver.live.clear();
  for (const made of setups) await made.cleanup();
  setups.clear();
};
