import { LanesError } from '../../core/errors.js';
import type { LaneRecord } from '../../core/lane.js';
import { runGit } from '../exec.js';
import type { Repo } from '../repo.js';

/** The commit HEAD of the worktree at `path` is on now, or undefined when it cannot be read. */
export const headOf = async (path: string): Promise<string | undefined> => {
  const result = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: path, readOnly: true });
  return result.code === 0 ? result.stdout.trim() : undefined;
};

/** True when `commit` is `archive` or one of its ancestors (kept reachable by the archive ref). */
export const isArchived = async (repo: Repo, commit: string, archive: string | undefined): Promise<boolean> => {
  if (archive === undefined) return false;
  const result = await runGit(['merge-base', '--is-ancestor', commit, archive], { cwd: repo.commonDir, readOnly: true });
  return result.code === 0;
};

/**
 * A commit the last look found and no archive holds (it cannot happen while HEAD.lock is held, but
 * a commit lost to a race is worse than an extra ref): kept under `refs/lanes/rescue/<name>/<sha>`.
 */
export const keepReachable = async (repo: Repo, lane: LaneRecord, commit: string): Promise<string> => {
  const ref = `refs/lanes/rescue/${lane.name}/${commit}`;
  const made = await runGit(['update-ref', '-m', 'lanes: teardown rescue', ref, commit], { cwd: repo.commonDir });
  if (made.code !== 0) throw new LanesError(`could not keep commit ${commit} of lane ${lane.name} reachable: ${made.stderr.trim()}`);
  return ref;
};
