import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn, makeTempRepo, writeFiles } from '../helpers/temp-repo.js';
import { isolatedEnv, runLanes, useCliTempFolders } from '../helpers/run-cli.js';

const removeLater = useCliTempFolders();

describe('a lane on an orphan branch (issue 7, smaller)', () => {
  it('ls, diff and merge give the same clear line, and nothing is changed', async () => {
    const repo = await makeTempRepo();
    const { env, home } = await isolatedEnv();
    removeLater(dirname(repo.dir), home);
    const lanes = (...args: string[]) => runLanes(args, { cwd: repo.dir, env });
    expect((await lanes('new', 'o', '--cmd', 'true')).code).toBe(0);
    // The agent started its branch over: a history of its own, unrelated to main.
    const worktree = join(dirname(repo.dir), 'repo.lanes', 'o');
    await gitIn(worktree, ['checkout', '-q', '--orphan', 'fresh']);
    await gitIn(worktree, ['rm', '-rfq', '.']);
    await writeFiles(worktree, { 'z.txt': 'a new start\n' });
    await gitIn(worktree, ['add', 'z.txt']);
    await gitIn(worktree, ['commit', '-q', '-m', 'orphan start']);
    await gitIn(worktree, ['branch', '-M', 'fresh', 'lanes/o']);
    const refs = await repo.git('for-each-ref');
    const line = 'lane o: its branch lanes/o shares no history with main (an orphan branch?), so lanes cannot diff or merge it: look at it with git log lanes/o; lanes rm o tears it down, archived first';

    const ls = await lanes('ls');
    expect(ls.code).toBe(0);
    expect(ls.stderr).toBe(`lanes: warning: ${line}\n`);
    for (const args of [['diff', 'o'], ['merge', 'o', '--yes']]) {
      const result = await lanes(...args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toBe(`lanes: ${line}\n`);
    }
    expect(await repo.git('for-each-ref')).toBe(refs);
    expect(await repo.git('status', '--porcelain')).toBe('');
  });
});
