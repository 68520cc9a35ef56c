import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PROJECT = fileURLToPath(new URL('../../', import.meta.url));

const newestMtime = async (dir: string): Promise<number> => {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
};

/**
 * Make sure `dist/` is built from the current `src/` (npm test builds first; a lone `vitest run`
 * may not have): tests that run lanes modules in a child process import the built files.
 */
export const ensureBuilt = async (marker = 'dist/git/teardown/index.js'): Promise<void> => {
  const built = await stat(join(PROJECT, marker)).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  if (built >= (await newestMtime(join(PROJECT, 'src')))) return;
  await run(process.execPath, [join(PROJECT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: PROJECT });
};
