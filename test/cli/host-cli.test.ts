import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readdir, symlink, unlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder } from '../../src/protocol/framing.js';
import { PROTOCOL_VERSION, type TerminalInfo } from '../../src/protocol/messages.js';
import { processStartTime, readProcessStat } from '../../src/term/process-tree.js';
import {
  lsJson,
  connectCli,
  expectOneLineRefusal,
  hostProcessesOf,
  hostStatusJson,
  liveHost,
  makeHostCase,
  newRecordLane,
  readHostRecord,
  waitForReceived,
  type HostCase,
} from '../helpers/host-process.js';
import { assertNothingLost, captureOracle } from '../helpers/nothing-lost.js';
import { isGone, readTree, startedProcesses, stillRunning, TREE_AGENT } from '../helpers/process-probe.js';
import { LANES_BIN } from '../helpers/terminal-driver.js';
import { waitFor } from '../helpers/wait-for.js';

let c: HostCase | undefined;
let fake: Server | undefined;

beforeAll(() => {
  // `npm run build` first (npm test does).
  expect(existsSync(LANES_BIN)).toBe(true);
});
afterEach(async () => {
  await new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve()));
  fake = undefined;
  await c?.cleanup();
  c = undefined;
});

describe('lanes new, ls and send with no UI (through the host)', () => {
  it('starts the agent at once; ls --json shows it running with its pid; send types the text with Enter, --no-enter without', async () => {
    c = await makeHostCase();
    const made = await c.lanes('new', 'a', '--cmd', c.recordCmd('a'));
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/started its agent in the lanes host \(pid \d+\)/);
    await waitFor(() => existsSync(c!.received('a')), 15_000, 'the agent to start without a UI');
    const [lane] = await lsJson(c);
    expect(lane?.status).toBe('running');
    expect(lane?.pid).toBeGreaterThan(1);
    expect(await readProcessStat(lane!.pid!), 'the pid ls shows is a live process').toBeDefined();
    const status = await hostStatusJson(c);
    expect(status.terminals?.find((t) => t.id === 'a')?.pid).toBe(lane?.pid);

    const sent = await c.lanes('send', 'a', 'hello');
    expect(sent).toEqual({ code: 0, stdout: 'sent 5 characters to lane a with Enter\n', stderr: '' });
    await waitForReceived(c, 'a', 'hello\r');
    // Two sends without Enter: nothing comes between them (an Enter would show as \r).
    expect((await c.lanes('send', 'a', 'world', '--no-enter')).code).toBe(0);
    expect((await c.lanes('send', 'a', '!', '--no-enter')).code).toBe(0);
    await waitForReceived(c, 'a', 'hello\rworld!');
  });

  it('refuses to send to a paused lane in one line (exit 1) and nothing reaches the agent, not even after its resume', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const connection = await connectCli(c);
    try {
      expect(await connection.request({ t: 'pause', lane: 'a' })).toEqual({ paused: true });
      expect((await lsJson(c))[0]?.status).toBe('paused');
      const refused = expectOneLineRefusal(await c.lanes('send', 'a', 'lost'));
      expect(refused).toContain('lane a is paused');
      expect(refused).toContain('nothing was sent');
      expect(await connection.request({ t: 'resume', lane: 'a' })).toEqual({ paused: false });
    } finally {
      await connection.close();
    }
    // Keys written to a stopped agent's terminal would arrive on resume: only the marker may.
    expect((await c.lanes('send', 'a', 'after', '--no-enter')).code).toBe(0);
    await waitForReceived(c, 'a', 'after');
  });

  it('refuses an unknown lane, and a lane whose agent does not run, in one line (exit 1)', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    expect(expectOneLineRefusal(await c.lanes('send', 'zz', 'x'))).toContain("no lane named 'zz'");
    expect((await c.lanes('host', 'stop', '--yes')).code).toBe(0);
    expect(expectOneLineRefusal(await c.lanes('send', 'a', 'x'))).toContain('no agent runs in lane a');
    expect(expectOneLineRefusal(await c.lanes('send', 'zz', 'x'))).toContain("no lane named 'zz'");
  });
});

