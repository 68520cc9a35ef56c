import { loadContext } from '../app/context.js';
import { runUi } from '../app/run-ui.js';
import { LanesError } from '../core/errors.js';
import type { GlobalOptions } from './main.js';

/** `lanes`: open the full-screen UI on the repository around the current folder. */
export const runUiCommand = async (options: GlobalOptions, greeting?: string, cwd = process.cwd()): Promise<number> => {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new LanesError('lanes needs a terminal for its full-screen UI', { hint: 'run it in a terminal, or use lanes ls / lanes new for scripts' });
  }
  const context = await loadContext({ cwd, ...options });
  return runUi({ context, ...(options.theme === undefined ? {} : { themeName: options.theme }), ...(greeting === undefined ? {} : { greeting }) });
};
