/**
 * An expected failure: something the user asked for cannot be done, or their input is wrong.
 * The CLI prints `message` as one line (plus `hint` when given) and exits with `exitCode`;
 * the UI shows it as a notification. Never printed with a stack trace.
 */
export class LanesError extends Error {
  /** 1 = refused or failed, 2 = usage error (SPEC §2). */
  readonly exitCode: 1 | 2;
  /** What to do about it, appended to the message in one line. */
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: 1 | 2; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LanesError';
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }

  /** The one line shown to the user. */
  get line(): string {
    return this.hint ? `${this.message}: ${this.hint}` : this.message;
  }
}

export const isLanesError = (error: unknown): error is LanesError => error instanceof LanesError;

/** A usage error (exit code 2). */
export const usageError = (message: string, hint?: string): LanesError =>
  new LanesError(message, { exitCode: 2, ...(hint === undefined ? {} : { hint }) });

/** The parts of a Node.js system error (`ErrnoException`) a message needs. */
interface SystemErrorLike {
  code?: unknown;
  path?: unknown;
}

/**
 * One line for a system error that ends a command and that only the user can fix (too many open
 * files, a read-only or full file system, a permission): what happened and what to do. Undefined
 * for anything else, which stays an internal error.
 */
export const systemErrorLine = (error: unknown): string | undefined => {
  if (!(error instanceof Error)) return undefined;
  const { code, path } = error as Error & SystemErrorLike;
  const where = typeof path === 'string' ? ` (${path})` : '';
  switch (code) {
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files${where}: raise the limit (ulimit -n) or close other programs, then try again`;
    case 'EROFS':
      return `a file lanes must write is on a read-only file system${where}: lanes writes in the repository (its .git folder and worktrees); run it where the repository is writable`;
    case 'ENOSPC':
      return `no space left on the device${where}: free some space, then try again`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied${where}: check the owner and permissions of that path`;
    default:
      return undefined;
  }
};
