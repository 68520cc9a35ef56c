import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Make sure `dist/` exists: tests that run lanes modules in a child process import the built
 * files. `npm test` builds first; a lone `vitest run` after a change needs `npm run build` (the
 * build is not started from here: it would rewrite `dist/` under other tests running at the same
 * time).
 */
export const ensureBuilt = async (marker = 'dist/git/teardown/index.js'): Promise<void> => {
  const isBuilt = await stat(join(PROJECT, marker)).then(
    () => true,
    () => false,
  );
  if (isBuilt) return;
  await run(process.execPath, [join(PROJECT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: PROJECT });
};
