import { shellQuote } from '../core/shell-quote.js';
import { access, lstat, mkdir, realpath, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Config } from '../config/schema.js';
import { LanesError, usageError } from '../core/errors.js';
import type { AgentSpec, LaneRecord } from '../core/lane.js';
import { branchNameFor, validateLaneName } from '../core/names.js';
import { crashPoint } from './crash-point.js';
import { stampWorktree } from './lane-stamp.js';
import { failureLine, GitError, runGit } from './exec.js';
import { withFileLock } from './file-lock.js';
import { Journal, type JournalEntry } from './journal.js';
import { applySetup } from './lane-setup.js';
import { resolveWorktreePath, stateDir } from './paths.js';
import { branchExists, resolveBase, type Repo } from './repo.js';
import type { StateStore } from './state.js';
import { listWorktrees } from './worktrees.js';

export interface CreateLaneOptions {
  repo: Repo;
  config: Config;
  store: StateStore;
  name: string;
  agent: AgentSpec;
  /** Base branch; default: config `base`, else the branch checked out in the main worktree. */
  base?: string;
  prompt?: string;
  scope?: string[];
  /** Progress lines (steps, setup command output) for a CLI or a UI pane. */
  onProgress?: (line: string) => void;
}

/** Where lane `name` lives: the `worktreeDir` template, made absolute against the repo's parent. */
export const defaultWorktreePath = (repo: Repo, config: Config, name: string): string =>
  resolveWorktreePath(repo, config.worktreeDir, name);

