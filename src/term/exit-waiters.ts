/** Callers waiting, each for at most a given time, for an agent to exit. */
export class ExitWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(private readonly isRunning: () => boolean) {}

  /** True when the agent exited within `ms`. */
  wait(ms: number): Promise<boolean> {
    if (!this.isRunning()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(!this.isRunning());
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /** The agent exited (or its terminal was released): every waiter gets its answer now. */
  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
