import { unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempRepo } from '../helpers/temp-repo.js';
import { isolatedEnv, runLanes, useCliTempFolders } from '../helpers/run-cli.js';

const removeLater = useCliTempFolders();

/**
 * What `git worktree add` leaves for a moment on every run (and for good when it is killed then):
 * the admin folder's HEAD is the null commit, or not written yet. `rev-list --all` fails on both.
 */
const breakages: Array<[string, (head: string) => Promise<void>]> = [
  ['a HEAD that is the null commit', (head) => writeFile(head, `${'0'.repeat(40)}\n`)],
  ['a missing HEAD', (head) => unlink(head)],
  ['a HEAD naming a commit that does not exist', (head) => writeFile(head, `${'1234567890'.repeat(4)}\n`)],
];

describe('a half-made worktree never makes the repository look empty (issue 7 item 7)', () => {
  for (const [what, breakHead] of breakages) {
    it(`${what}: lanes ls shows it incomplete, lanes new works, lanes doctor names it`, async () => {
      const repo = await makeTempRepo();
      const { env, home } = await isolatedEnv();
      removeLater(dirname(repo.dir), home);
      const run = (...args: string[]) => runLanes(args, { cwd: repo.dir, env });
      expect((await run('new', 'a', '--cmd', 'true')).code).toBe(0);
      await breakHead(join(repo.dir, '.git', 'worktrees', 'a', 'HEAD'));

      const ls = await run('ls', '--json');
      expect(ls.stderr).toBe('');
      expect(ls.code).toBe(0);
      expect((JSON.parse(ls.stdout) as Array<{ name: string; status: string }>).map(({ name, status }) => [name, status])).toEqual([['a', 'incomplete']]);

      const created = await run('new', 'b', '--cmd', 'true');
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      expect((await repo.git('rev-parse', 'lanes/b')).trim()).toBe((await repo.git('rev-parse', 'main')).trim());

      const doctor = await run('doctor');
      expect(doctor.stdout).not.toMatch(/no commits/);
      expect(doctor.stdout).toContain(`✓ repository ${repo.dir}, base main`);
      expect(doctor.stdout).toMatch(new RegExp(`✗ worktree ${dirname(repo.dir)}/repo\\.lanes/a is incomplete: `));
    });
  }
});
