import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSocket } from '../../src/host/runtime.js';
import { encodeFrame } from '../../src/protocol/framing.js';
import { PROTOCOL_VERSION, type HostStatus, type TerminalInfo, type Welcome } from '../../src/protocol/messages.js';
import { processStartTime, type ProcessIdentity } from '../../src/term/process-tree.js';
import {
  lsJson,
  connectCli,
  hostStatusJson,
  liveHost,
  makeHostCase,
  newRecordLane,
  RawClient,
  readHostRecord,
  RECORD_AGENT,
  waitForReceived,
  type HostCase,
} from '../helpers/host-process.js';
import { isGone } from '../helpers/process-probe.js';
import { runLanes } from '../helpers/run-cli.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

beforeAll(() => {
  // `npm run build` first (npm test does).
  expect(existsSync(LANES_BIN)).toBe(true);
});

const hello = (protocol = 1): Record<string, unknown> => ({ t: 'hello', protocol, version: 'test', role: 'cli' });

/** Everything a spawn request needs, for a lane `id` running `command` in `cwd`. */
const spawnRequest = (h: HostCase, id: string, command: string, args: string[], cwd = h.dir) => ({
  id,
  command,
  args,
  cwd,
  env: { PATH: h.env.PATH ?? '/usr/bin:/bin', HOME: h.home },
  cols: 80,
  rows: 24,
  scrollback: 100,
});

describe('the host process after a crash', () => {
  let c: HostCase | undefined;
  afterEach(async () => {
    await c?.cleanup();
    c = undefined;
  });

  it('kill -9 leaves its socket, lock and record behind; the next lanes new starts a new host and every command works again', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const old = await liveHost(c);
    const record = await readHostRecord(c.commonDir);
    process.kill(old.pid, 'SIGKILL');
    await waitFor(() => isGone(old), 15_000, 'the host to die');
    expect(await isSocket(record!.socket), 'a stale socket').toBe(true);
    expect(JSON.parse(await readFile(join(c.commonDir, 'lanes', 'host.lock'), 'utf8'))).toEqual(old);
    expect(await readHostRecord(c.commonDir)).toEqual(record);
    const status = await c.lanes('host', 'status');
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`no lanes host runs (the last one, pid ${old.pid}, ended without cleaning up`);
    expect(await lsJson(c)).toMatchObject([{ name: 'a', status: 'stopped', pid: null }]);

    await newRecordLane(c, 'b');
    const fresh = await liveHost(c);
    expect(fresh).not.toEqual(old);
    expect(JSON.parse(await readFile(join(c.commonDir, 'lanes', 'host.lock'), 'utf8'))).toEqual(fresh);
    expect((await readHostRecord(c.commonDir))?.socket).toBe(record!.socket);
    expect((await c.lanes('send', 'b', 'hello')).code).toBe(0);
    await waitForReceived(c, 'b', 'hello\r');
    expect((await lsJson(c)).map((l) => [l.name, l.status])).toEqual([
      ['a', 'stopped'],
      ['b', 'running'],
    ]);
  });

  it('takes over a lock and a record whose pid is alive but is another process (its start time differs)', async () => {
    c = await makeHostCase();
    const mine = (await processStartTime(process.pid))!;
    // This test's process stands for the unrelated process that got the dead host's pid.
    const impostor = { pid: process.pid, startTime: mine - 1 };
    await mkdir(join(c.commonDir, 'lanes'), { recursive: true });
    await writeFile(join(c.commonDir, 'lanes', 'host.lock'), `${JSON.stringify(impostor)}\n`);
    await writeFile(join(c.commonDir, 'lanes', 'host.json'), JSON.stringify({ ...impostor, version: '0.0.1', protocol: 1, socket: c.paths.socket, startedAt: '2026-01-01T00:00:00.000Z' }));
    await newRecordLane(c, 'a');
    const host = await liveHost(c);
    expect(host.pid).not.toBe(process.pid);
    expect(JSON.parse(await readFile(join(c.commonDir, 'lanes', 'host.lock'), 'utf8'))).toEqual(host);
    expect((await c.lanes('send', 'a', 'hi')).code).toBe(0);
    await waitForReceived(c, 'a', 'hi\r');
  });

  it('keeps one host per repository: a second host process finds the lock held and ends, the first goes on serving', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const host = await liveHost(c);
    const second = await runLanes(['host', 'serve', '--common-dir', c.commonDir], { cwd: '/', env: c.env });
    expect(second).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(c.paths.log, 'utf8')).toContain('another host holds the lock: this one ends');
    expect(await liveHost(c)).toEqual(host);
    expect((await hostStatusJson(c)).pid).toBe(host.pid);
    expect((await c.lanes('send', 'a', 'one', '--no-enter')).code).toBe(0);
    await waitForReceived(c, 'a', 'one');
  });
});

