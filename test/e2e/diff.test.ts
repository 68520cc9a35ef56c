import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { endE2E, setup, type Setup } from '../helpers/e2e-setup.js';
import { LANES_BIN, TerminalDriver } from '../helpers/terminal-driver.js';

let driver: TerminalDriver | undefined;
let current: Setup | undefined;

afterEach(endE2E);

beforeAll(() => {
  expect(existsSync(LANES_BIN)).toBe(true);
});

/** An agent that writes a 60-line file and a one-line file into its worktree, says so, and waits. */
const WRITER = [
  'i=1; while [ $i -le 60 ]; do echo "alpha line $i"; i=$((i+1)); done > long.txt',
  "printf 'second file\\n' > short.txt",
  'echo WROTE-alpha',
  'exec cat',
].join('; ');

/** The first row of the diff view's body (under its title), inside the box. */
const bodyTop = (d: TerminalDriver): string => {
  const title = d.find('Diff · lane alpha');
  return (d.lines()[(title?.row ?? 0) + 1] ?? '').replace(/^│/, '').replace(/│$/, '').trim();
};

describe('the diff view end to end (built binary in a pseudo-terminal)', () => {
  it('d shows the files the agent wrote and their + lines, ] moves between files, q closes', async () => {
    current = await setup([['alpha', WRITER]]);
    driver = new TerminalDriver({ args: [], cwd: current.dir, env: current.env });
    await driver.waitForText('WROTE-alpha');
    driver.write('d');
    // A frame can reach the screen in several reads: wait for its first and its last row.
    await driver.waitFor((s) => s.includes('Diff · lane alpha') && s.includes('2 files · +61 -0') && s.includes('lines 1–35 of 76 · file list'), 'the diff view');
    const screen = driver.screen();
    expect(screen).toMatch(/long\.txt\s+\+60 -0/);
    expect(screen).toMatch(/short\.txt\s+\+1 -0/);
    expect(screen).toContain('+alpha line 1');
    // The view is full-screen: the agent's pane is not drawn under it.
    expect(screen).not.toContain('WROTE-alpha');
    expect(bodyTop(driver)).toMatch(/^long\.txt\s+\+60 -0/);

    driver.write(']');
    await driver.waitFor(
      (s) => bodyTop(driver!) === 'diff --git a/long.txt b/long.txt' && s.includes('lines 4–38 of 76 · file 1/2 long.txt'),
      'the first file at the top',
    );
    driver.write(']');
    await driver.waitFor(
      (s) => bodyTop(driver!) === 'diff --git a/short.txt b/short.txt' && s.includes('lines 70–76 of 76 · file 2/2 short.txt'),
      'the second file at the top',
    );
    expect(driver.screen()).toContain('+second file');
    driver.write('k');
    await driver.waitFor((s) => bodyTop(driver!) === '+alpha line 60' && s.includes('lines 69–76 of 76 · file 1/2 long.txt'), 'one line up');

    driver.write('q');
    await driver.waitFor((s) => !s.includes('Diff · lane alpha') && s.includes('WROTE-alpha'), 'the pane back');
  });
});
