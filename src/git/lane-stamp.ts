import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { runGit } from './exec.js';

/**
 * Which lane a worktree was made for, written into its admin folder (`<common>/worktrees/<id>/`,
 * which git never reads but removes with the worktree) when lanes creates or restores it: a
 * teardown then acts only on the worktree of the lane record it was given, never on another
 * lane's or the user's own worktree that a record was pointed at.
 */
export interface LaneStamp {
  name: string;
  createdAt: string;
}

const STAMP_FILE = 'lanes-lane';

/** Write the stamp of lane `stamp` into the admin folder of the worktree at `worktree`. */
export const stampWorktree = async (worktree: string, stamp: LaneStamp): Promise<void> => {
  const result = await runGit(['rev-parse', '--absolute-git-dir'], { cwd: worktree, readOnly: true });
  if (result.code !== 0) return;
  await writeFileAtomic(join(result.stdout.trim(), STAMP_FILE), `${JSON.stringify(stamp)}\n`);
};

/** The stamp in `adminDir`; undefined when there is none (a worktree made before stamps, or by hand). */
export const readStamp = async (adminDir: string): Promise<LaneStamp | 'unreadable' | undefined> => {
  const path = join(adminDir, STAMP_FILE);
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  if (!info.isFile() || info.size > 4096) return 'unreadable';
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LaneStamp>;
    return typeof parsed.name === 'string' && typeof parsed.createdAt === 'string' ? { name: parsed.name, createdAt: parsed.createdAt } : 'unreadable';
  } catch {
    return 'unreadable';
  }
};
