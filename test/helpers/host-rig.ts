import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostConnection } from '../../src/host/connection.js';
import { LocalHost } from '../../src/host/local-host.js';
import { RemoteHost } from '../../src/host/remote-host.js';
import { HostServer } from '../../src/host/server.js';

/**
 * A lanes host served in the test's own process: a LocalHost behind a HostServer on a socket in a
 * fresh private folder. Clients connect as the UI and the command line do.
 */
export class HostRig {
  readonly terminals = new LocalHost();
  readonly log: string[] = [];
  idleCalls = 0;
  stopped = false;
  private server: Server | undefined;
  private dir = '';
  private readonly connections: HostConnection[] = [];
  host: HostServer | undefined;
  socket = '';

  async start(): Promise<this> {
    this.dir = await mkdtemp(join(tmpdir(), 'lanes-rig-'));
    this.socket = join(this.dir, 'host.sock');
    this.server = createServer();
    this.host = new HostServer(this.terminals, {
      version: 'test',
      startTime: 1,
      log: (line) => this.log.push(line),
      onIdle: () => (this.idleCalls += 1),
      onStopped: () => (this.stopped = true),
    });
    this.host.listen(this.server);
    await new Promise<void>((resolve) => this.server?.listen(this.socket, resolve));
    return this;
  }

  async connect(role: 'ui' | 'cli' = 'ui', fps = 30): Promise<HostConnection> {
    const connection = await HostConnection.open(this.socket, { role, version: 'test', fps });
    this.connections.push(connection);
    return connection;
  }

  /** A UI's view of the host; connecting again reaches the same rig. */
  async remote(): Promise<RemoteHost> {
    return new RemoteHost(await this.connect('ui'), () => this.connect('ui'));
  }

  async close(): Promise<void> {
    for (const connection of this.connections) await connection.close();
    await this.terminals.dispose();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
