import { afterEach, describe, expect, it } from 'vitest';
import { LocalHost } from '../../src/host/local-host.js';
import type { SpawnRequest, TerminalEvent, TerminalHost } from '../../src/term/types.js';
import { FakeHost } from '../helpers/fake-host.js';
import { HostRig } from '../helpers/host-rig.js';
import { waitFor } from '../helpers/wait-for.js';

const request = (id: string, command: string, args: string[] = [], extra: Partial<SpawnRequest> = {}): SpawnRequest => ({
  id,
  command,
  args,
  cwd: process.cwd(),
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' },
  cols: 40,
  rows: 10,
  scrollback: 100,
  ...extra,
});

const screenText = (host: TerminalHost, id: string): string => (host.frame(id, 0)?.lines ?? []).join('\n');

interface Subject {
  host: TerminalHost;
  close: () => Promise<void>;
}

/**
 * What every TerminalHost promises, whatever side of a socket it is on: the UI is written against
 * this, and the same cases run against the in-process host and the host across a socket.
 */
const contract = (name: string, make: () => Promise<Subject>): void => {
  describe(`the TerminalHost contract: ${name}`, () => {
    let subject: Subject | undefined;
    afterEach(async () => {
      await subject?.close();
      subject = undefined;
    });

    it('starts an agent once: a second start of a running lane is answered false, never done', async () => {
      subject = await make();
      const { host } = subject;
      expect(await host.spawn(request('a', 'cat'))).toBe(true);
      expect(await host.spawn(request('a', 'cat'))).toBe(false);
      await waitFor(() => host.running().includes('a'), 5_000, 'the agent to run');
      expect(host.terminals().map((t) => t.id)).toEqual(['a']);
      expect(host.pid('a')).toBeGreaterThan(1);
    });

    it('writes keys at once, shows the echo in the frame, and refuses input while paused', async () => {
      subject = await make();
      const { host } = subject;
      const events: TerminalEvent[] = [];
      host.onEvent((event) => events.push(event));
      await host.spawn(request('a', 'cat'));
      await waitFor(() => host.running().includes('a'), 5_000, 'the agent to run');
      expect(host.write('a', 'ping\r')).toBe(true);
      await waitFor(() => screenText(host, 'a').includes('ping'), 5_000, 'the echo');
      await host.pause('a');
      await waitFor(() => host.isPaused('a'), 5_000, 'the pause to show');
      expect(host.write('a', 'lost\r')).toBe(false);
      await host.resume('a');
      await waitFor(() => !host.isPaused('a'), 5_000, 'the resume to show');
      expect(host.write('a', 'pong\r')).toBe(true);
      await waitFor(() => screenText(host, 'a').includes('pong'), 5_000, 'the echo after resume');
      expect(screenText(host, 'a')).not.toContain('lost');
      expect(events.some((e) => e.type === 'paused' && e.paused)).toBe(true);
    });

    it('resizes the terminal, reports an exit with its code, and releases only exited terminals', async () => {
      subject = await make();
      const { host } = subject;
      const events: TerminalEvent[] = [];
      host.onEvent((event) => events.push(event));
      await host.spawn(request('a', 'cat'));
      await waitFor(() => host.running().includes('a'), 5_000, 'the agent to run');
      host.resize('a', 30, 8);
      await waitFor(() => host.frame('a', 0)?.cols === 30 && host.frame('a', 0)?.rows === 8, 5_000, 'the new size in the frame');
      await host.spawn(request('b', 'sh', ['-c', 'echo bye; exit 3']));
      await waitFor(() => events.some((e) => e.type === 'exit' && e.id === 'b' && e.code === 3), 5_000, 'the exit of b');
      await waitFor(() => screenText(host, 'b').includes('bye'), 5_000, 'the last screen of b');
      host.release('b');
      await waitFor(() => !host.terminals().some((t) => t.id === 'b'), 5_000, 'b to be released');
      await host.kill('a');
      await waitFor(() => !host.running().includes('a'), 5_000, 'a to end');
    });

    it('types a first prompt once the agent is quiet, and says so', async () => {
      subject = await make();
      const { host } = subject;
      const events: TerminalEvent[] = [];
      host.onEvent((event) => events.push(event));
      await host.spawn(request('a', 'sh', ['-c', 'echo ready; cat'], { typePrompt: 'do the thing' }));
      await waitFor(() => events.some((e) => e.type === 'prompt' && e.id === 'a'), 15_000, 'the prompt to be typed');
      await waitFor(() => screenText(host, 'a').includes('do the thing'), 5_000, 'the prompt on the screen');
      expect(host.terminals().find((t) => t.id === 'a')?.promptDelivered).toBe(true);
    });

    it('shows a screen that scrolls line by line exactly, for the focused lane, a lane in the background and a hidden one', async () => {
      subject = await make();
      const { host } = subject;
      const script = 'for i in $(seq 1 40); do printf "\\033[3$((i % 7))mline-$i\\033[0m\\n"; sleep 0.01; done; echo END; cat';
      for (const id of ['f', 'b', 'h']) await host.spawn(request(id, 'sh', ['-c', script]));
      host.show(['f', 'b'], 'f');
      const expected = [...Array.from({ length: 40 }, (_, i) => `line-${i + 1}`), 'END', ''].slice(-10);
      const rows = (id: string): string[] => (host.frame(id, 0)?.lines ?? []).map((line) => line.replace(/\x1b\[[0-9;]*m/g, '').trimEnd());
      for (const id of ['f', 'b', 'h']) {
        await waitFor(() => rows(id).includes('END'), 10_000, `the end of lane ${id}`);
        expect(rows(id)).toEqual(expected);
      }
    });

    it('shows history rows back when asked for a view into the scrollback', async () => {
      subject = await make();
      const { host } = subject;
      await host.spawn(request('a', 'sh', ['-c', 'for i in $(seq 1 60); do echo line-$i; done; echo END; cat']));
      await waitFor(() => screenText(host, 'a').includes('END'), 5_000, 'the output');
      const history = host.frame('a', 0)?.historyRows ?? 0;
      expect(history).toBeGreaterThan(40);
      host.view('a', history);
      await waitFor(() => host.frame('a', history)?.lines[0]?.startsWith('line-1 ') === true, 5_000, 'the oldest rows');
      host.view('a', 0);
      await waitFor(() => screenText(host, 'a').includes('END'), 5_000, 'live again');
    });
  });
};

contract('in this process (LocalHost)', async () => {
  const host = new LocalHost();
  return { host, close: () => host.dispose() };
});

contract('across a socket (RemoteHost to a HostServer)', async () => {
  const rig = await new HostRig().start();
  const host = await rig.remote();
  return { host, close: () => rig.close() };
});

describe('the fake host of the UI tests keeps the same start rule', () => {
  it('answers a second start of a lane false', async () => {
    const host = new FakeHost();
    expect(await host.spawn(request('a', 'cat'))).toBe(true);
    expect(await host.spawn(request('a', 'cat'))).toBe(false);
    expect(host.write('a', 'x')).toBe(true);
    expect(host.write('nobody', 'x')).toBe(false);
  });
});
