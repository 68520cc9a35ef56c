import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TerminalFixture } from '../helpers/terminal-fixture.js';
import { waitFor } from '../helpers/wait-for.js';

let fixture: TerminalFixture;
beforeEach(() => {
  fixture = new TerminalFixture();
});
afterEach(async () => {
  await fixture.dispose();
});

describe('full-screen programs', () => {
  it('vim edits a file on the alternate screen', async () => {
    const file = join(fixture.dir, 'note.txt');
    writeFileSync(file, '');
    const id = await fixture.spawn('vim', ['-u', 'NONE', '-N', '-n', file], { cols: 60, rows: 12 });
    await waitFor(() => fixture.host.modes(id)?.isAlternateScreen, 5_000, 'vim to enter the alternate screen');
    expect(fixture.host.frame(id)?.isAlternateScreen).toBe(true);
    fixture.host.write(id, 'ihello');
    await fixture.waitForText(id, '-- INSERT --');
    await fixture.waitForText(id, 'hello');
    fixture.host.write(id, '\x1b');
    await waitFor(() => !fixture.text(id).some((line) => line.includes('-- INSERT --')), 5_000, 'vim to leave insert mode');
    fixture.host.write(id, ':wq\r');
    expect(await fixture.waitForEvent(id, 'exit')).toMatchObject({ code: 0 });
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(fixture.host.frame(id)?.isAlternateScreen).toBe(false);
  });

  it('less pages down through a long file', async () => {
    const file = join(fixture.dir, 'long.txt');
    writeFileSync(file, Array.from({ length: 300 }, (_, i) => `line-${String(i + 1).padStart(3, '0')}`).join('\n') + '\n');
    const id = await fixture.spawn('less', [file], { cols: 40, rows: 10, env: { LESSHISTFILE: '-' } });
    await waitFor(() => fixture.text(id)[0] === 'line-001', 5_000, 'less to show the first page');
    expect(fixture.host.modes(id)?.isAlternateScreen).toBe(true);
    fixture.host.write(id, '\x1b[6~'); // PageDown
    // One page is the 9 rows above less's prompt line.
    await waitFor(() => fixture.text(id)[0] === 'line-010', 5_000, () => `less to page down:\n${fixture.text(id).join('\n')}`);
    expect(fixture.text(id)).not.toContain('line-001');
    fixture.host.write(id, 'q');
    expect(await fixture.waitForEvent(id, 'exit')).toMatchObject({ code: 0 });
  });
});
