import { watch as watchFs, type FSWatcher as FsWatcher } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { runGit } from '../git/exec.js';
import { Debouncer } from './debounce.js';
import { IgnoreRules, listGitIgnored, sameIgnoredDirs, type GitIgnored } from './ignore-rules.js';

/**
 * Default quiet time before a burst of file events is reported. SPEC §5 allows at most 200 ms of
 * debounce and wants an overlap flagged within 1 s of the write; 150 ms merges an editor's or an
 * agent's save (temp file, rename, chmod) into one report and leaves most of the second for git.
 */
const DEFAULT_DEBOUNCE_MS = 150;
/** A continuous stream of writes is still reported at least this often (SPEC §5: ≤ 200 ms). */
const MAX_WAIT_MS = 200;
/**
 * New folders and `.gitignore` edits come in bursts (a build writing `dist/`, a checkout); the
 * ignored folders are listed again once the burst is over, and at least once a second during it.
 */
const IGNORE_RELOAD_WAIT_MS = 300;
const IGNORE_RELOAD_MAX_WAIT_MS = 1_000;

/**
 * chokidar never says `ready` when a folder fails during its first scan (seen with ENAMETOOLONG):
 * the watches made so far keep working, so the start is over once errors have been quiet this long.
 */
const SCAN_ERROR_SETTLE_MS = 500;
/** Upper bound on waiting for the first scan; a 50,000-file worktree is ready in about a second. */
const READY_TIMEOUT_MS = 20_000;

/** Resolves when the first scan is over (or given up on); `scans` lets close() end the wait. */
const untilReady = (watcher: FSWatcher, scans: Set<() => void>): Promise<void> =>
  new Promise<void>((done) => {
    let settle: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearTimeout(limit);
      clearTimeout(settle);
      watcher.off('error', onScanError);
      scans.delete(finish);
      done();
    };
    scans.add(finish);
    const onScanError = (): void => {
      clearTimeout(settle);
      settle = setTimeout(finish, SCAN_ERROR_SETTLE_MS);
    };
    const limit = setTimeout(finish, READY_TIMEOUT_MS);
    watcher.once('ready', finish);
    watcher.on('error', onScanError);
  });

export interface WorktreeWatcherOptions {
  /** The worktree's top folder (absolute). */
  root: string;
  /** `watch.ignore` from the configuration (gitignore syntax). */
  extraIgnore: string[];
  /** Something in the worktree (or its HEAD / index) changed; debounced. */
  onChange: () => void;
  /** A watch failed (ENOSPC: out of inotify watches, EACCES…); watching goes on where it can. */
  onError?: (error: Error) => void;
  /** Quiet time before reporting, in ms (default {@link DEFAULT_DEBOUNCE_MS}). */
  debounceMs?: number;
}

/**
 * Watches one worktree for file changes, cheaply enough for big checkouts:
 * - only folders are watched (one inotify watch each); a write to a file is seen through its
 *   folder's watch (chokidar's `raw` events), so a file costs no watch of its own;
 * - `.git`, `node_modules` and every folder git ignores are left out before watching, not
 *   filtered after (see `../shared/notes/performance.md`: a watched dependency tree costs tens of
 *   thousands of watches). The ignored folders are listed again when a `.gitignore` changes or new
 *   folders appear; when they differ, chokidar is restarted with the new list;
 * - the worktree's git HEAD and index are watched too, so a commit that changes no file (after a
 *   `git add`) is still reported.
 */
export class WorktreeWatcher {
  private readonly changes: Debouncer;
  private readonly ignoreReload: Debouncer;
  private rules: IgnoreRules | undefined;
  private chokidar: FSWatcher | undefined;
  private gitDirWatcher: FsWatcher | undefined;
  private reloading: Promise<void> | undefined;
  private isReloadAgain = false;
  private isStarted = false;
  private isClosed = false;
  /** The worktree's real path: a symlinked root would otherwise look like a link to skip. */
  private root: string;
  /** Ends the waits of first scans still running (on close). */
  private readonly scans = new Set<() => void>();

  constructor(private readonly options: WorktreeWatcherOptions) {
    this.root = options.root;
    this.changes = new Debouncer(() => this.options.onChange(), options.debounceMs ?? DEFAULT_DEBOUNCE_MS, MAX_WAIT_MS);
    this.ignoreReload = new Debouncer(() => void this.reloadIgnored(), IGNORE_RELOAD_WAIT_MS, IGNORE_RELOAD_MAX_WAIT_MS);
  }

