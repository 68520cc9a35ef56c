import { watch, type FSWatcher } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

interface Watched {
  watcher: FSWatcher;
  /** Entries of the folder on the way to a followed worktree. */
  names: Set<string>;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The folder to watch for a worktree: its parent, or while that is gone the nearest folder above
 * that exists; and the entry in it on the way to the worktree.
 */
const watchPoint = async (worktree: string): Promise<{ dir: string; name: string }> => {
  let child = worktree;
  let dir = dirname(worktree);
  while (dir !== dirname(dir) && !(await exists(dir))) {
    child = dir;
    dir = dirname(dir);
  }
  return { dir, name: basename(child) };
};

/**
 * Notices a lane's worktree folder going away or coming back (deleted, moved, restored by hand)
 * without polling: the folder holding each worktree is watched (fs.watch, one inotify watch per
 * folder: with the default layout one for every lane, `<repo>.lanes`), and an entry there on the
 * way to a worktree being created, removed or renamed calls `onChange`. Content changes inside a
 * worktree do not reach this watch. When a watched folder goes too, the watch moves up to the
 * nearest folder that exists, and back down when the folders return.
 */
export class WorktreePresence {
  private readonly watched = new Map<string, Watched>();
  private worktrees: readonly string[] = [];
  private generation = 0;
  private isClosed = false;

  constructor(private readonly onChange: () => void) {}

  /** Follow these worktrees from now on (called whenever the lanes change); resolves once watched. */
  async follow(worktrees: readonly string[]): Promise<void> {
    this.worktrees = worktrees;
    const generation = ++this.generation;
    const wanted = new Map<string, Set<string>>();
    for (const point of await Promise.all(worktrees.map(watchPoint))) {
      const names = wanted.get(point.dir) ?? new Set<string>();
      names.add(point.name);
      wanted.set(point.dir, names);
    }
    // A newer call (or close) came meanwhile: it decides.
    if (generation !== this.generation || this.isClosed) return;
    for (const [dir, entry] of this.watched) {
      if (wanted.has(dir)) continue;
      entry.watcher.close();
      this.watched.delete(dir);
    }
    for (const [dir, names] of wanted) {
      const entry = this.watched.get(dir);
      if (entry) entry.names = names;
      else this.open(dir, names);
    }
  }

  /** The folders watched now (for tests). */
  get folders(): string[] {
    return [...this.watched.keys()];
  }

  close(): void {
    this.isClosed = true;
    for (const { watcher } of this.watched.values()) watcher.close();
    this.watched.clear();
  }

  private open(dir: string, names: Set<string>): void {
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: false });
    } catch {
      // Gone between the check and the watch: the next change of the lanes looks again.
      return;
    }
    const entry: Watched = { watcher, names };
    this.watched.set(dir, entry);
    const lost = (): void => {
      // The folder itself went away (its watch ends with it): watch what is above it instead.
      watcher.close();
      if (this.watched.get(dir) === entry) this.watched.delete(dir);
      this.changed();
    };
    watcher.on('error', lost);
    watcher.on('change', (event, file) => {
      const name = file === null ? undefined : String(file);
      if (event === 'rename' && name === basename(dir) && entry.names.has(name) === false) lost();
      else if (name === undefined || entry.names.has(name)) this.changed();
    });
  }

  private changed(): void {
    if (this.isClosed) return;
    this.onChange();
    // Where to watch may have moved (a folder on the way went or came back).
    void this.follow(this.worktrees);
  }
}