describe('hostile clients against a real host process (as tmux regress tests do)', () => {
  let c: HostCase;
  let host: ProcessIdentity;
  let agentPid: number | null;
  let socket: string;
  let typed = '';
  beforeAll(async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    host = await liveHost(c);
    agentPid = (await lsJson(c))[0]!.pid;
    socket = (await readHostRecord(c.commonDir))!.socket;
  });
  afterAll(async () => {
    await c.cleanup();
  });

  /** The host still answers, still runs the same agent, and still types into it. */
  const expectHostServes = async (marker: string): Promise<void> => {
    const status = await hostStatusJson(c);
    expect(status).toMatchObject({ running: true, pid: host.pid });
    expect(status.terminals?.find((t) => t.id === 'a')).toMatchObject({ state: 'running', pid: agentPid });
    expect(await isGone(host)).toBe(false);
    expect((await c.lanes('send', 'a', marker, '--no-enter')).code).toBe(0);
    typed += marker;
    await waitForReceived(c, 'a', typed);
  };

  let client: RawClient | undefined;
  beforeEach(async () => {
    client = await RawClient.open(socket);
  });
  afterEach(() => {
    client?.socket.destroy();
  });

  it('garbage bytes (an HTTP request): the host closes that connection only', async () => {
    client!.socket.write('GET / HTTP/1.1\r\nHost: lanes\r\n\r\n');
    await client!.closed;
    expect(client!.messages).toEqual([]);
    await expectHostServes('[garbage]');
  });

  it('a message that is not JSON', async () => {
    const body = Buffer.from('}{ not json');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    client!.socket.write(Buffer.concat([header, body]));
    await client!.closed;
    await expectHostServes('[not-json]');
  });

  it('a first message that is not a hello', async () => {
    client!.send({ t: 'stop', id: 1 });
    await client!.closed;
    expect(client!.messages).toEqual([]);
    await expectHostServes('[no-hello-first]');
  });

  it('half a handshake, then the connection closes', async () => {
    const frame = encodeFrame(hello());
    client!.socket.end(frame.subarray(0, Math.floor(frame.length / 2)));
    await client!.closed;
    await expectHostServes('[half-hello]');
  });

  it('a length header of 4 GB: refused before anything is allocated', async () => {
    client!.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7b]));
    await client!.closed;
    await expectHostServes('[4gb]');
  });

  it('a valid hello, then a disconnect in the middle of a message', async () => {
    client!.send(hello());
    await client!.next((m: { t?: string }) => m.t === 'welcome', 'the welcome');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1000);
    client!.socket.write(Buffer.concat([header, Buffer.from('{"t":"write","lane":"a","data":"')]));
    client!.socket.destroy();
    await client!.closed;
    await expectHostServes('[mid-message]');
  });

  it('a client that never says hello: the host answers others meanwhile, then closes it', async () => {
    await expectHostServes('[silent-connected]');
    await client!.closed;
    expect(client!.messages).toEqual([]);
    await expectHostServes('[silent-closed]');
  });
});

