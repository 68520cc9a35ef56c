import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect } from 'vitest';
import { LANES_BIN } from './terminal-driver.js';

export interface CliResult {
  /** Exit code; null when the process was killed. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built `bin/lanes.js` without a terminal (stdin, stdout and stderr are pipes). */
export const runLanes = (args: string[], options: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile(process.execPath, [LANES_BIN, ...args], { cwd: options.cwd, env: options.env, encoding: 'utf8', timeout: options.timeoutMs ?? 20_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });

/**
 * An environment with nothing from the user's: a fresh HOME and XDG config folder, no system git
 * configuration, a fixed identity, `/bin/sh` as the shell, and no terminal.
 */
export const isolatedEnv = async (overrides: Record<string, string> = {}): Promise<{ env: Record<string, string>; home: string }> => {
  const home = await realpath(await mkdtemp(join(tmpdir(), 'lanes-cli-home-')));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Lanes Test',
    GIT_AUTHOR_EMAIL: 'test@lanes.invalid',
    GIT_COMMITTER_NAME: 'Lanes Test',
    GIT_COMMITTER_EMAIL: 'test@lanes.invalid',
    ...overrides,
  };
  return { env, home };
};

/** Every path under `root` (relative, sorted), folders included: for "nothing was created" checks. */
export const listTree = async (root: string): Promise<string[]> => (await readdir(root, { recursive: true })).map(String).sort();

/**
 * For a test file that runs the built CLI: checks once that it is built, and returns a function
 * that registers folders to remove after each test.
 */
export const useCliTempFolders = (): ((...dirs: string[]) => void) => {
  let dirs: string[] = [];
  beforeAll(() => {
    // `npm run build` first (npm test does).
    expect(existsSync(LANES_BIN)).toBe(true);
  });
  afterEach(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    dirs = [];
  });
  return (...more) => void dirs.push(...more);
};
