import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh empty folder (real path), removed after the test. */
export const makeTempDir = async (): Promise<string> => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-config-')));
  created.push(dir);
  return dir;
};

/** Write `content` (a string as is, anything else as JSON) to `path`, creating folders. */
export const writeFileIn = async (path: string, content: unknown): Promise<string> => {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};
