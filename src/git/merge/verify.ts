import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { constants, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { git, runGit } from '../exec.js';
import { CHECKOUT_TIMEOUT_MS } from './apply.js';
import type { Repo } from '../repo.js';
import { runShellCommand } from '../run-command.js';
import { listWorktrees, removeUnfinishedAdmin } from '../worktrees.js';
import { processesIn } from './status.js';

/** Default time limit of a verify command: a full test suite of a big project fits. */
export const DEFAULT_VERIFY_TIMEOUT_MS = 30 * 60_000;
/** How much of the verify output a failure keeps for the user: the end is where the errors are. */
const MAX_KEPT_OUTPUT = 64 * 1024;
/** Prefix of the temporary folders; recovery only ever removes folders it finds in the journal. */
const VERIFY_DIR_PREFIX = 'lanes-verify-';

/** A fresh temporary folder outside the repository for the verify worktree, and that worktree's path. */
export const makeVerifyDir = async (): Promise<{ dir: string; worktree: string }> => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), VERIFY_DIR_PREFIX)));
  // A name no other worktree has, so its admin folder is this one's alone (see removeUnfinishedAdmin).
  return { dir, worktree: join(dir, `result-${basename(dir).slice(-6)}`) };
};

/** Check the result out, detached, in the verify worktree (which must not exist yet). */
export const addVerifyWorktree = async (repo: Repo, worktree: string, result: string): Promise<void> => {
  await git(['worktree', 'add', '--detach', '--quiet', worktree, result], { cwd: repo.commonDir, timeoutMs: CHECKOUT_TIMEOUT_MS });
};

/**
 * Remove the verify worktree and its temporary folder: end what still runs in it (a verify command
 * whose lanes process died, a server it left behind), then `git worktree remove --force` for that
 * one path — never a prune, which could drop the admin entries of worktrees the user moved. A
 * worktree whose `add` was killed midway is still locked `initializing`: only then is the force
 * doubled, and only for this worktree lanes made.
 */
export const removeVerifyWorktree = async (repo: Repo, dir: string, worktree: string): Promise<void> => {
  for (const pid of await processesIn(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const target = resolve(worktree);
  const entry = (await listWorktrees(repo)).find((candidate) => resolve(candidate.path) === target);
  if (entry) {
    const force = entry.locked === undefined ? ['--force'] : ['--force', '--force'];
    const removed = await runGit(['worktree', 'remove', ...force, target], { cwd: repo.commonDir });
    if (removed.code !== 0 && (await listWorktrees(repo)).some((candidate) => resolve(candidate.path) === target)) {
      throw new Error(`could not remove the verify worktree ${target}: ${removed.stderr.trim().split('\n')[0] ?? ''}`);
    }
  } else {
    await removeUnfinishedAdmin(repo, target, false);
  }
  await rm(dir, { recursive: true, force: true });
};

export interface VerifyResult {
  /** 0 on success; a signal counts as 128 + its number, a command that could not start as 127. */
  code: number;
  output: string;
  timedOut: boolean;
}

/** Environment of the verify command: the user's, without git variables that would point elsewhere. */
const verifyEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX']) delete env[name];
  return env;
};

/** Run `command` with the user's shell in `cwd`, streaming its output. */
export const runVerify = async (
  command: string,
  cwd: string,
  options: { onOutput?: (chunk: string) => void; timeoutMs?: number },
): Promise<VerifyResult> => {
  let output = '';
  const result = await runShellCommand(command, {
    cwd,
    env: verifyEnv(),
    timeoutMs: options.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
    onLine: (line) => {
      const chunk = `${line}\n`;
      output = (output + chunk).slice(-MAX_KEPT_OUTPUT);
      options.onOutput?.(chunk);
    },
  });
  let code = result.code ?? 127;
  if (result.signal) code = 128 + (constants.signals[result.signal] ?? 0);
  if (result.error) output = (output + `${result.error}\n`).slice(-MAX_KEPT_OUTPUT);
  return { code: result.timedOut && code === 0 ? 124 : code, output, timedOut: result.timedOut };
};
