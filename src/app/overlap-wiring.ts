import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LaneRecord } from '../core/lane.js';
import type { Overlap } from '../core/overlap.js';
import { countKinds } from '../core/touched.js';
import { aheadBehind, branchTip } from '../git/lane-info.js';
import { OverlapTracker, type OverlapSnapshot } from '../watch/overlap-tracker.js';
import { notify, patchLanes, type AppStore, type LaneView } from './store.js';
import { unmergedLanes } from './lane-overlaps.js';
import { OverlapNewsDesk } from './overlap-news.js';

/** Base branch moves (a merge, a pull) are picked up after this much quiet. */
const BASE_DEBOUNCE_MS = 200;

export interface OverlapWiringOptions {
  store: AppStore;
  /** The repository's main worktree (for refs, merge-tree and base diffs). */
  repoCwd: string;
  /** `<git-common-dir>`: where the base branch's ref lives. */
  commonDir: string;
  base: string;
  extraIgnore: string[];
  isBell: boolean;
  ring: () => void;
  /** A lane's worktree changed on disk: file activity counts as busy. */
  onFileActivity: (lane: string) => void;
}

/**
 * Connects the overlap tracker (watchers + git) to the store: each lane's change counts, ahead and
 * behind, overlap and out-of-scope counts for its pane title, the overlap list for the `o` panel,
 * and a notice (plus the bell, when configured) when a new overlap appears.
 */
export class OverlapWiring {
  private readonly tracker: OverlapTracker;
  private readonly news = new OverlapNewsDesk();
  private records: LaneRecord[] = [];
  private baseWatchers: FSWatcher[] = [];
  private baseTimer: NodeJS.Timeout | undefined;
  private isDisposed = false;

  constructor(private readonly options: OverlapWiringOptions) {
    this.tracker = new OverlapTracker({
      repoCwd: options.repoCwd,
      extraIgnore: options.extraIgnore,
      onUpdate: (snapshot) => this.onUpdate(snapshot),
      onActivity: (lane) => options.onFileActivity(lane),
      onError: (lane, error) => this.reportError(lane, error),
    });
    this.watchBase();
  }

  /** The lanes to watch (idempotent; called whenever the state file changes). */
  setLanes(records: LaneRecord[]): void {
    this.records = records;
    // Merged lanes (at their current tip) are the base's work now: not watched for overlaps.
    void unmergedLanes(this.options.repoCwd, records).then((lanes) => {
      if (!this.isDisposed && this.records === records) void this.tracker.setLanes(lanes);
    });
    void this.updateAheadBehind(records);
  }

  /** Recompute every lane now (after a merge moved the base). */
  refresh(): void {
    if (this.isDisposed) return;
    void this.tracker.refresh();
    void this.updateAheadBehind(this.records);
  }

  async dispose(): Promise<void> {
    this.isDisposed = true;
    if (this.baseTimer) clearTimeout(this.baseTimer);
    for (const watcher of this.baseWatchers) watcher.close();
    await this.tracker.dispose();
  }

  private onUpdate(snapshot: OverlapSnapshot): void {
    if (this.isDisposed) return;
    const { store } = this.options;
    const patches = new Map<string, Partial<LaneView>>();
    for (const lane of store.getState().lanes) {
      const files = snapshot.touched.get(lane.name) ?? [];
      patches.set(lane.name, {
        changes: countKinds(files),
        overlapCount: snapshot.overlaps.filter((o) => o.lanes.includes(lane.name)).length,
        outOfScope: snapshot.outOfScope.get(lane.name)?.length ?? 0,
      });
    }
    // Each overlap with how every lane changed the file, for the o panel.
    store.setState({
      overlaps: snapshot.overlaps.map((o) => ({
        ...o,
        kinds: Object.fromEntries(o.lanes.map((lane) => [lane, snapshot.touched.get(lane)?.find((f) => f.path === o.path || f.from === o.path)?.kind ?? 'modified'])),
      })),
    });
    patchLanes(store, patches);
    this.announce(snapshot.overlaps, snapshot.isComplete);
    // A commit changes the lane's touched set (files become committed): only those lanes' ahead
    // and behind can have changed.
    const changed = this.records.filter((record) => {
      const key = JSON.stringify(snapshot.touched.get(record.name) ?? []);
      const isChanged = this.touchedKeys.get(record.name) !== key;
      this.touchedKeys.set(record.name, key);
      return isChanged;
    });
    if (changed.length > 0) void this.updateAheadBehind(changed);
  }

  private touchedKeys = new Map<string, string>();

  private reported = new Set<string>();

  /** A watch or read failure is shown once per lane (overlaps for it may then be stale). */
  private reportError(lane: string, error: Error): void {
    if (this.isDisposed || this.reported.has(lane)) return;
    this.reported.add(lane);
    const what = lane === '' ? 'overlap watching' : `lane ${lane}`;
    notify(this.options.store, `${what}: ${error.message}; its overlaps may be out of date`, 'warning');
  }

  /** A notice for overlaps not reported before, and the bell when configured (see OverlapNewsDesk). */
  private announce(overlaps: Overlap[], isComplete: boolean): void {
    const news = this.news.read(overlaps, isComplete);
    if (news === undefined) return;
    notify(this.options.store, news.text, 'warning');
    if (this.options.isBell && news.ring) this.options.ring();
  }

  /** Per lane, the number of the latest ahead/behind reading asked for. */
  private readonly aheadBehindAsked = new Map<string, number>();
  private aheadBehindCount = 0;

  private async updateAheadBehind(records: LaneRecord[]): Promise<void> {
    const asked = ++this.aheadBehindCount;
    for (const record of records) this.aheadBehindAsked.set(record.name, asked);
    const patches = new Map<string, Partial<LaneView>>();
    await Promise.all(
      records.map(async (record) => {
        const [counts, tip] = await Promise.all([aheadBehind(this.options.repoCwd, record), branchTip(this.options.repoCwd, record.branch)]);
        // A later reading of this lane (after a merge, say) may have finished first: it wins.
        if (this.aheadBehindAsked.get(record.name) !== asked) return;
        patches.set(record.name, { ...counts, isMerged: record.merged !== undefined && record.merged.tip === tip, conflictCount: record.conflict?.length ?? 0 });
      }),
    );
    if (!this.isDisposed) patchLanes(this.options.store, patches);
  }

  /** Watch the base branch's ref (and packed-refs): when it moves, every lane is re-checked. */
  private watchBase(): void {
    const refFile = join(this.options.commonDir, 'refs', 'heads', this.options.base);
    const targets: Array<[string, string]> = [
      [dirname(refFile), basename(refFile)],
      [this.options.commonDir, 'packed-refs'],
    ];
    for (const [folder, file] of targets) {
      try {
        const watcher = watch(folder, (_event, name) => {
          if (name === null || String(name).startsWith(file)) this.baseMoved();
        });
        watcher.on('error', () => undefined);
        this.baseWatchers.push(watcher);
      } catch {
        // No such folder (a base only in packed-refs): the other watch covers it.
      }
    }
  }

  private baseMoved(): void {
    if (this.baseTimer) clearTimeout(this.baseTimer);
    this.baseTimer = setTimeout(() => {
      this.baseTimer = undefined;
      if (this.isDisposed) return;
      void this.tracker.refresh();
      void this.updateAheadBehind(this.records);
    }, BASE_DEBOUNCE_MS);
  }
}
