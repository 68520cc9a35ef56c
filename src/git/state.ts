import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { LaneRecord } from '../core/lane.js';
import { syncDirectory, writeFileAtomic } from './atomic-file.js';
import { LanesError } from '../core/errors.js';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { DEFAULT_WORKTREE_TEMPLATE, stateDir } from './paths.js';
import type { Repo } from './repo.js';
import { readRegularFile, type RegularRead } from './regular-file.js';
import { rebuildLanesFromGit } from './state-rebuild.js';
import { checkState, emptyState, parseState, type LanesState } from './state-schema.js';

export { stateDir } from './paths.js';
export type { LanesState } from './state-schema.js';

export interface StateStoreOptions {
  /** Branch prefix of lanes (config `branchPrefix`), used to rebuild lanes from git. */
  branchPrefix: string;
  /** Base recorded for rebuilt lanes; default: the branch checked out in the main worktree. */
  baseFallback?: string;
  /** `worktreeDir` template, for rebuilt lanes whose worktree is gone. Default: the built-in one. */
  worktreeDir?: string;
  /** Lock timing (tests shorten it). */
  lock?: FileLockOptions;
}

export interface LoadResult {
  state: LanesState;
  /** Set when the file was unreadable: where the broken file was moved before the rebuild. */
  recoveredFrom?: string;
}

const STATE_FILE = 'state.json';
const LOCK_FILE = 'state.lock';

/** A file-system-safe timestamp, e.g. `2024-05-01T10-20-30-123Z`. */
const fileTimestamp = (): string => new Date().toISOString().replace(/[:.]/g, '-');

/** The state file as {@link readRegularFile} finds it; an unreadable one is one line for the user. */
const readStateFile = async (path: string): Promise<RegularRead> => {
  try {
    return await readRegularFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LanesError(`cannot read the lanes state file ${path} (${code ?? String(error)})`, {
      hint: 'check its permissions, or move it away so lanes rebuilds it from git',
      cause: error,
    });
  }
};

/**
 * The lanes state of one repository, `<git-common-dir>/lanes/state.json`, shared by every lanes
 * process on it (the UI and CLI commands). Writes are atomic; `update` is a read-modify-write under
 * an inter-process lock, so concurrent updates never lose each other. A file that does not parse is
 * backed up and rebuilt from git: no lane is forgotten because a file was broken.
 */
export class StateStore {
  readonly path: string;
  readonly dir: string;
  private readonly lockPath: string;

  constructor(
    private readonly repo: Repo,
    private readonly options: StateStoreOptions,
  ) {
    this.dir = stateDir(repo);
    this.path = join(this.dir, STATE_FILE);
    this.lockPath = join(this.dir, LOCK_FILE);
  }

  /** Read the state. Lock-free when the file is fine; a broken file is recovered under the lock. */
  async load(): Promise<LoadResult> {
    const read = await readStateFile(this.path);
    if (read.kind === 'absent') return { state: emptyState() };
    if (read.kind === 'file') {
      const parsed = parseState(read.text);
      if (parsed.kind === 'ok') return { state: parsed.state };
    }
    return this.locked(() => this.readLocked());
  }

  /**
   * Read-modify-write under the lock. `mutate` gets a private copy and returns the new state; it
   * may throw to abort (nothing is written). Keep it short: others wait for the lock meanwhile.
   */
  async update(mutate: (state: LanesState) => LanesState | Promise<LanesState>): Promise<LanesState> {
    return this.locked(async () => {
      const { state } = await this.readLocked();
      const next = checkState(await mutate(structuredClone(state)));
      await this.write(next);
      return next;
    });
  }

  private async locked<T>(action: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    return withFileLock(this.lockPath, action, this.options.lock);
  }

  private async write(state: LanesState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`);
  }

  /** Read with the lock held; recovers a broken file (backup, rebuild from git, write). */
  private async readLocked(): Promise<LoadResult> {
    const read = await readStateFile(this.path);
    if (read.kind === 'absent') return { state: emptyState() };
    const parsed = read.kind === 'file' ? parseState(read.text) : undefined;
    if (parsed?.kind === 'ok') return { state: parsed.state };

    const kept = parsed?.kind === 'partial' ? parsed.valid : [];
    const rebuilt = await rebuildLanesFromGit(this.repo, {
      branchPrefix: this.options.branchPrefix,
      worktreeDir: this.options.worktreeDir ?? DEFAULT_WORKTREE_TEMPLATE,
      ...(this.options.baseFallback === undefined ? {} : { baseFallback: this.options.baseFallback }),
    });
    const names = new Set(kept.map((lane) => lane.name));
    const lanes: LaneRecord[] = [...kept, ...rebuilt.filter((lane) => !names.has(lane.name))];
    const state = checkState({ version: 1, lanes });

    // Something that is not a file (a FIFO, a folder, a symlink) is moved aside whole: it cannot
    // be linked or copied, and the rebuilt file could not be renamed over a folder.
    const backup = read.kind === 'file' ? await this.backup() : await this.moveAside();
    await this.write(state);
    return { state, recoveredFrom: backup };
  }

  /** A free `state.json.corrupt-<timestamp>[-n]` name (never an earlier backup's). */
  private async freeBackupName(): Promise<string> {
    const stamp = fileTimestamp();
    for (let attempt = 0; ; attempt += 1) {
      const target = `${this.path}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
      if (!(await lstat(target).then(() => true, () => false))) return target;
    }
  }

  /** Rename what sits at the state path (not a regular file) to a backup name. */
  private async moveAside(): Promise<string> {
    const target = await this.freeBackupName();
    await rename(this.path, target);
    await syncDirectory(this.dir);
    return target;
  }

  /**
   * Keep the broken file as `state.json.corrupt-<timestamp>` (never overwriting an earlier backup).
   * A hard link rather than a rename: `state.json` never disappears, even if the process dies before
   * the rebuilt state is written over it.
   */
  private async backup(): Promise<string> {
    const stamp = fileTimestamp();
    for (let attempt = 0; ; attempt += 1) {
      const target = `${this.path}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
      try {
        await link(this.path, target).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') throw error;
          // File systems without hard links: copy, still refusing to overwrite.
          await copyFile(this.path, target, constants.COPYFILE_EXCL);
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw error;
      }
      await syncDirectory(this.dir);
      return target;
    }
  }
}
