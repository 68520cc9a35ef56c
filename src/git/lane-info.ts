import type { LaneRecord } from '../core/lane.js';
import { runGit, splitZ } from './exec.js';

/** What `lanes ls` reports of one lane's branch and worktree against its base. */
export interface LaneGitInfo {
  ahead: number;
  behind: number;
  /** Modified, staged or untracked files in the worktree. */
  dirty: number;
  /** Files changed since the fork point, committed or not (SPEC §5). */
  touched: string[];
}

/** Background reads only (`--no-optional-locks`): never take the agent's index lock. */
export const laneGitInfo = async (lane: LaneRecord, cwdForRefs: string): Promise<LaneGitInfo> => {
  const counts = await runGit(['rev-list', '--left-right', '--count', `refs/heads/${lane.base}...refs/heads/${lane.branch}`], { cwd: cwdForRefs, readOnly: true });
  const [behind = 0, ahead = 0] = counts.code === 0 ? counts.stdout.trim().split(/\s+/).map(Number) : [];
  const status = await runGit(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: lane.worktree, readOnly: true });
  const touched = new Set<string>();
  let dirty = 0;
  if (status.code === 0) {
    const records = splitZ(status.stdout);
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as string;
      const code = record.slice(0, 2);
      touched.add(record.slice(3));
      dirty += 1;
      // Renames and copies carry the old path as the next record.
      if (code.startsWith('R') || code.startsWith('C')) {
        const from = records[i + 1];
        if (from !== undefined) touched.add(from);
        i += 1;
      }
    }
  }
  const diff = await runGit(['diff', '--name-only', '-z', '--no-renames', lane.forkPoint, 'HEAD', '--'], { cwd: lane.worktree, readOnly: true });
  if (diff.code === 0) for (const path of splitZ(diff.stdout)) touched.add(path);
  return { ahead: Number.isFinite(ahead) ? ahead : 0, behind: Number.isFinite(behind) ? behind : 0, dirty, touched: [...touched].sort() };
};
