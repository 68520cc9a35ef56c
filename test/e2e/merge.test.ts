import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';

const run = promisify(execFile);

let driver: TerminalDriver | undefined;
let current: Setup | undefined;

afterEach(endE2E);

describe('merging from the UI, end to end', () => {
  it('m shows the plan, Enter merges the lane into the base, and the pane says merged', async () => {
    current = await setup(['alpha']);
    const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env: current!.env });
    const worktree = join(`${current.dir}.lanes`, 'alpha');
    await writeFile(join(worktree, 'feature.txt'), 'a feature\n');
    await git(worktree, 'add', 'feature.txt');
    await git(worktree, 'commit', '-q', '-m', 'add a feature');
    const before = (await git(current.dir, 'rev-parse', 'main')).stdout.trim();

    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    driver.write('r');
    await driver.waitForText('✓ ready');
    driver.write('m');
    await driver.waitForText('Merge lane alpha');
    await driver.waitForText('predicted: merges cleanly');
    expect(driver.screen()).toContain('add a feature');
    driver.write('\r');
    await driver.waitForText('merged lane alpha into main');
    driver.write('\x1b');
    await driver.waitFor((s) => s.includes('1 alpha') && s.includes(' merged '), 'the merged mark in the title');
    // A merged lane leaves the merge queue.
    expect(driver.screen()).not.toContain('✓ ready');
    const lanes = JSON.parse((await run(process.execPath, [LANES_BIN, 'ls', '--json'], { cwd: current.dir, env: current.env })).stdout) as Array<{ ready: boolean; merged: boolean; overlaps: string[] }>;
    expect(lanes[0]).toMatchObject({ ready: false, merged: true, overlaps: [] });

    const log = (await git(current.dir, 'log', '--format=%s', 'main')).stdout;
    expect(log).toContain('Merge lane alpha (lanes/alpha)');
    expect(log).toContain('add a feature');
    // The base only moved forward, and the user's checkout follows it cleanly.
    await git(current.dir, 'merge-base', '--is-ancestor', before, 'main');
    expect((await git(current.dir, 'status', '--porcelain')).stdout).toBe('');
  });

  it('m refuses a lane with nothing to merge, and changes nothing', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    const before = (await run('git', ['rev-parse', 'main'], { cwd: current.dir, env: current.env })).stdout;
    driver.write('m');
    await driver.waitForText('nothing to merge');
    driver.write('\r');
    driver.write('\x1b');
    await driver.waitFor((s) => !s.includes('Merge lane'), 'the dialog closed');
    expect((await run('git', ['rev-parse', 'main'], { cwd: current.dir, env: current.env })).stdout).toBe(before);
  });
});
