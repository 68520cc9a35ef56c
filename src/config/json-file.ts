import { readFile } from 'node:fs/promises';
import { LanesError } from '../core/errors.js';

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;

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
  try {
    // Editors on some systems save a byte-order mark, which JSON.parse rejects.
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LanesError(`${label}: not valid JSON (${reason})`, { cause: error });
  }
};
