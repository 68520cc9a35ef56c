import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { isolatedEnv, runLanes, useCliTempFolders, type CliResult } from '../helpers/run-cli.js';

const run = promisify(execFile);

const removeLater = useCliTempFolders();
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  servers = [];
});

/** A repository with lane `a` made by lanes, and a runner of the built CLI in it. */
const setup = async (): Promise<{ repo: TempRepo; lanesDir: string; lanes: (...args: string[]) => Promise<CliResult> }> => {
  const repo = await makeTempRepo();
  const { env, home } = await isolatedEnv();
  removeLater(dirname(repo.dir), home);
  // runLanes kills the command after 20 s (code null): the guard against a FIFO that blocks.
  const lanes = (...args: string[]) => runLanes(args, { cwd: repo.dir, env });
  expect((await lanes('new', 'a', '--cmd', 'true')).code).toBe(0);
  return { repo, lanesDir: join(repo.dir, '.git', 'lanes'), lanes };
};

const listenOn = (path: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    servers.push(server);
    server.once('error', reject);
    server.listen(path, () => resolve());
  });

/** Ways to put something that is not a regular file where lanes keeps a file. */
const replacements: Array<[string, (path: string, outside: string) => Promise<void>]> = [
  ['a FIFO', async (path) => void (await run('mkfifo', [path]))],
  ['a folder', (path) => mkdir(path).then(() => undefined)],
  ['a symlink', (path, outside) => symlink(outside, path)],
  ['a socket', (path) => listenOn(path)],
];

describe('lanes files that are not regular files never hang or break a command (issue 7 item 10)', () => {
  for (const [what, replace] of replacements) {
    it(`state.json is ${what}: moved aside, the state rebuilt from git, the command goes on`, async () => {
      const { repo, lanesDir, lanes } = await setup();
      const statePath = join(lanesDir, 'state.json');
      const outside = join(dirname(repo.dir), 'outside.json');
      await writeFile(outside, 'not lanes state, must stay as it is\n');
      await unlink(statePath);
      await replace(statePath, outside);

      const ls = await lanes('ls', '--json');

      expect(ls.code, ls.stderr).toBe(0);
      expect(ls.stderr).toMatch(/^lanes: warning: the state file was unreadable; backed up to .*state\.json\.corrupt-[^ ]+ and rebuilt from git\n$/);
      expect((JSON.parse(ls.stdout) as Array<{ name: string }>).map((lane) => lane.name)).toEqual(['a']);
      expect((await lstat(statePath)).isFile()).toBe(true);
      const backups = (await readdir(lanesDir)).filter((name) => name.startsWith('state.json.corrupt-'));
      expect(backups).toHaveLength(1);
      expect(existsSync(outside)).toBe(true);
      expect((await lanes('ls', '--json')).stderr).toBe('');
    });
  }

  it('the state lock is a FIFO: refused with one line, nothing created', async () => {
    const { repo, lanesDir, lanes } = await setup();
    await run('mkfifo', [join(lanesDir, 'state.lock')]);
    const refs = await repo.git('for-each-ref');

    const created = await lanes('new', 'b', '--cmd', 'true');

    expect(created.code).toBe(1);
    expect(created.stderr).toMatch(/^lanes: the lock .*state\.lock is a FIFO, not a lock file lanes made: remove it if no lanes process is running\n$/);
    expect(await repo.git('for-each-ref')).toBe(refs);
  });

  it('a journal entry that is a FIFO is skipped: the merge goes ahead', async () => {
    const { repo, lanesDir, lanes } = await setup();
    const worktree = join(dirname(repo.dir), 'repo.lanes', 'a');
    await writeFile(join(worktree, 'b.txt'), 'b\n');
    await run('git', ['add', 'b.txt'], { cwd: worktree });
    await run('git', ['commit', '-q', '-m', 'b'], { cwd: worktree });
    await mkdir(join(lanesDir, 'journal'), { recursive: true });
    await run('mkfifo', [join(lanesDir, 'journal', 'zz-entry.json')]);

    const merged = await lanes('merge', 'a', '--yes');

    expect(merged.code, merged.stderr).toBe(0);
    expect(await repo.git('show', 'main:b.txt')).toBe('b\n');
  });
});