  /**
   * Resolves when the initial scan is done and changes are being reported. A root that cannot be
   * resolved (gone) is reported through onError, and nothing is watched.
   */
  async start(): Promise<void> {
    try {
      this.root = await realpath(this.options.root);
    } catch (error) {
      this.reportError(error);
      return;
    }
    const gitIgnored = (await listGitIgnored(this.root)) ?? { dirs: new Set(), files: new Set() };
    if (this.isClosed) return;
    this.rules = new IgnoreRules(this.root, this.options.extraIgnore, gitIgnored);
    const watcher = await this.startChokidar();
    if (this.isClosed) {
      await watcher.close();
      return;
    }
    this.chokidar = watcher;
    await this.watchGitDir();
    this.isStarted = true;
    // A `.gitignore` or a folder may have changed during the first scan.
    if (this.isReloadAgain) this.ignoreReload.trigger();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.changes.cancel();
    this.ignoreReload.cancel();
    for (const finish of [...this.scans]) finish();
    this.gitDirWatcher?.close();
    this.gitDirWatcher = undefined;
    await this.reloading;
    await this.chokidar?.close();
    this.chokidar = undefined;
  }

  /**
   * chokidar's view (for tests and diagnostics): each watched folder (absolute, under the root's
   * real path) → the names in it with a watch of their own (sub-folders only: files are seen
   * through their folder's watch).
   */
  getWatched(): Record<string, string[]> {
    return this.chokidar?.getWatched() ?? {};
  }

  private isIgnored(path: string, isDir?: boolean): boolean {
    return this.rules?.isIgnored(path, isDir) ?? false;
  }

  private async startChokidar(): Promise<FSWatcher> {
    const watcher = watch(this.root, {
      ignoreInitial: true,
      followSymlinks: false,
      // Files are seen through their folder's watch; only folders get watches of their own.
      ignored: (path, stats) => (stats !== undefined && !stats.isDirectory()) || this.isIgnored(path, stats?.isDirectory()),
    });
    watcher.on('raw', (_event, name, details) => this.onRaw(name, details));
    watcher.on('addDir', () => {
      this.changes.trigger();
      this.ignoreReload.trigger();
    });
    watcher.on('unlinkDir', () => this.changes.trigger());
    watcher.on('error', (error) => this.reportError(error));
    await untilReady(watcher, this.scans);
    return watcher;
  }

  private onRaw(name: string | null, details: unknown): void {
    if (this.isClosed) return;
    const folder = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof folder !== 'string' || !name) {
      this.changes.trigger();
      return;
    }
    const path = join(folder, name);
    if (this.isIgnored(path)) return;
    if (basename(path) === '.gitignore') this.ignoreReload.trigger();
    this.changes.trigger();
  }

  /** The worktree's own HEAD and index (in `.git/worktrees/<id>/` for a linked worktree). */
  private async watchGitDir(): Promise<void> {
    const result = await runGit(['rev-parse', '--git-dir'], { cwd: this.root, readOnly: true });
    if (this.isClosed || result.code !== 0) return;
    const gitDir = resolve(this.root, result.stdout.trim());
    try {
      // The folder, not the files: git replaces `index` by renaming `index.lock` over it.
      this.gitDirWatcher = watchFs(gitDir, (_event, name) => {
        if (name === 'HEAD' || name === 'index') this.changes.trigger();
      });
      this.gitDirWatcher.on('error', (error) => this.reportError(error));
    } catch (error) {
      this.reportError(error);
    }
  }

  private async reloadIgnored(): Promise<void> {
    if (this.reloading || !this.isStarted) {
      this.isReloadAgain = true;
      return;
    }
    this.reloading = (async () => {
      do {
        this.isReloadAgain = false;
        const listed = await listGitIgnored(this.root);
        if (listed && !this.isClosed) await this.applyIgnored(listed);
      } while (this.isReloadAgain && !this.isClosed);
    })()
      .catch((error: unknown) => this.reportError(error))
      .finally(() => (this.reloading = undefined));
    await this.reloading;
  }

  /** New ignored folders: a fresh chokidar (ready before the old one closes, so nothing is missed). */
  private async applyIgnored(listed: GitIgnored): Promise<void> {
    const current = this.rules;
    if (!current || sameIgnoredDirs(current.gitIgnored, listed)) {
      if (current) this.rules = new IgnoreRules(this.root, this.options.extraIgnore, listed);
      return;
    }
    this.rules = new IgnoreRules(this.root, this.options.extraIgnore, listed);
    const old = this.chokidar;
    const fresh = await this.startChokidar();
    if (this.isClosed) {
      await fresh.close();
      return;
    }
    this.chokidar = fresh;
    await old?.close();
    // A folder that stopped being ignored was not watched until now: report in case it changed.
    this.changes.trigger();
  }

  private reportError(error: unknown): void {
    if (this.isClosed) return;
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}
