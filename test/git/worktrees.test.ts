import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverRepo } from '../../src/git/repo.js';
import { listWorktrees, parseWorktreeList } from '../../src/git/worktrees.js';
import { makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';

describe('parseWorktreeList', () => {
  it('parses every field, including bare, locked with and without a reason, and prunable', () => {
    const output = [
      'worktree /r/main', 'HEAD aaa', 'branch refs/heads/main', '',
      'worktree /r/det', 'HEAD bbb', 'detached', 'locked', '',
      'worktree /r/lk', 'HEAD ccc', 'branch refs/heads/x', 'locked agent running', 'prunable gitdir file points to non-existent location', '',
      'worktree /r/bare.git', 'bare', '',
    ].join('\0');
    expect(parseWorktreeList(output)).toEqual([
      { path: '/r/main', head: 'aaa', branch: 'refs/heads/main', detached: false, bare: false, locked: undefined, prunable: undefined },
      { path: '/r/det', head: 'bbb', branch: undefined, detached: true, bare: false, locked: '', prunable: undefined },
      { path: '/r/lk', head: 'ccc', branch: 'refs/heads/x', detached: false, bare: false, locked: 'agent running', prunable: 'gitdir file points to non-existent location' },
      { path: '/r/bare.git', head: undefined, branch: undefined, detached: false, bare: true, locked: undefined, prunable: undefined },
    ]);
  });

  it('keeps spaces and newlines inside paths and ignores unknown fields', () => {
    const output = ['worktree /r/a b\nc', 'HEAD d', 'branch refs/heads/m', 'future-field x', '', ''].join('\0');
    expect(parseWorktreeList(output)).toEqual([
      expect.objectContaining({ path: '/r/a b\nc', head: 'd', branch: 'refs/heads/m' }),
    ]);
  });

  it('returns nothing for empty output', () => {
    expect(parseWorktreeList('')).toEqual([]);
  });
});

describe('listWorktrees (real git)', () => {
  let temp: TempRepo | undefined;
  afterEach(async () => {
    await temp?.cleanup();
    temp = undefined;
  });

  it('lists the main worktree first, then linked ones with odd paths, detached and locked', async () => {
    temp = await makeTempRepo({ pathSuffix: ' spaced ü' });
    const parent = dirname(temp.dir);
    const odd = join(parent, 'odd wt ünï\nnewline');
    const detached = join(parent, 'detached');
    await temp.git('worktree', 'add', '-q', '-b', 'feature', '--', odd, 'HEAD');
    await temp.git('worktree', 'add', '-q', '--detach', '--', detached, 'HEAD');
    await temp.git('worktree', 'lock', '--reason', 'busy here', '--', detached);
    expect(detached.localeCompare(odd)).toBeLessThan(0);
    const head = (await temp.git('rev-parse', 'HEAD')).trim();

    const [main, ...linked] = await listWorktrees(await discoverRepo(temp.dir));
    expect(main).toEqual({ path: temp.dir, head, branch: 'refs/heads/main', detached: false, bare: false, locked: undefined, prunable: undefined });
    // git lists linked worktrees in no promised order.
    expect(linked.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: detached, head, branch: undefined, detached: true, bare: false, locked: 'busy here', prunable: undefined },
      { path: odd, head, branch: 'refs/heads/feature', detached: false, bare: false, locked: undefined, prunable: undefined },
    ]);
  });

  it('reports a worktree whose folder is gone as prunable', async () => {
    temp = await makeTempRepo();
    const gone = join(dirname(temp.dir), 'gone');
    await temp.git('worktree', 'add', '-q', '-b', 'g', '--', gone, 'HEAD');
    await rm(gone, { recursive: true });
    const entries = await listWorktrees(await discoverRepo(temp.dir));
    expect(entries[1]?.path).toBe(gone);
    expect(entries[1]?.prunable).toMatch(/non-existent/);
  });
});
