import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, runGit } from '../exec.js';
import type { ArchiveMeta } from './archive.js';
import { copyIndexFile } from './index-copy.js';
import { restoreNested } from './nested-store.js';

/**
 * Put an archive's files into a worktree checked out at the archive's HEAD, without committing
 * them: the worktree's files become the archive's tree (a temporary index switched to it with
 * `read-tree --reset -u`, which writes changed and new files and deletes the ones the archive does
 * not have), then the worktree's own index is set to what was staged, and intent-to-add entries
 * are added again; nested repositories get their `.git` back (nested-store.ts). `git status` then
 * shows what it showed before the teardown. Running it again
 * (recovery after a crash half-way) gives the same result.
 */
export const restoreArchiveFiles = async (worktree: string, archiveCommit: string, meta: ArchiveMeta): Promise<void> => {
  const options = { cwd: worktree };
  const indexPath = (await git(['rev-parse', '--path-format=absolute', '--git-path', 'index'], options)).trim();
  const dir = await mkdtemp(join(tmpdir(), 'lanes-restore-'));
  try {
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    // Start from the worktree's own index (fresh stat data), so unchanged files are not rewritten.
    if (!(await copyIndexFile(indexPath, env.GIT_INDEX_FILE))) await git(['read-tree', 'HEAD'], { ...options, env });
    await git(['read-tree', '--reset', '-u', `${archiveCommit}^{tree}`], { ...options, env });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const staged = meta.indexCommit === undefined ? 'HEAD' : `${meta.indexCommit}^{tree}`;
  await git(['read-tree', staged], options);
  // Exit 1 only says some files differ from the index, which is the point.
  await runGit(['update-index', '-q', '--refresh'], options);
  if (meta.intentToAdd.length > 0) {
    await git(['add', '-N', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      ...options,
      env: { GIT_LITERAL_PATHSPECS: '1' },
      input: `${meta.intentToAdd.join('\0')}\0`,
    });
  }
  await restoreNested(worktree, meta.nested ?? []);
};
