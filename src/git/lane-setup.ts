import { constants } from 'node:fs';
import { copyFile, lstat, mkdir, readlink, realpath, stat, symlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { Config } from '../config/schema.js';
import { git, GitError, runGit, splitZ } from './exec.js';
import { runShellCommand } from './run-command.js';

/** Ignored files to copy into new worktrees, in gitignore syntax (the Claude Code convention). */
export const WORKTREE_INCLUDE_FILE = '.worktreeinclude';

/** Time limit for one `setup.run` command: generous enough for a cold `npm install`. */
export const SETUP_RUN_TIMEOUT_MS = 10 * 60_000;

export interface SetupOptions {
  mainWorktree: string;
  worktree: string;
  setup: Config['setup'];
  /** Lane name, passed to `run` commands as LANES_LANE. */
  laneName: string;
  onProgress?: (line: string) => void;
  /** Override of SETUP_RUN_TIMEOUT_MS (tests). */
  runTimeoutMs?: number;
}

const exists = async (path: string, follow: boolean): Promise<boolean> =>
  (follow ? stat(path) : lstat(path)).then(
    () => true,
    () => false,
  );

/**
 * Untracked files of the main worktree to copy: those matching `setup.copy` (gitignore syntax), plus
 * those matching `.worktreeinclude` that git also ignores. Paths are relative to the main worktree.
 */
export const listFilesToCopy = async (mainWorktree: string, patterns: string[]): Promise<string[]> => {
  const options = { cwd: mainWorktree, readOnly: true };
  const paths = new Set<string>();
  if (patterns.length > 0) {
    const args = ['ls-files', '-z', '--others', '--ignored', ...patterns.map((pattern) => `--exclude=${pattern}`)];
    for (const path of splitZ(await git(args, options))) paths.add(path);
  }
  const includeFile = join(mainWorktree, WORKTREE_INCLUDE_FILE);
  if (await exists(includeFile, true)) {
    const args = ['ls-files', '-z', '--others', '--ignored', `--exclude-from=${includeFile}`];
    const matching = splitZ(await git(args, options));
    if (matching.length > 0) {
      const checkArgs = ['check-ignore', '-z', '--stdin'];
      const ignored = await runGit(checkArgs, { ...options, input: `${matching.join('\0')}\0` });
      // Exit 1 means "none of them is ignored", not a failure.
      if (ignored.code > 1) throw new GitError(checkArgs, ignored);
      for (const path of splitZ(ignored.stdout)) paths.add(path);
    }
  }
  return [...paths].sort();
};

/**
 * Make the folders of `relative` (a path inside `root`) one component at a time, refusing any that
 * is a symlink or not a folder: a symlink committed in the worktree (`l -> ~/.config`) must never
 * let a copy or a link land outside it. Returns why it refused, or undefined.
 */
const foldersInside = async (root: string, inside: string): Promise<string | undefined> => {
  let current = root;
  const parts = dirname(inside).split(sep).filter((part) => part !== '' && part !== '.');
  for (const part of parts) {
    current = join(current, part);
    const info = await lstat(current).catch(() => undefined);
    if (info === undefined) {
      await mkdir(current);
      continue;
    }
    if (info.isSymbolicLink()) return `${relative(root, current)} is a symbolic link in the new worktree`;
    if (!info.isDirectory()) return `${relative(root, current)} is not a folder in the new worktree`;
  }
  return undefined;
};

/** The real path of `path` is inside the real path of `root`. */
const resolvesInside = async (root: string, path: string): Promise<boolean> => {
  const realRoot = await realpath(root);
  const real = await realpath(path).catch(() => undefined);
  return real !== undefined && (real === realRoot || real.startsWith(realRoot + sep));
};

/** Copy one file or symlink, never overwriting; why it was skipped otherwise. */
const copyOne = async (source: string, target: string, worktree: string): Promise<'copied' | string> => {
  if (await exists(target, false)) return 'it already exists in the new worktree';
  const blocked = await foldersInside(worktree, relative(worktree, target));
  if (blocked !== undefined) return blocked;
  const info = await lstat(source);
  if (info.isSymbolicLink()) {
    await symlink(await readlink(source), target);
    return 'copied';
  }
  try {
    await copyFile(source, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'it already exists in the new worktree';
    throw error;
  }
  return 'copied';
};

const copyFiles = async (options: SetupOptions, warnings: string[]): Promise<void> => {
  const files = await listFilesToCopy(options.mainWorktree, options.setup.copy);
  let copied = 0;
  for (const path of files) {
    const result = await copyOne(join(options.mainWorktree, path), join(options.worktree, path), options.worktree);
    if (result === 'copied') copied += 1;
    else warnings.push(`copy ${path}: skipped, ${result}`);
  }
  if (copied > 0) options.onProgress?.(`copied ${copied} file${copied === 1 ? '' : 's'} from the main checkout`);
};

/** A relative path that stays inside its root; undefined for absolute or escaping paths. */
const insidePath = (path: string): string | undefined => {
  const clean = normalize(path).replace(/\/+$/, '');
  if (clean === '' || clean === '.' || isAbsolute(clean) || clean === '..' || clean.startsWith('../')) return undefined;
  return clean;
};

const makeSymlinks = async (options: SetupOptions, warnings: string[]): Promise<void> => {
  for (const requested of options.setup.symlink) {
    const path = insidePath(requested);
    if (path === undefined) {
      warnings.push(`symlink ${requested}: skipped, it must be a relative path inside the repository`);
      continue;
    }
    const source = join(options.mainWorktree, path);
    const target = join(options.worktree, path);
    if (!(await exists(source, true))) {
      warnings.push(`symlink ${path}: skipped, it does not exist in the main checkout`);
      continue;
    }
    if (!(await resolvesInside(options.mainWorktree, source))) {
      warnings.push(`symlink ${path}: skipped, it leads out of the main checkout through a symbolic link`);
      continue;
    }
    if (await exists(target, false)) {
      warnings.push(`symlink ${path}: skipped, it already exists in the new worktree`);
      continue;
    }
    const blocked = await foldersInside(options.worktree, path);
    if (blocked !== undefined) {
      warnings.push(`symlink ${path}: skipped, ${blocked}`);
      continue;
    }
    await symlink(source, target);
    options.onProgress?.(`linked ${path} to the main checkout`);
  }
};

const runCommands = async (options: SetupOptions, warnings: string[]): Promise<void> => {
  const env = { ...process.env, LANES_LANE: options.laneName, LANES_MAIN_WORKTREE: options.mainWorktree };
  const commands = options.setup.run;
  for (const [index, command] of commands.entries()) {
    options.onProgress?.(`$ ${command}`);
    const result = await runShellCommand(command, {
      cwd: options.worktree,
      env,
      timeoutMs: options.runTimeoutMs ?? SETUP_RUN_TIMEOUT_MS,
      onLine: (line) => options.onProgress?.(line),
    });
    if (result.code === 0) continue;
    const why = result.error
      ? `could not start (${result.error})`
      : result.timedOut
        ? 'timed out'
        : result.signal
          ? `killed by ${result.signal}`
          : `exit ${result.code ?? '?'}`;
    const rest = commands.length - index - 1;
    // Later commands usually build on earlier ones (install, then build): stop here.
    warnings.push(`setup command failed (${why}): ${command}${rest > 0 ? `; skipped the ${rest} after it` : ''}`);
    return;
  }
};

/**
 * Prepare a new worktree (SPEC §3 `setup`): copy untracked files (`setup.copy` and
 * `.worktreeinclude`), symlink `setup.symlink` paths to the main checkout, then run `setup.run`
 * commands in the worktree. Problems that leave a usable lane are returned as warnings; other
 * failures (e.g. a full disk) throw.
 */
export const applySetup = async (options: SetupOptions): Promise<string[]> => {
  const warnings: string[] = [];
  await copyFiles(options, warnings);
  await makeSymlinks(options, warnings);
  await runCommands(options, warnings);
  return warnings;
};
