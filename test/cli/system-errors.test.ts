import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempRepo } from '../helpers/temp-repo.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';
import { isolatedEnv, runLanes, useCliTempFolders, type CliResult } from '../helpers/run-cli.js';

const removeLater = useCliTempFolders();

/** Run the built CLI through `/bin/sh -c SCRIPT` (for a ulimit, or a folder removed under it). */
const viaShell = (script: string, args: string[], options: { cwd: string; env: Record<string, string> }): Promise<CliResult> =>
  new Promise((resolve) => {
    execFile('/bin/sh', ['-c', script, 'sh', process.execPath, LANES_BIN, ...args], { ...options, encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });

/** Exit 1 and exactly one line on stderr, no stack trace. */
const expectOneLine = (result: CliResult, message: RegExp): void => {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr.split('\n'), result.stderr).toHaveLength(2);
  expect(result.stderr).toMatch(message);
};

describe('failures of the system around lanes end in one line (issue 7, smaller)', () => {
  it('run from a folder that was deleted: says so, not "git is not installed" nor a stack trace', async () => {
    const repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    removeLater(dirname(repo.dir), home);
    const gone = join(repo.dir, 'gone');
    await mkdir(gone);
    // The shell is in the folder when it is removed, as a terminal left in a deleted worktree.
    const result = await viaShell(`rmdir "${gone}" && exec "$@"`, ['ls'], { cwd: gone, env });
    expect(existsSync(gone)).toBe(false);
    expectOneLine(result, /^lanes: the current folder no longer exists \(deleted or moved\): cd into a folder that exists\n$/);
  });

  it('too few file descriptors (EMFILE): one line saying what to do', async () => {
    const repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    removeLater(dirname(repo.dir), home);
    // Enough for Node.js to start (it needs about 18 here), too few for lanes to load its bundle
    // (which needs about 26 with git).
    const result = await viaShell('ulimit -n 22 && exec "$@"', ['ls'], { cwd: repo.dir, env });
    expectOneLine(result, /^lanes: too many open files.*: raise the limit \(ulimit -n\) or close other programs, then try again\n$/);
  });

  it('too little free space for the archive of lanes rm: one line, nothing removed, nothing archived (notes §8 F4)', async () => {
    const repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    removeLater(dirname(repo.dir), home);
    expect((await runLanes(['new', 'a', '--cmd', 'true'], { cwd: repo.dir, env })).code).toBe(0);
    const worktree = join(dirname(repo.dir), 'repo.lanes', 'a');
    await writeFile(join(worktree, 'work.txt'), 'unsaved work\n');
    const refs = await repo.git('for-each-ref');

    const result = await runLanes(['rm', 'a', '--force'], { cwd: repo.dir, env: { ...env, LANES_TEST_FREE_BYTES: String(1024 * 1024) } });

    expectOneLine(result, /^lanes: not enough free space for the archive of lane a: 1 MB free where .* is, about 16 MB needed; free some space first, nothing was changed\n$/);
    expect(await repo.git('for-each-ref')).toBe(refs);
    expect(await readFile(join(worktree, 'work.txt'), 'utf8')).toBe('unsaved work\n');
  });

  it('a lane with nothing to archive is removed even with little free space: removing it is how space is freed', async () => {
    const repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    removeLater(dirname(repo.dir), home);
    expect((await runLanes(['new', 'clean', '--cmd', 'true'], { cwd: repo.dir, env })).code).toBe(0);
    const result = await runLanes(['rm', 'clean'], { cwd: repo.dir, env: { ...env, LANES_TEST_FREE_BYTES: String(1024 * 1024) } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