/** A name as shown in a one-line message: control characters escaped. */
const printable = (text: string): string =>
  text.replace(/[\x00-\x1f\x7f]/g, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, '0')}`);

const exists = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );

const branchTaken = (branch: string): LanesError =>
  new LanesError(`branch ${branch} already exists`, {
    hint: 'choose another lane name (lanes never reuses or resets an existing branch)',
  });

const checkBranchName = async (repo: Repo, branch: string): Promise<void> => {
  const format = branch.startsWith('-')
    ? undefined
    : await runGit(['check-ref-format', '--branch', branch], { cwd: repo.mainWorktree, readOnly: true });
  if (format?.code !== 0) {
    throw usageError(`invalid branch name '${printable(branch)}'`, 'check branchPrefix in the configuration');
  }
};

/** Same folder, also when one spelling goes through a symlink. */
const samePath = async (a: string, b: string): Promise<boolean> => {
  if (a === b) return true;
  const [realA, realB] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
  return realA === realB;
};

const registeredAt = async (repo: Repo, path: string) => {
  for (const entry of await listWorktrees(repo)) if (await samePath(entry.path, path)) return entry;
  return undefined;
};

const checkTargetPath = async (repo: Repo, path: string): Promise<void> => {
  if (await exists(path)) {
    throw new LanesError(`${path} already exists`, { hint: 'move it away or choose another lane name' });
  }
  if (await registeredAt(repo, path)) {
    throw new LanesError(`a git worktree is already registered at ${path} (its folder is missing)`, {
      hint: `choose another lane name, or remove that entry with: git worktree remove ${shellQuote(path)}`,
    });
  }
};

/** Everything created so far, for a rollback. */
interface Created {
  /** First folder made for the worktree's parent (mkdir -p), if any. */
  firstDir: string | undefined;
  /** The branch was created by us (atomically: it did not exist before). */
  branch: boolean;
  /** `worktree add` ran: whatever it registered on our branch is ours. */
  worktree: boolean;
  /** The state update ran; it may have written before failing. */
  record: boolean;
}

const removeCreatedDirs = async (firstDir: string | undefined, path: string): Promise<void> => {
  if (firstDir === undefined) return;
  // From the worktree's parent up to the first folder we made; rmdir only removes empty ones.
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    await rmdir(dir).catch(() => undefined);
    if (dir === firstDir || dir === dirname(dir)) return;
  }
};

/**
 * Undo a half-created lane: the worktree (pristine apart from our setup, so --force is ours to use),
 * then the branch with a compare-and-swap on the tip we created it at, then empty folders we made.
 * Returns what could not be undone.
 */
const rollback = async (repo: Repo, path: string, branch: string, tip: string, created: Created): Promise<string[]> => {
  const left: string[] = [];
  const options = { cwd: repo.mainWorktree };
  const entry = created.worktree ? await registeredAt(repo, path).catch(() => undefined) : undefined;
  // Only an entry on our own branch is ours: another lane's worktree at the same path never is.
  if (entry && entry.branch === `refs/heads/${branch}`) {
    // A killed `worktree add` leaves its entry locked as "initializing": that lock is ours too.
    const force = entry.locked === 'initializing' ? ['--force', '--force'] : ['--force'];
    const removed = await runGit(['worktree', 'remove', ...force, '--', path], options);
    if (removed.code !== 0) left.push(`worktree ${path} (${removed.stderr.trim().split('\n')[0] ?? ''})`);
  }
  if (created.branch && left.length === 0) {
    const deleted = await runGit(['update-ref', '-d', `refs/heads/${branch}`, tip], options);
    if (deleted.code !== 0) left.push(`branch ${branch}`);
  } else if (created.branch) {
    left.push(`branch ${branch}`);
  }
  await removeCreatedDirs(created.firstDir, path);
  return left;
};

const asLanesError = (name: string, error: unknown): LanesError => {
  if (error instanceof LanesError) return error;
  const detail =
    error instanceof GitError
      ? `git ${error.args.join(' ')} failed: ${failureLine(error.stderr, error.code)}`
      : error instanceof Error
        ? error.message
        : String(error);
  return new LanesError(`could not create lane ${name}: ${detail}`, { cause: error });
};

const isRecorded = (store: StateStore, name: string, path: string): Promise<boolean> =>
  store.load().then(
    ({ state }) => state.lanes.some((lane) => lane.name === name && lane.worktree === path),
    () => false,
  );

/**
 * Concurrent `git worktree add`s trip over each other's half-written admin folders ("failed to
 * read .git/worktrees/x/commondir"), so lanes processes take turns for branch + worktree creation.
 */
export const CREATE_LOCK = {
  label: 'lane creation',
  // Waiting on (and trusting an old lock of) a worktree add that may take up to its own time limit;
  // a dead owner is detected sooner by its pid.
  timeoutMs: 15 * 60_000,
  staleMs: 15 * 60_000,
};

/** A checkout of a very large repository can take minutes (git-and-process-safety §5 "Huge repo"). */
const WORKTREE_ADD_TIMEOUT_MS = 15 * 60_000;

/**
 * Create a lane (SPEC §1): validate, refuse collisions, cut branch `<prefix><name>` at the base tip,
 * add its worktree at the template path, apply `setup`, record it in the state. A refusal creates
 * nothing; a failure after the worktree exists rolls everything back.
 */
const hasWorktreeInclude = (repo: Repo): Promise<boolean> =>
  access(join(repo.mainWorktree, '.worktreeinclude')).then(
    () => true,
    () => false,
  );

/** Refuse an invalid lane name with a usage error (exit 2) naming it. */
export const assertLaneName = (name: string): void => {
  const problem = validateLaneName(name);
  if (problem !== undefined) throw usageError(`invalid lane name '${printable(name)}': ${problem}`);
};

export const createLane = async (options: CreateLaneOptions): Promise<{ lane: LaneRecord; warnings: string[] }> => {
  const { repo, config, store, name } = options;
  const progress = (line: string): void => options.onProgress?.(line);
  assertLaneName(name);
  const branch = branchNameFor(config.branchPrefix, name);
  await checkBranchName(repo, branch);

  const alreadyThere = (state: { lanes: LaneRecord[] }): boolean => state.lanes.some((lane) => lane.name === name);
  const duplicate = (): LanesError =>
    new LanesError(`a lane named ${name} already exists`, { hint: 'choose another name' });
  if (alreadyThere((await store.load()).state)) throw duplicate();
  if (await branchExists(repo, branch)) throw branchTaken(branch);
  const path = defaultWorktreePath(repo, config, name);
  await checkTargetPath(repo, path);
  const base = await resolveBase(repo, options.base ?? config.base);

  const created: Created = { firstDir: undefined, branch: false, worktree: false, record: false };
  // Journaled (SPEC §8): a crash between the branch and the state record is rolled back or kept
  // as a lane by recoverTeardowns (git/teardown/recover-create.ts).
  const journal = new Journal(repo);
  let entry: JournalEntry | undefined;
  try {
    created.firstDir = await mkdir(dirname(path), { recursive: true });
    await mkdir(stateDir(repo), { recursive: true });
    progress(`creating branch ${branch} at ${base.tip.slice(0, 12)} (${base.branch})`);
    // Create the branch on its own first: `branch` refuses atomically if it exists, so whatever the
    // rollback deletes was made by us. (`worktree add -b` creates the branch and keeps it even when
    // it then refuses the path.)
    await withFileLock(
      join(stateDir(repo), 'create.lock'),
      async () => {
        entry = await journal.begin('create', name, 'branch', { path, branch, baseSha: base.tip, agent: options.agent, base: base.branch });
        const made = await runGit(['branch', '--no-track', '--', branch, base.tip], { cwd: repo.mainWorktree });
        if (made.code !== 0) {
          if (await branchExists(repo, branch)) throw branchTaken(branch);
          throw new GitError(['branch'], made);
        }
        created.branch = true;
        progress(`adding worktree ${path}`);
        entry = await journal.step(entry, 'worktree-add');
        crashPoint('create', 'worktree-add');
        created.worktree = true;
        const added = await runGit(['worktree', 'add', '--', path, branch], {
          cwd: repo.mainWorktree,
          timeoutMs: WORKTREE_ADD_TIMEOUT_MS,
        });
        if (added.code !== 0) throw new GitError(['worktree', 'add'], added);
      },
      { ...CREATE_LOCK, onWait: () => progress('waiting for another lane to be created') },
    );

    const hasSetup = config.setup.copy.length + config.setup.symlink.length + config.setup.run.length > 0 || (await hasWorktreeInclude(repo));
    const lane: LaneRecord = {
      name,
      branch,
      worktree: path,
      agent: options.agent,
      base: base.branch,
      forkPoint: base.tip,
      createdAt: new Date().toISOString(),
      ready: false,
      ...(options.scope && options.scope.length > 0 ? { scope: options.scope } : {}),
      ...(options.prompt ? { prompt: options.prompt } : {}),
      // Recorded before setup runs, so an interrupted setup never leaves a lane lanes does not know;
      // the UI holds the agent back while this process is still setting the worktree up.
      ...(hasSetup ? { setupPid: process.pid } : {}),
    };
    // The worktree says which lane it is, so a teardown never acts on it for another record.
    await stampWorktree(path, { name, createdAt: lane.createdAt });
    created.record = true;
    await store.update((state) => {
      if (alreadyThere(state)) throw duplicate();
      return { ...state, lanes: [...state.lanes, lane] };
    });
    if (entry) await journal.finish(entry);
    if (!hasSetup) return { lane, warnings: [] };
    const warnings = await applySetup({
      mainWorktree: repo.mainWorktree,
      worktree: path,
      setup: config.setup,
      laneName: name,
      onProgress: progress,
    });
    const { setupPid: _done, ...ready } = lane;
    await store.update((state) => ({ ...state, lanes: state.lanes.map((l) => (l.name === name ? { ...l, setupPid: undefined } : l)) }));
    return { lane: ready, warnings };
  } catch (error) {
    // The state write may have landed before a late failure (e.g. the folder fsync): then it is a lane.
    if (created.record && created.branch && (await isRecorded(store, name, path))) {
      if (entry) await journal.finish(entry).catch(() => undefined);
      throw asLanesError(name, error);
    }
    const left = await rollback(repo, path, branch, base.tip, created);
    // Whatever the rollback could not undo keeps its journal entry for the next recovery.
    if (entry && left.length === 0) await journal.finish(entry).catch(() => undefined);
    const failure = asLanesError(name, error);
    if (left.length === 0) throw failure;
    throw new LanesError(`${failure.message}; left behind: ${left.join(', ')}`, { cause: error });
  }
};
