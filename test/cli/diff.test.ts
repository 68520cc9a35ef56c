import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Chalk } from 'chalk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { colorPatch, runDiff, statText } from '../../src/cli/diff.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';
import { isolatedEnv, runLanes } from '../helpers/run-cli.js';
import { commitFiles } from '../helpers/worktree-lane.js';

let toRemove: string[] = [];

afterEach(async () => {
  await Promise.all(toRemove.map((dir) => rm(dir, { recursive: true, force: true })));
  toRemove = [];
});

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

/** A repository with lanes `a` and `b` made by the built CLI; returns their worktrees. */
const setup = async (): Promise<{ repo: TempRepo; env: Record<string, string>; a: string; b: string }> => {
  const repo = await makeTempRepo({ files: { 'a.txt': 'a\n', 'b.txt': 'b\n', 'README.md': '# shop\n' } });
  const { env, home } = await isolatedEnv();
  toRemove.push(dirname(repo.dir), home);
  for (const name of ['a', 'b']) {
    const made = await runLanes(['new', name, '--cmd', 'true'], { cwd: repo.dir, env });
    expect(made.code, made.stderr).toBe(0);
  }
  const lanes = join(dirname(repo.dir), 'repo.lanes');
  return { repo, env, a: join(lanes, 'a'), b: join(lanes, 'b') };
};

describe('lanes diff NAME', () => {
  it('prints exactly git’s three-dot patch, plain when stdout is not a terminal', async () => {
    const { repo, env, b } = await setup();
    await commitFiles(b, { 'b.txt': 'b edited\n', 'new.txt': 'one\ntwo\n' });
    const result = await runLanes(['diff', 'b'], { cwd: repo.dir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\x1b');
    expect(result.stdout).toBe(await repo.git('diff', '--find-renames', 'main...lanes/b'));
    expect(result.stdout).toContain('+b edited\n');
  });

  it('shows only the lane’s own files after another lane was squash-merged into the base (notes §7 #9)', async () => {
    const { repo, env, a, b } = await setup();
    await commitFiles(a, { 'a.txt': 'a edited\n', 'a2.txt': 'a2\n' });
    await repo.git('merge', '--squash', '-q', 'lanes/a');
    await repo.git('commit', '-q', '-m', 'squash lane a');
    await commitFiles(b, { 'b.txt': 'b edited\n' });
    await writeFiles(b, { 'b2.txt': 'not committed yet\n' });

    const result = await runLanes(['diff', 'b'], { cwd: repo.dir, env });
    expect(result.code, result.stderr).toBe(0);
    const headers = result.stdout.split('\n').filter((line) => line.startsWith('diff --git '));
    expect(headers).toEqual(['diff --git a/b.txt b/b.txt', 'diff --git a/b2.txt b/b2.txt']);
    expect(result.stdout).not.toContain('a2.txt');
    expect(result.stdout).not.toContain('deleted file');
    expect(result.stdout).toContain('+not committed yet\n');

    const stat = await runLanes(['diff', 'b', '--stat'], { cwd: repo.dir, env });
    expect(stat).toEqual({ code: 0, stderr: '', stdout: ' b.txt  | 2 +-\n b2.txt | 1 +\n 2 files changed, 2 insertions(+), 1 deletion(-)\n' });
  });

  it('prints nothing for a lane without changes', async () => {
    const { repo, env } = await setup();
    expect(await runLanes(['diff', 'a'], { cwd: repo.dir, env })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await runLanes(['diff', 'a', '--stat'], { cwd: repo.dir, env })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('refuses an unknown lane with one line naming the known lanes, exit 1', async () => {
    const { repo, env } = await setup();
    expect(await runLanes(['diff', 'nope'], { cwd: repo.dir, env })).toEqual({ code: 1, stdout: '', stderr: "lanes: unknown lane 'nope': known lanes: a, b\n" });
    const usage = await runLanes(['diff'], { cwd: repo.dir, env });
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
  });
});

describe('lanes diff on a terminal', () => {
  const previous = process.env.NO_COLOR;
  afterEach(() => {
    if (previous === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = previous;
  });

  const tty = (columns = 60): { text: string; write(t: string): void; isTTY: boolean; columns: number } => ({
    text: '',
    isTTY: true,
    columns,
    write(t: string) {
      this.text += t;
    },
  });

  it('colours the patch: bold headers, cyan ranges, green additions, red deletions; NO_COLOR turns it off', async () => {
    const { repo, b } = await setup();
    await commitFiles(b, { 'b.txt': 'b edited\n' });
    delete process.env.NO_COLOR;
    const out = tty();
    expect(await runDiff({}, 'b', {}, repo.dir, out)).toBe(0);
    expect(out.text).toContain('\x1b[1mdiff --git a/b.txt b/b.txt\x1b[22m\n');
    expect(out.text).toContain('\x1b[36m@@ -1 +1 @@\x1b[39m\n');
    expect(out.text).toContain('\x1b[31m-b\x1b[39m\n\x1b[32m+b edited\x1b[39m\n');

    process.env.NO_COLOR = '1';
    const plain = tty();
    await runDiff({}, 'b', {}, repo.dir, plain);
    expect(plain.text).toBe(await repo.git('diff', 'main...lanes/b'));

    const empty = tty();
    await runDiff({}, 'a', {}, repo.dir, empty);
    expect(empty.text).toMatch(/^lane a has no changes since [0-9a-f]{10}\n$/);
  });

  it('colours the --stat bars and fits them to the terminal width', () => {
    const chalk = new Chalk({ level: 1 });
    const text = statText([{ path: 'big.txt', added: 200, deleted: 100, binary: false }], 40, chalk);
    const [row, total] = text.split('\n');
    expect(row).toMatch(/^ big\.txt \| 300 \x1b\[32m\++\x1b\[39m\x1b\[31m-+\x1b\[39m$/);
    expect(row!.replace(/\x1b\[\d+m/g, '').length).toBeLessThanOrEqual(40);
    expect(total).toBe(' 1 file changed, 200 insertions(+), 100 deletions(-)');
  });

  it('keeps the function name after a hunk range plain', () => {
    const chalk = new Chalk({ level: 1 });
    expect(colorPatch('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@ function f\n-a\n+b\n', chalk)).toContain('\x1b[36m@@ -1 +1 @@\x1b[39m function f\n');
  });
});
