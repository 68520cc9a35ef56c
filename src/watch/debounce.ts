/**
 * Trailing-edge debounce with a maximum wait: `fn` runs `waitMs` after the last `trigger()`, but
 * never later than `maxWaitMs` after the first trigger of a burst, so a continuous stream of
 * triggers still runs it at least every `maxWaitMs`.
 */
export class Debouncer {
  private trailing: NodeJS.Timeout | undefined;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly waitMs: number,
    private readonly maxWaitMs: number,
  ) {}

  trigger(): void {
    clearTimeout(this.trailing);
    this.trailing = setTimeout(() => this.fire(), this.waitMs);
    this.deadline ??= setTimeout(() => this.fire(), this.maxWaitMs);
  }

  /** Drop a pending call. */
  cancel(): void {
    clearTimeout(this.trailing);
    clearTimeout(this.deadline);
    this.trailing = undefined;
    this.deadline = undefined;
  }

  private fire(): void {
    this.cancel();
    this.fn();
  }
}
