import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { systemErrorLine } from '../core/errors.js';

/** Result of one git call. */
export interface GitResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface GitOptions {
  cwd: string;
  /**
   * Background reads pass true: `--no-optional-locks`, so lanes never takes an agent's index lock
   * (git-and-process-safety §1.6: a polling `git status` made 19 of 60 agent commits fail).
   */
  readOnly?: boolean;
  /** Milliseconds before the call is killed. */
  timeoutMs?: number;
  /** Extra environment (e.g. GIT_INDEX_FILE for a temporary index). */
  env?: Record<string, string>;
  /** Data written to git's stdin. */
  input?: string;
}

/** Default time limit for one git call: long enough for a worktree checkout of a large repository. */
const DEFAULT_TIMEOUT_MS = 120_000;
/** Listings of big repositories (status with many untracked files) can be large. */
const MAX_BUFFER = 256 * 1024 * 1024;

export class GitError extends Error {
  readonly args: string[];
  readonly code: number;
  readonly stderr: string;
  constructor(args: string[], result: GitResult) {
    const firstLine = result.stderr.trim().split('\n')[0] ?? '';
    super(`git ${args[0] ?? ''} failed: ${firstLine || `exit ${result.code}`}`);
    this.name = 'GitError';
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr;
  }
}

/** Why git could not be started: the folder to run it in is not there, or git itself is not. */
const explainNotStarted = async (cwd: string): Promise<GitResult> => {
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) {
    return { stdout: '', stderr: `fatal: cannot run git in ${cwd}: the folder ${info ? 'is not a folder' : 'does not exist (deleted or moved?)'}`, code: 128 };
  }
  return { stdout: '', stderr: 'git is not installed or not on PATH', code: 127 };
};

/**
 * Run git with an argument array (never a shell string), asynchronously, with a timeout, no
 * terminal prompts and no editor, and C locale output for parsing. Never throws for a non-zero
 * exit: the caller decides; see {@link git} for the throwing form.
 */
export const runGit = (args: string[], options: GitOptions): Promise<GitResult> => {
  const fullArgs = options.readOnly ? ['--no-optional-locks', ...args] : args;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_EDITOR: 'false',
    GIT_SEQUENCE_EDITOR: 'false',
    GIT_PAGER: 'cat',
    LC_ALL: 'C',
    ...(options.readOnly ? { GIT_OPTIONAL_LOCKS: '0' } : {}),
    ...options.env,
  };
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      fullArgs,
      { cwd: options.cwd, env, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBuffer: MAX_BUFFER, encoding: 'utf8' },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) {
          const errno = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
          if (typeof errno.code === 'number') code = errno.code;
          else if (errno.code === 'ENOENT' || errno.code === 'ENOTDIR') {
            // The same error when the folder to run in is gone (a deleted worktree) as when git is.
            void explainNotStarted(options.cwd).then(resolve);
            return;
          } else {
            code = errno.killed ? 124 : 1;
            // git never started (too few file descriptors, no memory for a process): say why.
            if (typeof errno.code === 'string' && !errno.killed) stderr = `${stderr}\nfatal: ${systemErrorLine(errno) ?? errno.message}`.trim();
          }
          if (errno.killed) stderr = `${stderr}\ngit ${args[0] ?? ''} timed out`.trim();
        }
        resolve({ stdout, stderr, code });
      },
    );
    // git may exit without reading its input (an early error, a hook that refuses): the write
    // then fails with EPIPE, which must not end lanes (in the UI: every agent with it).
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
};

/** Run git and return stdout; throws {@link GitError} on a non-zero exit. */
export const git = async (args: string[], options: GitOptions): Promise<string> => {
  const result = await runGit(args, options);
  if (result.code !== 0) throw new GitError(args, result);
  return result.stdout;
};

/** Split `-z` output into records (drops the trailing empty record). */
export const splitZ = (output: string): string[] => {
  const parts = output.split('\0');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
};

/** Lines git itself writes on stderr around a failure; anything else there came from a hook. */
const GIT_OWN_LINE = /^(fatal|error|warning|hint):|^Preparing worktree|^HEAD is now at/;
/** How many of a hook's last lines a one-line message shows. */
const OUTPUT_LINES = 3;

/**
 * git's reason for a failure in one line: its `fatal:`/`error:` lines (else its exit code), then
 * the last lines of any other output, which a hook that refused wrote (pre-commit, post-checkout,
 * reference-transaction): git's own line alone ("ref updates aborted by hook") hides why.
 */
export const failureLine = (stderr: string, code: number): string => {
  // A hook's output goes to a terminal (the UI's footer and dialogs): its control characters and
  // escape sequences are dropped, so it can neither move the cursor nor talk to the terminal.
  const lines = stderr
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const reasons = lines.filter((line) => /^(fatal|error):/.test(line));
  const others = lines.filter((line) => !GIT_OWN_LINE.test(line));
  const reason = reasons.length > 0 ? reasons.join('; ') : `exit ${code}`;
  return others.length > 0 ? `${reason}; its output ends: ${others.slice(-OUTPUT_LINES).join(' / ')}` : reason;
};
