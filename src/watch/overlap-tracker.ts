import { stat } from 'node:fs/promises';
import type { LaneRecord } from '../core/lane.js';
import { computeOverlaps, scopeViolations, type Overlap } from '../core/overlap.js';
import type { TouchedFile } from '../core/touched.js';
import { readTouched } from '../git/touched.js';
import { OverlapInputs, type LaneTouched } from './overlap-inputs.js';
import { WorktreeWatcher } from './worktree-watcher.js';

/** Everything the UI shows about touched files and overlaps (SPEC §4 pane titles, §5). */
export interface OverlapSnapshot {
  /** Each watched lane's touched set, by lane name (lanes not read yet are absent). */
  touched: Map<string, TouchedFile[]>;
  overlaps: Overlap[];
  /** Per lane with a scope: touched paths outside it (only lanes with some). */
  outOfScope: Map<string, string[]>;
  /** Per lane: when its worktree last reported a file change (`now()` clock): file activity is busy. */
  lastFileEventAt: Map<string, number>;
  /** Every watched lane has been read at least once (a failed read counts): nothing is missing. */
  isComplete: boolean;
}

export interface OverlapTrackerOptions {
  /** Any folder of the repository (for refs, merge-tree and base diffs). */
  repoCwd: string;
  /**
   * Called when the touched sets, overlaps or out-of-scope files change; not for file activity
   * alone (use `onActivity`). The snapshot is the tracker's own copy: do not mutate it.
   */
  onUpdate: (snapshot: OverlapSnapshot) => void;
  /** `watch.ignore` from the configuration. */
  extraIgnore: string[];
  now?: () => number;
  /** A lane's worktree changed on disk (debounced like the reads); for the busy status. */
  onActivity?: (lane: string, at: number) => void;
  /**
   * A watch or a git read failed for a lane ('' when not about one lane); the tracker keeps the
   * last known state.
   */
  onError?: (lane: string, error: Error) => void;
  /** Passed on to each {@link WorktreeWatcher}. */
  debounceMs?: number;
}

interface TrackedLane {
  record: LaneRecord;
  watcher: WorktreeWatcher;
  touched: TouchedFile[] | undefined;
  /** The running read loop and the recompute after it; undefined when idle. */
  pending: Promise<void> | undefined;
  isReading: boolean;
  isReadAgain: boolean;
  /** Its first read is done (or failed). */
  hasRead: boolean;
}

const isDirectory = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
};

const sortedEntries = <T>(map: Map<string, T>): Array<[string, T]> => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** What onUpdate is about (file activity times excluded), as a comparable string. */
const changeKey = (snapshot: OverlapSnapshot): string =>
  JSON.stringify([sortedEntries(snapshot.touched), snapshot.overlaps, sortedEntries(snapshot.outOfScope), snapshot.isComplete]);

/** The fields of a record that change what is read for a lane. */
const readKey = (record: LaneRecord): string => JSON.stringify([record.worktree, record.branch, record.base, record.forkPoint, record.scope ?? []]);

/**
 * Keeps every lane's touched set and the overlaps between lanes current: one
 * {@link WorktreeWatcher} per lane; on a change, that lane's touched set is read again with git
 * (never two reads of one lane at once: a change during a read schedules one more read after it),
 * then overlaps are recomputed for all lanes, one recompute at a time ({@link OverlapInputs} says
 * what that costs in git). The base branch moving is seen on the next change of any lane or on
 * {@link refresh} (the owner may call it on a timer).
 */
export class OverlapTracker {
  private readonly lanes = new Map<string, TrackedLane>();
  private readonly lastFileEventAt = new Map<string, number>();
  private readonly inputs: OverlapInputs;
  private readonly now: () => number;
  private current: OverlapSnapshot;
  private lastKey: string;
  private recomputing: Promise<void> | undefined;
  private isRecomputeAgain = false;
  private laneUpdates: Promise<void> = Promise.resolve();
  private isDisposed = false;

  constructor(private readonly options: OverlapTrackerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.inputs = new OverlapInputs(options.repoCwd, (lane, error) => this.reportError(lane, error));
    this.current = { touched: new Map(), overlaps: [], outOfScope: new Map(), lastFileEventAt: new Map(), isComplete: true };
    this.lastKey = changeKey(this.current);
  }

  /** The latest snapshot (the one last passed to onUpdate). */
  snapshot(): OverlapSnapshot {
    return this.current;
  }

  /**
   * Track exactly these lanes: start watchers for new ones (a missing worktree is skipped until a
   * later call finds it), stop those of lanes no longer listed, read lanes whose record changed.
   * Idempotent by name; calls run one after another. Resolves when the watchers are ready and the
   * reads it caused are done; never rejects (failures go to onError).
   */
  setLanes(lanes: readonly LaneRecord[]): Promise<void> {
    this.laneUpdates = this.laneUpdates.then(() => this.applyLanes(lanes)).catch((error: unknown) => this.reportError('', error));
    return this.laneUpdates;
  }

