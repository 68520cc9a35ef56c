import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { captureOracle, assertNothingLost } from '../helpers/nothing-lost.js';
import { LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';

const run = promisify(execFile);

let driver: TerminalDriver | undefined;
let current: Setup | undefined;

afterEach(endE2E);

describe('tearing down from the UI, end to end', () => {
  it('x refuses to lose uncommitted work and lists it; a second y tears it down, archived first; restore brings it back', async () => {
    current = await setup(['alpha', 'beta']);
    const worktree = join(`${current.dir}.lanes`, 'alpha');
    await writeFile(join(worktree, 'notes.txt'), 'unfinished work\n');
    const before = await captureOracle(current.dir);

    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    driver.write('x');
    await driver.waitForText('Tear down lane alpha');
    driver.write('y');
    await driver.waitForText('Refused');
    expect(driver.screen()).toContain('notes.txt');
    expect(existsSync(worktree)).toBe(true);
    driver.write('y');
    await driver.waitFor((s) => s.includes('torn down') && !s.includes('1 alpha'), 'the lane gone');
    expect(existsSync(worktree)).toBe(false);
    await assertNothingLost(before, current.dir);
    const branches = await run('git', ['branch', '--list', 'lanes/alpha'], { cwd: current.dir, env: current.env });
    expect(branches.stdout.trim()).toBe('');

    const { stdout } = await run(process.execPath, [LANES_BIN, 'ls', '--archived', '--json'], { cwd: current.dir, env: current.env });
    expect((JSON.parse(stdout) as Array<{ lane: string }>).map((a) => a.lane)).toContain('alpha');
    await run(process.execPath, [LANES_BIN, 'restore', 'alpha'], { cwd: current.dir, env: current.env });
    expect(readFileSync(join(worktree, 'notes.txt'), 'utf8')).toBe('unfinished work\n');
    await driver.waitFor((s) => s.includes('alpha') && s.includes('READY-alpha'), 'the restored lane in the running UI');
  });

  it('x removes a lane with nothing to lose at once', async () => {
    current = await setup(['alpha']);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('READY-alpha');
    driver.write('x');
    await driver.waitForText('Tear down lane alpha');
    driver.write('\r');
    await driver.waitForText('No lanes yet');
    expect(existsSync(join(`${current.dir}.lanes`, 'alpha'))).toBe(false);
  });
});

describe('lanes rm on the command line', () => {
  it('refuses with exit 1 and the list, and --force removes it archived', async () => {
    current = await setup(['alpha']);
    const worktree = join(`${current.dir}.lanes`, 'alpha');
    await writeFile(join(worktree, 'draft.txt'), 'draft\n');
    const refused = await run(process.execPath, [LANES_BIN, 'rm', 'alpha'], { cwd: current.dir, env: current.env }).catch((error: { code: number; stderr: string }) => error);
    expect((refused as { code: number }).code).toBe(1);
    expect((refused as { stderr: string }).stderr).toContain('draft.txt');
    expect(existsSync(worktree)).toBe(true);
    const before = await captureOracle(current.dir);
    await run(process.execPath, [LANES_BIN, 'rm', 'alpha', '--force'], { cwd: current.dir, env: current.env });
    expect(existsSync(worktree)).toBe(false);
    await assertNothingLost(before, current.dir);
  });
});
