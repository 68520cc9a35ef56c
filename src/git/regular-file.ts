import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';

/** What reading one of lanes' own files found. */
export type RegularRead =
  | { kind: 'file'; text: string }
  | { kind: 'absent' }
  /** Something else sits at the path; `what` names it for a message ("a FIFO", "a folder"). */
  | { kind: 'other'; what: string };

const describe = (info: Stats): string => {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isSymbolicLink()) return 'a symbolic link';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'not a regular file';
};

/**
 * Open flags for reading a file lanes wrote itself: never follow a symlink (it could point
 * anywhere), and never wait for a writer (a FIFO would block the open, and with it every command).
 */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** What reading a file's bytes found; `too-large` when it holds more than the limit given. */
export type RegularBytes = { kind: 'file'; bytes: Buffer } | { kind: 'absent' } | { kind: 'other'; info: Stats; what: string } | { kind: 'too-large' };

/**
 * The bytes of `path` only when it is a regular file, opened without following a symlink and
 * without waiting for a writer, checked on the open file (it may have been swapped since any
 * earlier look), and read only up to `maxBytes`. Other errors (permissions, I/O) are thrown.
 */
export const readRegularBytes = async (path: string, maxBytes = Number.POSITIVE_INFINITY): Promise<RegularBytes> => {
  let handle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'absent' };
    // ELOOP: a symlink (O_NOFOLLOW); ENXIO: a socket; EISDIR on some systems for a folder.
    if (code === 'ELOOP' || code === 'ENXIO' || code === 'EISDIR') {
      const info = await lstat(path).catch(() => undefined);
      return info ? { kind: 'other', info, what: describe(info) } : { kind: 'absent' };
    }
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { kind: 'other', info, what: describe(info) };
    if (!Number.isFinite(maxBytes)) return { kind: 'file', bytes: await handle.readFile() };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) return { kind: 'too-large' };
    }
    return { kind: 'file', bytes: buffer.subarray(0, length) };
  } finally {
    await handle.close();
  }
};

/**
 * Read a file lanes keeps in its state folder (state, locks, journal entries) only when it is a
 * regular file. Anything else (a FIFO, a socket, a folder, a symlink, a device) is reported as
 * `other` without being read or waited on. Other errors (permissions, I/O) are thrown.
 */
export const readRegularFile = async (path: string): Promise<RegularRead> => {
  const read = await readRegularBytes(path);
  if (read.kind === 'file') return { kind: 'file', text: read.bytes.toString('utf8') };
  if (read.kind === 'other') return { kind: 'other', what: read.what };
  return { kind: 'absent' };
};
