import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { SpawnRequest } from './types.js';

/**
 * Why the agent of `request` cannot be started, as one line for the user, or undefined when it
 * looks startable. node-pty 1.1 does not throw for a missing command or working directory: its
 * spawn helper prints "execvp(3) failed." into the terminal and exits 1, which would look like an
 * agent that ran and failed. Checking first turns the common mistakes into a clear refusal.
 */
export const findSpawnProblem = async (request: SpawnRequest): Promise<string | undefined> => {
  const { command, cwd } = request;
  if (!(await isDirectory(cwd))) return `working directory not found: ${cwd}`;
  if (command.trim() === '') return 'no command given';
  if (command.includes('/')) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    if (!(await isFile(path))) return `command not found: ${command}`;
    if (!(await isExecutable(path))) return `not executable: ${command}`;
    return undefined;
  }
  const searchPath = request.env.PATH ?? process.env.PATH ?? '';
  let isFoundNotExecutable = false;
  for (const folder of searchPath.split(delimiter)) {
    // An empty PATH entry means the working directory (POSIX execvp).
    const candidate = join(folder === '' ? cwd : resolve(cwd, folder), command);
    if (!(await isFile(candidate))) continue;
    if (await isExecutable(candidate)) return undefined;
    isFoundNotExecutable = true;
  }
  return isFoundNotExecutable ? `not executable: ${command}` : `command not found: ${command}`;
};

/**
 * The one-line reason hidden in node-pty's spawn-helper output when exec or chdir failed after the
 * fork (a race with the check above, or a case it does not cover), or undefined for normal output.
 */
export const parseHelperFailure = (firstOutput: string, request: SpawnRequest): string | undefined => {
  const match = /^(execvp\(3\)|chdir\(2\)) failed\.: ([^\r\n]*)/.exec(firstOutput);
  if (match === null) return undefined;
  const [, call, message = ''] = match;
  if (call === 'chdir(2)') return `working directory not found: ${request.cwd}`;
  if (/no such file/i.test(message)) return `command not found: ${request.command}`;
  return `cannot start ${request.command}: ${message}`;
};

const isDirectory = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
};

const isFile = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
};

const isExecutable = async (path: string): Promise<boolean> => {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};
