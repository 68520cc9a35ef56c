import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

describe('LaneTerminal on a real PTY', () => {
  it('shows what the agent prints', async () => {
    const id = await fixture.spawn('sh', ['-c', 'echo hello-lanes'], { cols: 20, rows: 5 });
    await fixture.waitForEvent(id, 'exit');
    const frame = fixture.host.frame(id);
    expect(frame?.lines[0]).toBe('hello-lanes         ');
    expect(frame?.lines).toHaveLength(5);
    expect(fixture.events.some((event) => event.id === id && event.type === 'output')).toBe(true);
  });

  it('keeps the last output of an agent that prints a lot and exits at once', async () => {
    // Without care Linux drops the unread tail of such output in about half of the runs.
    const payload = 'hello'.repeat(8192);
    for (let run = 0; run < 10; run++) {
      const id = await fixture.spawn('/bin/echo', ['-n', payload], { cols: 100, rows: 5 });
      await fixture.waitForEvent(id, 'exit');
      expect(fixture.host.terminal(id)?.flowStats().bytesRead).toBe(payload.length);
    }
  });

  it('turns colours, bold and inverse into SGR', async () => {
    const script = "printf '\\033[1;31mRED\\033[0m \\033[7mINV\\033[0m \\033[38;2;10;20;30mTC\\033[0m'";
    const id = await fixture.spawn('sh', ['-c', script], { cols: 20, rows: 3 });
    await fixture.waitForEvent(id, 'exit');
    expect(fixture.host.frame(id)?.lines[0]).toBe(
      '\x1b[0;1;31mRED\x1b[0m \x1b[0;7mINV\x1b[0m \x1b[0;38;2;10;20;30mTC\x1b[0m          \x1b[0m',
    );
  });

  it('prints a line of CJK and emoji at exactly the pane width', async () => {
    const text = 'ab中文😀✅z';
    const id = await fixture.spawn('printf', ['%s', text], { cols: 16, rows: 3 });
    await fixture.waitForEvent(id, 'exit');
    // a b z: one column each; 中 文 😀 ✅: two each. 11 columns, then 5 blanks.
    expect(fixture.host.frame(id)?.lines[0]).toBe(`${text}${' '.repeat(16 - 11)}`);
    expect(fixture.host.frame(id)?.cursor.x).toBe(11);
  });

  it('reports the cursor position', async () => {
    const id = await fixture.spawn('sh', ['-c', "printf 'ab\\nwxyz'"], { cols: 20, rows: 5 });
    await fixture.waitForEvent(id, 'exit');
    expect(fixture.host.frame(id)?.cursor).toEqual({ x: 4, y: 1, visible: true });
  });

  it('writes input to the agent at once', async () => {
    const id = await fixture.spawn('cat', [], { cols: 30, rows: 5 });
    fixture.host.write(id, 'typed-into-cat\r');
    // The line discipline echoes the input once, then cat prints it back.
    await waitFor(() => fixture.text(id).filter((line) => line === 'typed-into-cat').length === 2, 5_000, 'echo + cat output');
  });

  it('answers the agent’s cursor position query', async () => {
    const script = join(fixture.dir, 'cpr.mjs');
    writeFileSync(
      script,
      [
        'process.stdin.setRawMode(true);',
        "process.stdout.write('\\x1b[3;5H\\x1b[6n');",
        "process.stdin.once('data', (data) => {",
        "  process.stdout.write('\\r\\nGOT ' + JSON.stringify(data.toString()).replace(/\\\\u001b/g, 'ESC'));",
        '  process.exit(0);',
        '});',
      ].join('\n'),
    );
    const id = await fixture.spawn(process.execPath, [script], { cols: 40, rows: 6 });
    await fixture.waitForText(id, 'GOT');
    expect(fixture.text(id)).toContain('GOT "ESC[3;5R"');
  });

  it('reports the exit code and a signal', async () => {
    const exiting = await fixture.spawn('sh', ['-c', 'exit 7']);
    expect(await fixture.waitForEvent(exiting, 'exit')).toMatchObject({ code: 7, signal: 0 });
    const sleeping = await fixture.spawn('sleep', ['100']);
    expect(fixture.host.running()).toContain(sleeping);
    fixture.host.signal(sleeping, 'SIGTERM');
    expect(await fixture.waitForEvent(sleeping, 'exit')).toMatchObject({ signal: 15 });
    expect(fixture.host.running()).not.toContain(sleeping);
  });

  it('reports a command that does not exist as failed, without crashing', async () => {
    const id = await fixture.spawn('lanes-no-such-command', ['x']);
    const failed = await fixture.waitForEvent(id, 'failed');
    expect(failed.reason).toBe('command not found: lanes-no-such-command');
    expect(fixture.host.running()).toEqual([]);
    expect(fixture.events.some((event) => event.id === id && event.type === 'exit')).toBe(false);
    expect(fixture.text(id)[0]).toBe('lanes: command not found: lanes-no-such-command');
    const badCwd = await fixture.spawn('sh', ['-c', 'true'], { cwd: join(fixture.dir, 'missing') });
    expect((await fixture.waitForEvent(badCwd, 'failed')).reason).toMatch(/^working directory not found: /);
  });

  it('kills an agent that ignores SIGHUP and SIGTERM within the grace period', async () => {
    const id = await fixture.spawn('sh', ['-c', "trap '' HUP TERM; echo ready; sleep 1000; echo survived"]);
    await fixture.waitForText(id, 'ready');
    const pid = fixture.host.terminal(id)?.pid ?? 0;
    // sh and sleep (forked a moment after "ready" was printed).
    await waitFor(() => livingGroupMembers(pid).length === 2, 5_000, 'sh and its sleep');
    const startedAt = performance.now();
    await fixture.host.kill(id);
    const elapsed = performance.now() - startedAt;
    expect(fixture.host.running()).toEqual([]);
    // The kernel finishes off the SIGKILLed child asynchronously: wait for it, not a fixed time.
    await waitFor(() => livingGroupMembers(pid).length === 0, 5_000, 'the group to die');
    // The 3 s grace period, then SIGKILL: not earlier (the agent ignored the polite signals), and
    // kill() does not hang after it (the bound is loose: a loaded machine is slow to see the exit).
    expect(elapsed).toBeGreaterThan(2_900);
    expect(elapsed).toBeLessThan(6_000);
    expect(await fixture.waitForEvent(id, 'exit')).toMatchObject({ signal: 9 });
  });

  it('kills a well-behaved agent at once', async () => {
    const id = await fixture.spawn('cat');
    const startedAt = performance.now();
    await fixture.host.kill(id);
    // Ended by the hang-up, before the grace period would have let SIGKILL follow.
    expect(performance.now() - startedAt).toBeLessThan(2_900);
    expect(await fixture.waitForEvent(id, 'exit')).toMatchObject({ signal: 1 });
    expect(fixture.host.running()).toEqual([]);
  });

  it('clamps a resize to 0×0 to the smallest screen (2×1) for both the emulator and the PTY', async () => {
    const out = join(fixture.dir, 'size.txt');
    const id = await fixture.spawn('sh', ['-c', `read line; stty size > '${out}'`], { cols: 30, rows: 5 });
    fixture.host.resize(id, 0, 0);
    const frame = fixture.host.frame(id);
    expect(frame).toMatchObject({ cols: 2, rows: 1 });
    expect(frame?.lines).toHaveLength(1);
    expect(frame?.lines[0]).toHaveLength(2);
    fixture.host.write(id, '\r');
    await fixture.waitForEvent(id, 'exit');
    expect(readFileSync(out, 'utf8').trim()).toBe('1 2'); // rows cols
  });

  it('shows older lines when scrolled back', async () => {
    const id = await fixture.spawn('seq', ['1', '50'], { cols: 20, rows: 10, scrollback: 100 });
    await fixture.waitForEvent(id, 'exit');
    // 50 numbers and the empty row the cursor ends on: 51 rows, 41 of them above the screen.
    expect(fixture.text(id)[0]).toBe('42');
    expect(fixture.text(id, 5)[0]).toBe('37');
    const back = fixture.host.frame(id, 5);
    expect(back).toMatchObject({ scrollOffset: 5, historyRows: 41 });
    expect(back?.cursor.visible).toBe(false);
    expect(fixture.text(id, 1_000)[0]).toBe('1');
  });

  it('reports the input modes the agent asked for', async () => {
    const id = await fixture.spawn('cat');
    expect(fixture.host.modes(id)).toEqual({
      bracketedPaste: false,
      applicationCursorKeys: false,
      mouseTracking: 'none',
      isAlternateScreen: false,
      isSynchronizedOutput: false,
    });
    const modesOn = await fixture.spawn('sh', ['-c', "printf '\\033[?2004h\\033[?1h\\033[?1002h\\033[?2026h\\033[?1049h'; sleep 100"]);
    await waitFor(() => fixture.host.modes(modesOn)?.isAlternateScreen, 5_000, 'the modes to be set');
    expect(fixture.host.modes(modesOn)).toEqual({
      bracketedPaste: true,
      applicationCursorKeys: true,
      mouseTracking: 'drag',
      isAlternateScreen: true,
      isSynchronizedOutput: true,
    });
  });

  it('strips control characters from titles and reports the bell', async () => {
    const id = await fixture.spawn('sh', ['-c', "printf '\\033]0;my\\001 title\\007\\007'"]);
    const title = await fixture.waitForEvent(id, 'title');
    expect(title.title).toBe('my title');
    await fixture.waitForEvent(id, 'bell');
  });
});

/** Processes of process group `pgid` that are alive (zombies waiting for a reaper excluded). */
const livingGroupMembers = (pgid: number): number[] => {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the parenthesised command: state ppid pgrp ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
  }
  return members;
};
