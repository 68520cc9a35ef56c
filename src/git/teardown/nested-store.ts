import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LanesError } from '../../core/errors.js';
import { git, type GitResult } from '../exec.js';
import { nestedGit } from './nested.js';
import type { NestedSnapshot } from './nested-files.js';

/** What an archive's metadata says about one nested repository (archive.ts `ArchiveMeta.nested`). */
export interface NestedMeta {
  /** Relative to the worktree. */
  path: string;
  /** Its `.git` was a file (a submodule): it comes back with a `.git` folder of its own. */
  gitFile: boolean;
  head?: string | undefined;
  headRef?: string | undefined;
  /** Where its refs are kept in the lane's repository; undefined when it had none (before a first commit). */
  refPrefix?: string | undefined;
  /** How many refs were copied. */
  refCount: number;
  /** A commit of its staged state (kept as `<refPrefix>/index`). */
  indexCommit?: string | undefined;
  remotes: Array<[string, string]>;
  /** Why its history was not archived (the teardown was refused). */
  problem?: string | undefined;
}

/** Long enough to copy the history of a big clone. */
const FETCH_TIMEOUT_MS = 15 * 60_000;

/** Fetches between local repositories: the file transport, protocol v2 (a staged-state commit is fetched by name), no hooks. */
const FETCH = [
  '-c',
  'protocol.file.allow=always',
  '-c',
  'protocol.version=2',
  'fetch',
  '--quiet',
  '--no-tags',
  '--no-write-fetch-head',
  '--no-auto-gc',
  '--no-recurse-submodules',
  '--no-prune',
  '--atomic',
];

/**
 * A path as one ref name component: every byte but `[A-Za-z0-9_-]` as `%XX` (a path may hold
 * characters, dots or `..` a ref cannot).
 */
export const encodeRefPath = (path: string): string =>
  [...Buffer.from(path, 'utf8')].map((byte) => (/[A-Za-z0-9_-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const reason = (result: GitResult): string => result.stderr.trim().split('\n').find((line) => /^(fatal|error):/.test(line)) ?? (result.stderr.trim().split('\n')[0] || `exit ${result.code}`);

/**
 * Copy the history of each nested repository into the lane's repository (`commonDir`): all its refs,
 * its HEAD and its staged-state commit, fetched (as local transport, so its hooks never run) under
 * `refs/lanes/archive/<lane>/nested/<stamp>/<encoded path>/…` — `refs/…` as they are, `HEAD`,
 * `index`. Returns what the archive's metadata records. Nothing is fetched for one with a problem.
 */
export const storeNested = async (worktree: string, commonDir: string, laneName: string, stamp: string, nested: readonly NestedSnapshot[]): Promise<NestedMeta[]> => {
  if (nested.length === 0) return [];
  let base = `refs/lanes/archive/${laneName}/nested/${stamp}`;
  for (let attempt = 1; (await git(['for-each-ref', '--count=1', '--format=x', `${base}/`], { cwd: commonDir, readOnly: true })).trim() !== ''; attempt++) {
    base = `refs/lanes/archive/${laneName}/nested/${stamp}-${attempt}`;
  }
  const metas: NestedMeta[] = [];
  for (const repo of nested) {
    const meta: NestedMeta = { path: repo.path, gitFile: repo.gitFile, head: repo.head, headRef: repo.headRef, refCount: 0, remotes: repo.remotes };
    if (repo.problem !== undefined) {
      metas.push({ ...meta, problem: repo.problem });
      continue;
    }
    const prefix = `${base}/${encodeRefPath(repo.path)}`;
    const specs = [`+refs/*:${prefix}/refs/*`, ...(repo.head ? [`+HEAD:${prefix}/HEAD`] : []), ...(repo.indexCommit ? [`+${repo.indexCommit}:${prefix}/index`] : [])];
    const fetched = await nestedGit([...FETCH, '--', join(worktree, repo.path), ...specs], { cwd: commonDir, timeoutMs: FETCH_TIMEOUT_MS });
    if (fetched.code !== 0) throw new LanesError(`could not archive the nested repository ${repo.path}: ${reason(fetched)}`, { hint: 'nothing was removed' });
    const count = (await git(['for-each-ref', '--format=x', `${prefix}/`], { cwd: commonDir, readOnly: true })).split('\n').filter(Boolean).length;
    metas.push({ ...meta, refCount: count, ...(count > 0 ? { refPrefix: prefix } : {}), ...(repo.indexCommit ? { indexCommit: repo.indexCommit } : {}) });
  }
  return metas;
};

/**
 * Bring the nested repositories of an archive back into `worktree`, whose files are already in
 * place (restore-files.ts): outer ones first, each gets a `.git` folder (`git init`, in place of a
 * submodule's `.git` file too), its refs fetched back from the lane's repository, its HEAD on its
 * branch or detached where it was, its remotes, and its index at the staged state. Running it again
 * gives the same result. Repositories whose history was not archived keep their files only.
 */
export const restoreNested = async (worktree: string, metas: readonly NestedMeta[]): Promise<void> => {
  if (metas.length === 0) return;
  const commonDir = (await git(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: worktree, readOnly: true })).trim();
  const format = (await git(['rev-parse', '--show-object-format'], { cwd: commonDir, readOnly: true })).trim();
  for (const meta of [...metas].sort((a, b) => a.path.split('/').length - b.path.split('/').length)) {
    if (meta.problem !== undefined) continue;
    const dir = join(worktree, meta.path);
    const run = async (args: string[], input?: string): Promise<GitResult> => {
      const result = await nestedGit(args, { cwd: dir, ...(input === undefined ? {} : { input }), timeoutMs: FETCH_TIMEOUT_MS });
      if (result.code !== 0) throw new LanesError(`could not restore the nested repository ${meta.path}: ${reason(result)}`);
      return result;
    };
    await mkdir(dir, { recursive: true });
    await run(['init', '--quiet', `--object-format=${format}`]);
    if (meta.refPrefix !== undefined || meta.indexCommit !== undefined) {
      // A detached HEAD's commit may be on no ref: fetched by its archive ref, without making one here.
      const specs = [
        ...(meta.refPrefix ? [`+${meta.refPrefix}/refs/*:refs/*`] : []),
        ...(meta.refPrefix && meta.head ? [`${meta.refPrefix}/HEAD`] : []),
        ...(meta.indexCommit ? [meta.indexCommit] : []),
      ];
      await run([...FETCH, '--update-head-ok', '--', commonDir, ...specs]);
    }
    if (meta.headRef !== undefined) await run(['symbolic-ref', 'HEAD', meta.headRef]);
    else if (meta.head !== undefined) await run(['update-ref', '--no-deref', 'HEAD', meta.head]);
    for (const key of new Set(meta.remotes.map(([name]) => name))) {
      await nestedGit(['config', '--local', '--unset-all', key], { cwd: dir });
      for (const [name, value] of meta.remotes) if (name === key) await run(['config', '--local', '--add', key, value]);
    }
    await run(['read-tree', meta.indexCommit ? `${meta.indexCommit}^{tree}` : meta.head ? 'HEAD' : '--empty']);
    // Exit 1 only says some files differ from the index, which is the point.
    await nestedGit(['update-index', '-q', '--refresh'], { cwd: dir });
  }
};
