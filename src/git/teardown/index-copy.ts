import { copyFile, stat, utimes } from 'node:fs/promises';

/**
 * Copy an index file keeping its modification time. git trusts an entry's cached stat data only
 * when the entry is older than the index file itself ("racy git"): a copy stamped "now" would make
 * a file changed in the same second as the last `git add`, at the same size, look unchanged, and
 * its new content would be missed. Copied with the original's time, git re-reads exactly the files
 * it would re-read for the agent's own index. False when there is no index file.
 */
export const copyIndexFile = async (from: string, to: string): Promise<boolean> => {
  // Read before copying: if the index is rewritten in between, the copy only looks older (safe).
  const info = await stat(from).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (info === undefined) return false;
  await copyFile(from, to);
  await utimes(to, info.atime, info.mtime);
  return true;
};
