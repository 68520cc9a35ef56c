import { stopHostOf } from './host-cleanup.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * Deterministic git for tests: no system or user configuration, a private HOME, a fixed identity
 * and `main` as the default branch. Set once per test process, when this module is imported.
 */
const home = mkdtempSync(join(tmpdir(), 'lanes-test-home-'));
writeFileSync(
  join(home, '.gitconfig'),
  '[user]\n\tname = Lanes Test\n\temail = test@lanes.invalid\n[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n',
);
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = join(home, '.config');
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.GIT_AUTHOR_NAME = 'Lanes Test';
process.env.GIT_AUTHOR_EMAIL = 'test@lanes.invalid';
process.env.GIT_COMMITTER_NAME = 'Lanes Test';
process.env.GIT_COMMITTER_EMAIL = 'test@lanes.invalid';
for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_INDEX_FILE', 'GIT_CONFIG_GLOBAL']) delete process.env[name];
// Registered while the importing test file is collected: runs after that file's tests.
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** Run git in `cwd` with an argument array; resolves stdout, rejects with stderr on failure. */
export const gitIn = (cwd: string, args: string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });

export interface TempRepoOptions {
  /** Files of the first commit (default: a README). */
  files?: Record<string, string>;
  /** Make the first commit (default true). */
  commit?: boolean;
  /** Initial branch (default `main`). */
  branch?: string;
  /** Appended to the repository folder name, e.g. ` with spaces ü`. */
  pathSuffix?: string;
}

export interface TempRepo {
  /** The main worktree. Its parent is a fresh folder removed by cleanup, lane folders included. */
  dir: string;
  cleanup(): Promise<void>;
  git(...args: string[]): Promise<string>;
}

export const writeFiles = async (dir: string, files: Record<string, string>): Promise<void> => {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
};

/** A real repository in a fresh temporary folder. */
export const makeTempRepo = async (options: TempRepoOptions = {}): Promise<TempRepo> => {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'lanes-test-')));
  const dir = join(root, `repo${options.pathSuffix ?? ''}`);
  await mkdir(dir);
  const run = (...args: string[]): Promise<string> => gitIn(dir, args);
  await run('init', '-q', '-b', options.branch ?? 'main');
  const files = options.files ?? { 'README.md': '# test repository\n' };
  await writeFiles(dir, files);
  if (options.commit !== false) {
    await run('add', '-A');
    await run('commit', '-q', '--allow-empty', '-m', 'initial commit');
  }
  return {
    dir,
    git: run,
    cleanup: async () => {
      // The repository's lanes host (lanes new starts one) ends with its agents first.
      await stopHostOf(join(dir, '.git'));
      await rm(root, { recursive: true, force: true });
    },
  };
};

/** What a "nothing was created" assertion compares. */
export interface RepoSnapshot {
  /** Every ref with its commit: `refs/heads/main 1a2b…`. */
  refs: string[];
  /** Raw `worktree list --porcelain -z` records. */
  worktrees: string[];
  /** Entries of the folder that holds the repository, and of any `*.lanes` folder in it. */
  parentEntries: string[];
  /** `git status` of the main worktree, ignored files included. */
  status: string;
}

/** Snapshot of a repository (`dir` = its main worktree) for before/after comparisons. */
export const snapshotRepo = async (dir: string): Promise<RepoSnapshot> => {
  const refs = (await gitIn(dir, ['for-each-ref', '--format=%(refname) %(objectname)'])).split('\n').filter(Boolean);
  const worktrees = (await gitIn(dir, ['worktree', 'list', '--porcelain', '-z'])).split('\0\0').filter(Boolean);
  const parent = dirname(dir);
  const parentEntries: string[] = [];
  for (const entry of (await readdir(parent)).sort()) {
    parentEntries.push(entry);
    if (entry.endsWith('.lanes')) {
      for (const child of (await readdir(join(parent, entry))).sort()) parentEntries.push(`${entry}/${child}`);
    }
  }
  const status = await gitIn(dir, ['status', '--porcelain=v1', '-z', '--ignored', '--untracked-files=all']);
  return { refs, worktrees, parentEntries, status };
};
