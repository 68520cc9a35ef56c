import { lstat, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LaneRecord } from '../core/lane.js';
import { git, splitZ } from './exec.js';
import { readStatus } from './merge/status.js';
import type { Repo } from './repo.js';
import { proveWorktree } from './teardown/prove.js';

/**
 * Room kept free on top of an estimate: the index files git rewrites, the journal and state
 * lanes writes, the loose objects' own overhead, and some left for the agents. An estimate within
 * it is "clearly" enough; one beyond the free space is clearly not (git-and-process-safety §8 F4).
 */
const MARGIN_BYTES = 16 * 1024 * 1024;

/** Bytes one operation is about to write on the file system that holds `path`. */
interface Need {
  path: string;
  bytes: number;
}

/**
 * Free bytes for an unprivileged user on the file system of `path`. `LANES_TEST_FREE_BYTES`
 * stands in for it in the tests (a full disk cannot be made without privileges), as
 * `LANES_TEST_CRASH_AT` stands in for a crash.
 */
const freeBytes = async (path: string): Promise<number | undefined> => {
  const injected = process.env.LANES_TEST_FREE_BYTES;
  if (injected !== undefined && /^\d+$/.test(injected)) return Number(injected);
  const info = await statfs(path).catch(() => undefined);
  return info === undefined ? undefined : info.bavail * info.bsize;
};

const mebibytes = (bytes: number): string => `${Math.max(1, Math.round(bytes / (1024 * 1024)))} MB`;

/**
 * One line when some file system has clearly too little room for `what`, else undefined. A file
 * system that cannot be asked is not refused: this check only stops what would certainly fail
 * half-way.
 */
const refusalFor = async (what: string, needs: readonly Need[]): Promise<string | undefined> => {
  for (const need of needs) {
    const free = await freeBytes(need.path);
    if (free === undefined || free >= need.bytes + MARGIN_BYTES) continue;
    return `not enough free space for ${what}: ${mebibytes(free)} free where ${need.path} is, about ${mebibytes(need.bytes + MARGIN_BYTES)} needed; free some space first, nothing was changed`;
  }
  return undefined;
};

/** Sizes of the blobs listed as `<mode> <type> <oid> <size>\t<path>` (ls-tree -l). */
const sumSizes = (records: readonly string[]): number =>
  records.reduce((sum, record) => {
    const size = Number(record.split('\t')[0]?.trim().split(/\s+/)[3]);
    return Number.isFinite(size) ? sum + size : sum;
  }, 0);

/**
 * Before a merge moves anything: the merged files are written into the base checkout (or, with
 * the base checked out nowhere, only objects), and a verify command needs a whole checkout of the
 * result in the temporary folder.
 */
export const mergeSpaceRefusal = async (
  repo: Repo,
  input: { baseTip: string; tree: string; checkout: string | undefined; hasVerify: boolean },
): Promise<string | undefined> => {
  const cwd = repo.commonDir;
  const changed = splitZ(await git(['diff-tree', '-r', '-z', '--no-renames', '--diff-filter=AMT', '--name-only', input.baseTip, input.tree], { cwd, readOnly: true }));
  let written = 0;
  for (let i = 0; i < changed.length; i += 500) {
    const listed = splitZ(await git(['ls-tree', '-l', '-z', input.tree, '--', ...changed.slice(i, i + 500)], { cwd, readOnly: true, env: { GIT_LITERAL_PATHSPECS: '1' } }));
    written += sumSizes(listed);
  }
  const needs: Need[] = [{ path: input.checkout ?? cwd, bytes: written }];
  if (input.hasVerify) needs.push({ path: tmpdir(), bytes: sumSizes(splitZ(await git(['ls-tree', '-r', '-l', '-z', input.tree], { cwd, readOnly: true }))) });
  return refusalFor('the merge', needs);
};

/**
 * Before a teardown writes its archive: the lane's changed and untracked files become objects in
 * the repository, staged through a temporary copy of the lane's index.
 */
export const archiveSpaceRefusal = async (repo: Repo, lane: LaneRecord): Promise<string | undefined> => {
  // git runs only in a folder proven the lane's worktree (the teardown refuses any other), and a
  // lane with nothing to snapshot writes next to nothing: removing it is how space is freed.
  if (!(await proveWorktree(repo, lane.worktree)).ok) return undefined;
  const status = await readStatus(lane.worktree).catch(() => undefined);
  if (status === undefined || status.length === 0) return undefined;
  let bytes = 0;
  for (const entry of status) bytes += (await lstat(join(lane.worktree, entry.path)).catch(() => undefined))?.size ?? 0;
  // The temporary index is a copy of the lane's, about the size of the main checkout's.
  const index = (await lstat(join(repo.commonDir, 'index')).catch(() => undefined))?.size ?? 0;
  return refusalFor(`the archive of lane ${lane.name}`, [{ path: repo.commonDir, bytes: bytes + index }]);
};
