import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, resolve } from 'node:path';

/** True when `path` is a regular file (after symlinks) this process may execute. */
export const isExecutableFile = async (path: string): Promise<boolean> => {
  try {
    if (!(await stat(path)).isFile()) return false;
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Where `command` would be found when started with an argument array (execvp rules): a name with
 * a '/' is a path (relative to `cwd`); a bare name is looked up in each `PATH` entry in order.
 * Empty PATH entries (which would mean the current folder) are skipped. Undefined when not found.
 */
export const findExecutable = async (
  command: string,
  options: { env: NodeJS.ProcessEnv; cwd: string },
): Promise<string | undefined> => {
  if (command === '') return undefined;
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(options.cwd, command);
    return (await isExecutableFile(path)) ? path : undefined;
  }
  for (const dir of (options.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = resolve(options.cwd, dir, command);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
};
