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