describe('lanes host status and stop', () => {
  it('status says what runs, as text and as JSON, and that nothing runs once the host is gone', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    await newRecordLane(c, 'b');
    const host = await liveHost(c);
    const lanes = await lsJson(c);
    const text = await c.lanes('host', 'status');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stderr).toBe('');
    const [head, ...rows] = text.stdout.trimEnd().split('\n');
    expect(head).toMatch(new RegExp(`^lanes host \\S+ \\(protocol ${PROTOCOL_VERSION}\\), pid ${host.pid}, since \\S+: 2 agents running, 0 UIs attached$`));
    for (const lane of lanes) expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^  ${lane.name}  running  pid ${lane.pid}  `)));

    const json = await hostStatusJson(c);
    expect(json).toMatchObject({ running: true, pid: host.pid, startTime: host.startTime, protocol: PROTOCOL_VERSION, clients: 1 });
    const terminals = json.terminals ?? [];
    expect(terminals.map((t) => [t.id, t.state, t.pid]).sort()).toEqual(lanes.map((l) => [l.name, 'running', l.pid]).sort());

    expect((await c.lanes('host', 'stop', '--yes')).code).toBe(0);
    expect(await hostStatusJson(c)).toEqual({ running: false });
    expect((await c.lanes('host', 'status')).stdout).toBe('no lanes host runs for this repository: lanes, lanes new and lanes demo start one\n');
  });

  it('stop without --yes and without a terminal refuses in one line and stops nothing', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const host = await liveHost(c);
    const [lane] = await lsJson(c);
    expect(expectOneLineRefusal(await c.lanes('host', 'stop'))).toContain('pass --yes');
    expect(await liveHost(c)).toEqual(host);
    expect(await readProcessStat(lane!.pid!)).toBeDefined();
    expect((await lsJson(c))[0]).toMatchObject({ status: 'running', pid: lane?.pid });
    expect((await c.lanes('send', 'a', 'still-here', '--no-enter')).code).toBe(0);
    await waitForReceived(c, 'a', 'still-here');
  });

  it('stop --yes ends every agent with its whole tree (a paused one too), then the host: its pid, socket, record and lock go; nothing is lost', async () => {
    c = await makeHostCase();
    const pidDir = join(c.home, 'pids');
    await mkdir(pidDir);
    expect((await c.lanes('new', 'tree', '--cmd', `node ${JSON.stringify(TREE_AGENT)} ${JSON.stringify(pidDir)}`)).code).toBe(0);
    await newRecordLane(c, 'b');
    const tree = await readTree(pidDir);
    const host = await liveHost(c);
    const record = await readHostRecord(c.commonDir);
    const b = (await lsJson(c)).find((l) => l.name === 'b');
    const bAgent = { pid: b!.pid!, startTime: (await processStartTime(b!.pid!))! };
    startedProcesses.push(bAgent);
    const connection = await connectCli(c);
    expect(await connection.request({ t: 'pause', lane: 'b' })).toEqual({ paused: true });
    await connection.close();
    await writeFile(join(c.dir, 'wip.txt'), 'not committed\n');
    for (const lane of await lsJson(c)) await writeFile(join(lane.worktree, 'agent-wip.txt'), `work of ${lane.name}\n`);
    const before = await captureOracle(c.dir);

    const stopped = await c.lanes('host', 'stop', '--yes');
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe(`stopped the lanes host (pid ${host.pid}) and its 2 agents; worktrees and branches are kept\n`);
    await waitFor(async () => (await stillRunning({ ...tree, b: bAgent, host })).length === 0, 20_000, 'every agent, its tree and the host to end');
    expect(existsSync(record!.socket), 'the socket').toBe(false);
    expect(existsSync(join(c.commonDir, 'lanes', 'host.json')), 'host.json').toBe(false);
    expect(existsSync(join(c.commonDir, 'lanes', 'host.lock')), 'host.lock').toBe(false);
    await assertNothingLost(before, c.dir, { pids: [...Object.values(tree), bAgent, host].map((p) => p.pid) });
    expect((await lsJson(c)).map((l) => l.status)).toEqual(['stopped', 'stopped']);
  });

  it('the host ends by itself once its last agent exited and no client is attached, and not before the last client left', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const host = await liveHost(c);
    const record = await readHostRecord(c.commonDir);
    const connection = await connectCli(c);
    try {
      expect((await c.lanes('send', 'a', 'EXIT', '--no-enter')).code).toBe(0);
      await waitFor(
        async () => (await connection.request<{ terminals: TerminalInfo[] }>({ t: 'status' })).terminals.find((t) => t.id === 'a')?.exit?.code === 3,
        15_000,
        'the agent to exit with code 3',
      );
      // A client is still attached: the host holds on, and still answers.
      expect(await isGone(host)).toBe(false);
      expect(existsSync(record!.socket)).toBe(true);
    } finally {
      await connection.close();
    }
    await waitFor(() => isGone(host), 15_000, 'the idle host to end');
    await waitFor(() => !existsSync(record!.socket) && !existsSync(join(c!.commonDir, 'lanes', 'host.json')), 5_000, 'its socket and record to go');
    expect((await c.lanes('host', 'status')).stdout).toBe('no lanes host runs for this repository: lanes, lanes new and lanes demo start one\n');
  });
});

describe('the private runtime folder', () => {
  it('refuses a folder other users can enter (0755) in one line: no host starts, nothing is made in it', async () => {
    c = await makeHostCase();
    const folder = join(c.runtime, 'lanes');
    await mkdir(folder);
    await chmod(folder, 0o755);
    const made = await c.lanes('new', 'a', '--cmd', c.recordCmd('a'));
    expect(expectOneLineRefusal(made, { stdout: true })).toMatch(new RegExp(`${folder} can be entered by other users \\(mode 755\\).*chmod 700`));
    expect(await readdir(folder)).toEqual([]);
    expect(await hostProcessesOf(c.commonDir)).toEqual([]);
    expect(await readHostRecord(c.commonDir)).toBeUndefined();
    expect(existsSync(c.received('a')), 'the agent ran').toBe(false);
    expectOneLineRefusal(await c.lanes('host', 'status'));
    // The host process itself refuses it too (a lanes of another build may start one).
    expectOneLineRefusal(await c.lanes('host', 'serve', '--common-dir', c.commonDir));
    expect(await readdir(folder)).toEqual([]);
    expect((await lstat(folder)).mode & 0o777).toBe(0o755);
  });

  it('refuses a symlink in place of the folder, even to a private folder of the user', async () => {
    c = await makeHostCase();
    const elsewhere = join(c.home, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o700 });
    await symlink(elsewhere, join(c.runtime, 'lanes'));
    const made = await c.lanes('new', 'a', '--cmd', c.recordCmd('a'));
    expect(expectOneLineRefusal(made, { stdout: true })).toContain(`${join(c.runtime, 'lanes')} is not a folder`);
    expect(await readdir(elsewhere)).toEqual([]);
    expect(await hostProcessesOf(c.commonDir)).toEqual([]);
    expectOneLineRefusal(await c.lanes('host', 'serve', '--common-dir', c.commonDir));
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('makes the folder 0700 and the socket 0600; the host files in the git folder are the user\'s alone', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    const record = await readHostRecord(c.commonDir);
    expect(dirname(record!.socket)).toBe(join(c.runtime, 'lanes'));
    expect((await lstat(join(c.runtime, 'lanes'))).mode & 0o777).toBe(0o700);
    const socket = await lstat(record!.socket);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    for (const file of ['host.json', 'host.lock', 'host.log']) expect((await lstat(join(c.commonDir, 'lanes', file))).mode & 0o077, file).toBe(0);
  });
});

describe('a repository deep in the file system', () => {
  it('new, ls, send and host stop work with a 200+ character path; the socket path stays short', async () => {
    c = await makeHostCase({ nested: Array.from({ length: 8 }, (_, i) => `a-folder-with-a-long-name-${i}`) });
    expect(c.dir.length).toBeGreaterThanOrEqual(200);
    await newRecordLane(c, 'a');
    const record = await readHostRecord(c.commonDir);
    // sockaddr_un holds 108 bytes on Linux, 104 on macOS.
    expect(Buffer.byteLength(record!.socket)).toBeLessThan(104);
    expect((await lsJson(c))[0]?.status).toBe('running');
    expect((await c.lanes('send', 'a', 'deep')).code).toBe(0);
    await waitForReceived(c, 'a', 'deep\r');
    const host = await liveHost(c);
    expect((await c.lanes('host', 'stop', '--yes')).code).toBe(0);
    await waitFor(() => isGone(host), 15_000, 'the host to end');
    expect(existsSync(record!.socket)).toBe(false);
  });
});

/** A fake host of protocol 99 on `socket`: answers hello (refused) and status; records every message. */
const fakeHost = async (socket: string, terminals: TerminalInfo[], received: unknown[]): Promise<Server> => {
  const server = createServer((peer) => {
    const decoder = new FrameDecoder();
    peer.on('error', () => undefined);
    peer.on('data', (chunk: Buffer) => {
      for (const message of decoder.push(chunk) as Array<{ t: string; id?: number; protocol?: number }>) {
        received.push(message);
        if (message.t === 'hello') {
          peer.write(encodeFrame({ t: 'welcome', protocol: 99, version: '9.9.9', pid: process.pid, terminals, refused: `this host speaks protocol 99, the client ${message.protocol}` }));
        } else if (message.t === 'status' && message.id !== undefined) {
          const value = { pid: process.pid, startTime: 1, startedAt: '2026-01-01T00:00:00.000Z', version: '9.9.9', protocol: 99, clients: 1, terminals };
          peer.write(encodeFrame({ t: 'reply', id: message.id, ok: true, value }));
        } else if (message.id !== undefined) {
          peer.write(encodeFrame({ t: 'reply', id: message.id, ok: false, error: 'unknown request' }));
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return server;
};

describe('a lanes host of another protocol version', () => {
  it('ls, send and new say what runs and what to do in one line (exit 1); status still answers; nothing is stopped, killed or started', async () => {
    c = await makeHostCase();
    await newRecordLane(c, 'a');
    expect((await c.lanes('host', 'stop', '--yes')).code).toBe(0);
    // The agent the other host runs: a process of this test, which must be left alone.
    const agent = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
    const agentIdentity = { pid: agent.pid!, startTime: (await waitFor(() => processStartTime(agent.pid!), 5_000, 'the agent to start'))! };
    startedProcesses.push(agentIdentity);
    const info: TerminalInfo = { id: 'a', state: 'running', pid: agent.pid!, startTime: agentIdentity.startTime, isPaused: false, command: 'agent', cwd: c.dir, startedAt: 0, promptDelivered: true, bracketedPaste: false, cols: 80, rows: 24 };
    const folder = join(c.home, 'other-host');
    await mkdir(folder, { mode: 0o700 });
    const received: Array<{ t: string }> = [];
    fake = await fakeHost(join(folder, 'host.sock'), [info], received);
    const record = { pid: process.pid, startTime: await processStartTime(process.pid), version: '9.9.9', protocol: 99, socket: join(folder, 'host.sock'), startedAt: '2026-01-01T00:00:00.000Z' };
    const recordPath = join(c.commonDir, 'lanes', 'host.json');
    await writeFile(recordPath, JSON.stringify(record));
    try {
      for (const args of [['ls'], ['ls', '--json'], ['send', 'a', 'hi'], ['new', 'b', '--cmd', c.recordCmd('b')]]) {
        const line = expectOneLineRefusal(await c.lanes(...args), { stdout: args[0] === 'new' });
        expect(line, args.join(' ')).toContain(`a lanes host of version 9.9.9 (protocol 99) runs 1 agent for this repository, and this lanes speaks protocol ${PROTOCOL_VERSION}`);
        expect(line, args.join(' ')).toContain('lanes host stop --yes');
      }
      const status = await c.lanes('host', 'status');
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(new RegExp(`^lanes host 9\\.9\\.9 \\(protocol 99\\), pid ${process.pid}, `));
      expect(status.stdout).toContain(`  a  running  pid ${agent.pid}  agent`);
      expect(new Set(received.map((m) => m.t))).toEqual(new Set(['hello', 'status']));
      expect(await isGone(agentIdentity)).toBe(false);
      expect(await hostProcessesOf(c.commonDir), 'a second host beside the other one').toEqual([]);
      expect(existsSync(c.received('b')), 'the agent of b ran').toBe(false);
    } finally {
      await unlink(recordPath).catch(() => undefined);
    }
  });
});
