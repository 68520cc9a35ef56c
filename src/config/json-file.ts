import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { LanesError } from '../core/errors.js';
import { readRegularBytes } from '../git/regular-file.js';

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

/** Parse JSON text; invalid JSON becomes a one-line LanesError naming the file as `label`. */
export const parseJson = (text: string, label: string): unknown => {
  try {
    // Editors on some systems save a byte-order mark, which JSON.parse rejects.
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LanesError(`${label}: not valid JSON (${reason})`, { cause: error });
  }
};

/**
 * Read and parse one JSON file. Returns undefined when the file does not exist (a missing optional
 * config file is fine; callers that need the file turn that into their own message). Unreadable
 * files and invalid JSON become one-line LanesErrors that name the file as `label`.
 */
export const readJsonFile = async (path: string, label: string): Promise<{ value: unknown } | undefined> => {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new LanesError(`${label}: cannot read (${code ?? String(error)})`, { cause: error });
  }
  return { value: parseJson(text, label) };
};

/**
 * Largest file read with {@link readRegularFile}: a configuration file is a few kilobytes, and
 * 1 MiB keeps a huge (or growing) file from being read into memory whole.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

const kindOf = (info: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string =>
  info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : info.isSocket() ? 'a socket' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : 'not a regular file';

const isInside = (path: string, root: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * The exact bytes of a file that someone else may have put there (a cloned repository's
 * `.lanes.json`), read without surprises: only a regular file is opened — a named pipe, a device
 * or a folder is refused without opening it (a pipe would hang, a device may act on open), a
 * symbolic link only when it resolves to a file inside `root` — and at most `maxBytes`.
 * Undefined when nothing is there. Every refusal is one LanesError naming the file as `label`.
 */
export const readRegularFile = async (
  path: string,
  label: string,
  options: { root: string; maxBytes?: number },
): Promise<Buffer | undefined> => {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  const refuse = (why: string): LanesError => new LanesError(`${label}: ${why}; lanes reads only a regular file there`);
  let target = path;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink()) {
      const [resolved, root] = await Promise.all([realpath(path), realpath(options.root)]);
      if (!isInside(resolved, root)) throw refuse(`a symbolic link to ${resolved}, outside the repository`);
      target = resolved;
    }
    const info = target === path ? link : await stat(target);
    if (!info.isFile()) throw refuse(kindOf(info));
    if (info.size > maxBytes) throw refuse(`larger than ${maxBytes} bytes`);
  } catch (error) {
    if (error instanceof LanesError) throw error;
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new LanesError(`${label}: cannot read (${code ?? String(error)})`, { cause: error });
  }
  // Checked again on the open file (git/regular-file.ts): it may have been swapped since; a pipe
  // put there meanwhile does not block the open, a link put there meanwhile is refused.
  let read;
  try {
    read = await readRegularBytes(target, maxBytes);
  } catch (error) {
    throw new LanesError(`${label}: cannot read (${errorCode(error) ?? String(error)})`, { cause: error });
  }
  if (read.kind === 'absent') return undefined;
  if (read.kind === 'too-large') throw refuse(`larger than ${maxBytes} bytes`);
  if (read.kind === 'other') throw refuse(read.info.isSymbolicLink() ? 'a symbolic link' : kindOf(read.info));
  return read.bytes;
};