describe('protocol versions and failing terminals, against a real host process', () => {
  let c: HostCase | undefined;
  afterEach(async () => {
    await c?.cleanup();
    c = undefined;
  });

  it('a client of protocol 99 gets a welcome that says refused; status still answers; spawn, write and kill are refused', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const host = await liveHost(c);
    const client = await RawClient.open((await readHostRecord(c.commonDir))!.socket);
    try {
      client.send(hello(99));
      const welcome = await client.next((m: Welcome) => m.t === 'welcome', 'the welcome');
      expect(welcome).toMatchObject({ protocol: PROTOCOL_VERSION, pid: host.pid, refused: `this host speaks protocol ${PROTOCOL_VERSION}, the client 99` });
      client.send({ t: 'status', id: 1 });
      const status = await client.reply(1);
      expect(status.ok).toBe(true);
      expect((status.value as HostStatus).pid).toBe(host.pid);
      client.send({ t: 'spawn', id: 2, request: spawnRequest(c, 'b', process.execPath, [RECORD_AGENT, c.received('b'), 'b']) });
      client.send({ t: 'write', id: 3, lane: 'a', data: 'from-the-future' });
      client.send({ t: 'kill', id: 4, lane: 'a' });
      for (const id of [2, 3, 4]) expect(await client.reply(id)).toMatchObject({ ok: false, error: 'unknown or malformed request' });
    } finally {
      client.socket.destroy();
    }
    const terminals = (await hostStatusJson(c)).terminals ?? [];
    expect(terminals.map((t) => [t.id, t.state])).toEqual([['a', 'running']]);
    expect(existsSync(c.received('b')), 'an agent of lane b ran').toBe(false);
    expect((await c.lanes('send', 'a', '[ok]', '--no-enter')).code).toBe(0);
    await waitForReceived(c, 'a', '[ok]');
  });

  it('one terminal failing never takes the host down: a missing command, a missing folder and a command the shell cannot find, next to a running lane', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'ok');
    const host = await liveHost(c);
    const connection = await connectCli(c);
    try {
      for (const request of [spawnRequest(c, 'missing', '/nonexistent/definitely-not-a-command', []), spawnRequest(c, 'nowhere', process.execPath, ['-e', '0'], join(c.dir, 'no-such-folder'))]) {
        expect(await connection.request({ t: 'spawn', request })).toEqual({ started: true });
      }
    } finally {
      await connection.close();
    }
    // The shell starts, and finds no agent (a first word lanes cannot check before).
    expect((await c.lanes('new', 'gone', '--cmd', '"$HOME/no-such-agent"')).code).toBe(0);
    const ended = await waitFor(
      async () => {
        const terminals = (await hostStatusJson(c!)).terminals ?? [];
        const isDone = ['missing', 'nowhere', 'gone'].every((id) => ['failed', 'exited'].includes(terminals.find((t) => t.id === id)?.state ?? ''));
        return isDone ? terminals : undefined;
      },
      15_000,
      'the failing lanes to end',
    );
    const state = (id: string): TerminalInfo | undefined => ended.find((t) => t.id === id);
    expect(state('missing')).toMatchObject({ state: 'failed', failure: 'command not found: /nonexistent/definitely-not-a-command' });
    expect(state('nowhere')).toMatchObject({ state: 'failed', failure: expect.stringContaining('working directory not found') });
    expect(state('gone')?.exit?.code).toBe(127);
    expect(state('ok')?.state).toBe('running');
    expect(await liveHost(c)).toEqual(host);
    expect((await lsJson(c)).map((l) => [l.name, l.status]).sort()).toEqual([
      ['gone', 'exited (127)'],
      ['ok', 'running'],
    ]);
    expect((await c.lanes('send', 'ok', 'still')).code).toBe(0);
    await waitForReceived(c, 'ok', 'still\r');
  });
});
