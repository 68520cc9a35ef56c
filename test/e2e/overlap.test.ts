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

/** Title rows of the panes (the top border lines). */
const titleOf = (d: TerminalDriver, name: string): string => d.lines().find((l) => l.includes(` ${name} `) && l.includes('╭─')) ?? '';

describe('overlaps between lanes, end to end', () => {
  it('marks both panes when two lanes write the same file, lists it with o, and on the command line', async () => {
    current = await setup(['alpha', 'beta'], { 'shared.txt': 'base\n' });
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitFor((s) => s.includes('READY-alpha') && s.includes('READY-beta'), 'both agents');
    // The agents "edit" the same file in their own worktrees.
    await writeFile(join(`${current.dir}.lanes`, 'alpha', 'shared.txt'), 'alpha\n');
    await writeFile(join(`${current.dir}.lanes`, 'beta', 'shared.txt'), 'beta\n');
    await driver.waitFor(() => titleOf(driver!, 'alpha').includes('⚠ 1') && titleOf(driver!, 'beta').includes('⚠ 1'), 'the overlap mark in both titles');
    expect(driver.screen()).toContain('alpha and beta both touch shared.txt');
    driver.write('o');
    await driver.waitForText('Overlaps — 1 file');
    expect(driver.screen()).toMatch(/shared\.txt\s+alpha \(modified\), beta \(modified\)\s+same file \(not all committed\)/);
    driver.write('\x1b');
    await driver.waitFor((s) => !s.includes('Overlaps —'), 'the panel closed');

    const { stdout } = await run(process.execPath, [LANES_BIN, 'overlaps', '--json'], { cwd: current.dir, env: current.env });
    expect(JSON.parse(stdout)).toEqual([{ path: 'shared.txt', lanes: ['alpha', 'beta'], conflict: null, base: false }]);
  });
});
