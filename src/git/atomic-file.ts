import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * fsync a directory so a rename inside it survives a crash. Some platforms and file systems refuse
 * to fsync a directory (EISDIR, EINVAL, EPERM); the rename is then as durable as they allow.
 */
export const syncDirectory = async (dir: string): Promise<void> => {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
};

/**
 * Replace `path` with `data` atomically: write a temporary file in the same folder, fsync it, rename
 * it over the target and fsync the folder. A crash or a full disk leaves either the old or the new
 * content, never a truncated file (git-and-process-safety §8 F4).
 */
export const writeFileAtomic = async (path: string, data: string): Promise<void> => {
  const dir = dirname(path);
  // Random suffix: two processes writing at once never share a temporary file.
  const temporary = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
};