  /** Read one lane again (or every lane), then recompute overlaps. */
  async refresh(name?: string): Promise<void> {
    if (name !== undefined) {
      const lane = this.lanes.get(name);
      if (lane) await this.readLane(lane);
      return;
    }
    if (this.lanes.size === 0) await this.recompute();
    else await Promise.all([...this.lanes.values()].map((lane) => this.readLane(lane)));
  }

  /** Stop every watcher; nothing is reported afterwards. */
  async dispose(): Promise<void> {
    this.isDisposed = true;
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    await Promise.all(lanes.map((lane) => lane.watcher.close()));
  }

  private async applyLanes(records: readonly LaneRecord[]): Promise<void> {
    if (this.isDisposed) return;
    const wanted = new Map(records.map((record) => [record.name, record]));
    let isChanged = false;
    for (const [name, lane] of [...this.lanes]) {
      const record = wanted.get(name);
      if (record && record.worktree === lane.record.worktree) continue;
      this.lanes.delete(name);
      this.lastFileEventAt.delete(name);
      await lane.watcher.close();
      isChanged = true;
    }
    const toRead: TrackedLane[] = [];
    for (const record of records) {
      const lane = this.lanes.get(record.name);
      if (lane) {
        if (readKey(lane.record) !== readKey(record)) toRead.push(lane);
        lane.record = record;
        continue;
      }
      if (!(await isDirectory(record.worktree)) || this.isDisposed) continue;
      const added = await this.watchLane(record);
      if (added) toRead.push(added);
    }
    if (toRead.length > 0) await Promise.all(toRead.map((lane) => this.readLane(lane)));
    else if (isChanged) await this.recompute();
  }

  private async watchLane(record: LaneRecord): Promise<TrackedLane | undefined> {
    const name = record.name;
    const watcher = new WorktreeWatcher({
      root: record.worktree,
      extraIgnore: this.options.extraIgnore,
      onChange: () => this.onLaneChange(name),
      onError: (error) => this.reportError(name, error),
      ...(this.options.debounceMs === undefined ? {} : { debounceMs: this.options.debounceMs }),
    });
    const lane: TrackedLane = { record, watcher, touched: undefined, pending: undefined, isReading: false, isReadAgain: false, hasRead: false };
    this.lanes.set(name, lane);
    await watcher.start();
    if (this.isDisposed || this.lanes.get(name) !== lane) {
      await watcher.close();
      return undefined;
    }
    return lane;
  }

  private onLaneChange(name: string): void {
    const lane = this.lanes.get(name);
    if (!lane || this.isDisposed) return;
    const at = this.now();
    this.lastFileEventAt.set(name, at);
    this.options.onActivity?.(name, at);
    void this.readLane(lane);
  }

  /** One git pass at a time per lane; a change during a read asks for one more pass after it. */
  private readLane(lane: TrackedLane): Promise<void> {
    if (lane.isReading && lane.pending) {
      lane.isReadAgain = true;
      return lane.pending;
    }
    lane.isReading = true;
    const run = async (): Promise<void> => {
      try {
        do {
          lane.isReadAgain = false;
          try {
            lane.touched = await readTouched(lane.record);
          } catch (error) {
            this.reportError(lane.record.name, error);
          }
          lane.hasRead = true;
        } while (lane.isReadAgain && !this.isDisposed);
      } finally {
        lane.isReading = false;
      }
      await this.recompute();
    };
    const pending = run().finally(() => {
      if (lane.pending === pending) lane.pending = undefined;
    });
    lane.pending = pending;
    return pending;
  }

  /** One recompute at a time; requests during one make one more run after it. */
  private recompute(): Promise<void> {
    if (this.recomputing) {
      this.isRecomputeAgain = true;
      return this.recomputing;
    }
    const run = async (): Promise<void> => {
      try {
        do {
          this.isRecomputeAgain = false;
          await this.computeOnce();
        } while (this.isRecomputeAgain && !this.isDisposed);
      } catch (error) {
        this.reportError('', error);
      } finally {
        this.recomputing = undefined;
      }
    };
    this.recomputing = run();
    return this.recomputing;
  }

  private async computeOnce(): Promise<void> {
    const lanes: LaneTouched[] = [];
    for (const { record, touched } of this.lanes.values()) if (touched) lanes.push({ record, touched });
    // Taken with the touched sets it describes, before the awaits below.
    const isComplete = [...this.lanes.values()].every((lane) => lane.hasRead);
    const input = await this.inputs.gather(lanes);
    const outOfScope = new Map<string, string[]>();
    for (const { record, touched } of lanes) {
      const outside = scopeViolations(touched, record.scope);
      if (outside.length > 0) outOfScope.set(record.name, outside);
    }
    if (this.isDisposed) return;
    const touched = new Map(lanes.map((lane) => [lane.record.name, [...lane.touched]]));
    const next: OverlapSnapshot = { touched, overlaps: computeOverlaps(input), outOfScope, lastFileEventAt: new Map(this.lastFileEventAt), isComplete };
    const key = changeKey(next);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.current = next;
    this.options.onUpdate(next);
  }

  private reportError(lane: string, error: unknown): void {
    if (this.isDisposed) return;
    this.options.onError?.(lane, error instanceof Error ? error : new Error(String(error)));
  }
}
