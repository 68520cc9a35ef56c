import { dirname, join } from 'node:path';
import type { LaneRecord } from '../../src/core/lane.js';
import { gitIn, writeFiles, type TempRepo } from './temp-repo.js';

/**
 * A lane made the plain git way (no lanes code): branch `lanes/<name>` from `main` in a linked
 * worktree next to the repository, with a record as the state file would hold it.
 */
export const addWorktreeLane = async (repo: TempRepo, name: string, extra: Partial<LaneRecord> = {}): Promise<LaneRecord> => {
  const worktree = join(dirname(repo.dir), `lane ${name}`);
  await repo.git('worktree', 'add', '-q', '-b', `lanes/${name}`, worktree, 'main');
  const forkPoint = (await repo.git('rev-parse', 'main')).trim();
  return { name, branch: `lanes/${name}`, worktree, agent: { kind: 'cmd', cmd: 'true' }, base: 'main', forkPoint, createdAt: '2025-01-01T00:00:00Z', ready: false, ...extra };
};

/** Write files in `dir` and commit all changes there. */
export const commitFiles = async (dir: string, files: Record<string, string>, message = 'change'): Promise<void> => {
  await writeFiles(dir, files);
  await gitIn(dir, ['add', '-A']);
  await gitIn(dir, ['commit', '-q', '-m', message]);
};
