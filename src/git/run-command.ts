import { spawn } from 'node:child_process';

export interface ShellCommandResult {
  /** Exit code; undefined when the command was killed by a signal or could not start. */
  code: number | undefined;
  signal: NodeJS.Signals | undefined;
  timedOut: boolean;
  /** Set when the shell itself could not be started. */
  error: string | undefined;
}

export interface ShellCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Each line of output (stdout and stderr), without the line break. */
  onLine?: (line: string) => void;
}

/** After SIGTERM on timeout, how long a command gets to clean up before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * After the shell exits, how long to wait for its output pipes to close. A command that started a
 * background process (`server &`) leaves the pipes open in that process; without this limit the
 * setup would wait for the background process to end.
 */
const DRAIN_MS = 500;

/** Splits a byte stream into lines, keeping a partial last line until more arrives. */
const lineSplitter = (onLine: ((line: string) => void) | undefined) => {
  let pending = '';
  return {
    push(chunk: string): void {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) onLine?.(line);
    },
    flush(): void {
      if (pending !== '') onLine?.(pending);
      pending = '';
    },
  };
};

const killGroup = (pid: number | undefined, signal: NodeJS.Signals): void => {
  if (pid === undefined) return;
  try {
    // Negative pid: the whole process group, so `npm install`'s children stop too.
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
};

/**
 * Run one command line with the user's shell (`$SHELL -c COMMAND`, never with values pasted into
 * it), asynchronously, in its own process group, with a time limit. Never rejects.
 */
export const runShellCommand = (command: string, options: ShellCommandOptions): Promise<ShellCommandResult> =>
  new Promise((resolve) => {
    const shell = process.env.SHELL || '/bin/sh';
    const child = spawn(shell, ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const out = lineSplitter(options.onLine);
    const err = lineSplitter(options.onLine);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => out.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));

    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
    }, options.timeoutMs);

    let settled = false;
    const finish = (result: ShellCommandResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      out.flush();
      err.flush();
      resolve(result);
    };
    child.on('error', (error) =>
      finish({ code: undefined, signal: undefined, timedOut: false, error: error.message }),
    );
    child.on('exit', (code, signal) => {
      const result = { code: code ?? undefined, signal: signal ?? undefined, timedOut, error: undefined };
      const drain = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(result);
      }, DRAIN_MS);
      child.on('close', () => {
        clearTimeout(drain);
        finish(result);
      });
    });
  });
