import { freezeTree, thawTree, type StoppedProcess } from './process-tree.js';

/**
 * Whether one agent's process tree is frozen (SPEC §9). Pause and resume requests are applied one
 * after another, each to the state last asked for, so quick `p p p` ends in the state of the last
 * press and a resume never overtakes the freeze it undoes.
 */
export class TreePause {
  private isWanted = false;
  private stopped: StoppedProcess[] | undefined;
  private rootPid = 0;
  private marker: string | undefined;
  private queue: Promise<void> = Promise.resolve();

  /**
   * `onChange` is called when the tree was actually stopped (true) or resumed (false);
   * `onStopped` with the processes about to be stopped (awaited before they are), and with none
   * once they run again.
   */
  constructor(
    private readonly onChange: (isPaused: boolean) => void,
    private readonly onStopped: (stopped: readonly StoppedProcess[]) => Promise<void> = async () => undefined,
  ) {}

  /** True from the moment a pause is asked for until the tree runs again. */
  get isPaused(): boolean {
    return this.isWanted || this.stopped !== undefined;
  }

  /**
   * Freeze the tree of `rootPid` (and every process whose environment holds `marker`); resolves
   * once everything in it is stopped.
   */
  pause(rootPid: number, marker?: string): Promise<void> {
    this.isWanted = true;
    this.rootPid = rootPid;
    this.marker = marker;
    return this.settle();
  }

  /** Resume the tree; resolves once everything that was stopped got SIGCONT. */
  resume(): Promise<void> {
    this.isWanted = false;
    return this.settle();
  }

  private settle(): Promise<void> {
    // A failed step must not block the ones after it.
    this.queue = this.queue.catch(() => undefined).then(async () => {
      if (this.isWanted && this.stopped === undefined) {
        try {
          this.stopped = await freezeTree(this.rootPid, this.marker, this.onStopped);
        } catch (error) {
          this.isWanted = false;
          await this.onStopped([]);
          throw error;
        }
        // What was recorded but not stopped (gone meanwhile) leaves the record.
        await this.onStopped(this.stopped);
        this.onChange(true);
      } else if (!this.isWanted && this.stopped !== undefined) {
        const stopped = this.stopped;
        await thawTree(stopped, this.rootPid, this.marker);
        this.stopped = undefined;
        await this.onStopped([]);
        this.onChange(false);
      }
    });
    return this.queue;
  }
}
