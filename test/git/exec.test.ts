import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/exec.js';
import '../helpers/temp-repo.js';

let toRemove: string[] = [];
afterEach(async () => {
  await Promise.all(toRemove.map((dir) => rm(dir, { recursive: true, force: true })));
  toRemove = [];
});

const tempDir = async (): Promise<string> => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'lanes-exec-')));
  toRemove.push(dir);
  return dir;
};

describe('runGit', () => {
  it('a git that exits without reading a large input: its exit is the result, no EPIPE escapes (issue 7, smaller)', async () => {
    const dir = await tempDir();
    // Far more than a pipe holds (64 KB on Linux): the write is still going when git has exited.
    const input = 'x'.repeat(16 * 1024 * 1024);
    for (let round = 0; round < 3; round += 1) {
      const result = await runGit(['version'], { cwd: dir, input });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^git version /);
    }
  });

  it('a folder that is gone is reported as such, not as "git is not installed"', async () => {
    const dir = await tempDir();
    const gone = join(dir, 'deleted worktree');
    const result = await runGit(['status'], { cwd: gone });
    expect(result).toEqual({ stdout: '', stderr: `fatal: cannot run git in ${gone}: the folder does not exist (deleted or moved?)`, code: 128 });
  });

  it('a git that is not on PATH is still reported as missing', async () => {
    const dir = await tempDir();
    const result = await runGit(['version'], { cwd: dir, env: { PATH: dir } });
    expect(result).toEqual({ stdout: '', stderr: 'git is not installed or not on PATH', code: 127 });
  });
});

describe('failureLine', () => {
  it('drops control characters and escape sequences from a hook\'s output, so it cannot drive the terminal', async () => {
    const { failureLine } = await import('../../src/git/exec.js');
    const line = failureLine('\x1b]52;c;aGk=\x07\x1b[?1049lhook says \x1b[8mno\x1b[0m\r\nfatal: refused\n', 1);
    expect(line).toBe('fatal: refused; its output ends: hook says no');
  });
});
