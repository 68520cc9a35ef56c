import { appendFileSync, statSync, renameSync } from 'node:fs';
import { chmod, unlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { PROTOCOL_VERSION } from '../protocol/messages.js';
import { PauseLedger, ledgerPath, thawOrphanedLedgers } from '../term/pause-ledger.js';
import { processStartTime } from '../term/process-tree.js';
import { LocalHost } from './local-host.js';
import { acquireHostLock, ensureRuntimeDir, hostPaths, isSocket, MAX_LOG_BYTES, releaseHostLock, removeOwnRecord, writeRecord } from './runtime.js';
import { HostServer } from './server.js';

/** A host that nobody attached to and that holds no agent ends after this long (a start that failed half way). */
const FIRST_CLIENT_GRACE_MS = 10_000;
/**
 * Once idle (no agent, no client) the host lingers this long: a `lanes new` that connects again
 * right after its lane's agent exited, or a UI re-attaching, finds it still there.
 */
const IDLE_LINGER_MS = 1_000;

/**
 * The lanes host of one repository, as a process (`lanes host serve`, started by lanes on demand in
 * a session of its own): takes the single-instance lock, listens on the private socket, records
 * itself in `host.json`, serves its terminals, and ends when it holds nothing or is stopped.
 * Resolves with the exit code once it ended.
 */
export const serveHost = async (commonDir: string, version: string, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const paths = await hostPaths(commonDir, env);
  const log = (line: string): void => {
    try {
      if ((statSync(paths.log, { throwIfNoEntry: false })?.size ?? 0) > MAX_LOG_BYTES) renameSync(paths.log, `${paths.log}.1`);
      appendFileSync(paths.log, `${new Date().toISOString()} [${process.pid}] ${line}\n`, { mode: 0o600 });
    } catch {
      // A log that cannot be written must not end the host.
    }
  };
  // Sockets and files made from here on are this user's alone.
  process.umask(0o077);
  await ensureRuntimeDir(paths.runtimeDir);
  if (!(await acquireHostLock(paths))) {
    log('another host holds the lock: this one ends');
    return 0;
  }
  const startTime = (await processStartTime(process.pid)) ?? 0;
  // Processes a killed host had paused run again (each checked to be the same process).
  const thawed = await thawOrphanedLedgers([paths.runtimeDir]).catch(() => 0);
  if (thawed > 0) log(`resumed ${thawed} process(es) an earlier host had paused`);
  // The lock is ours: a socket file left there is a dead host's.
  if (await isSocket(paths.socket)) await unlink(paths.socket).catch(() => undefined);
  const terminals = new LocalHost(new PauseLedger(ledgerPath(paths.runtimeDir, process.pid, process.pid)));
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  let idleTimer: NodeJS.Timeout | undefined;
  let isEnding = false;

  const server = createServer();
  let closed: Promise<void> | undefined;
  /** No new client from here on: one that comes now finds no socket and starts the next host (which takes the lock once this one released it). */
  const stopAccepting = (): Promise<void> => {
    closed ??= Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), unlink(paths.socket).catch(() => undefined)]).then(() => undefined);
    return closed;
  };
  const end = async (code: number, reason: string): Promise<void> => {
    if (isEnding) return;
    isEnding = true;
    if (idleTimer) clearTimeout(idleTimer);
    log(`ending: ${reason}`);
    const closing = stopAccepting();
    host.farewell(reason);
    // The record goes before the agents: a lanes started meanwhile sees no host and none of its agents.
    await removeOwnRecord(paths).catch(() => undefined);
    await terminals.dispose().catch(() => undefined);
    await closing;
    await releaseHostLock(paths);
    finish(code);
  };
  const checkIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (isEnding || !host.isIdle) return;
    idleTimer = setTimeout(() => {
      if (host.isIdle) void end(0, 'no agent and no client');
    }, IDLE_LINGER_MS);
  };
  const host = new HostServer(terminals, {
    version,
    startTime,
    log,
    onIdle: checkIdle,
    onStopped: () => void end(0, 'stopped by lanes host stop'),
    onStopping: () => void stopAccepting(),
  });
  host.listen(server);
  server.on('connection', () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
  });
  const listening = await new Promise<Error | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen(paths.socket, () => resolve(undefined));
  });
  if (listening) {
    log(`cannot listen on ${paths.socket}: ${listening.message}`);
    await releaseHostLock(paths);
    return 1;
  }
  server.on('error', (error) => log(`socket error: ${error.message}`));
  await chmod(paths.socket, 0o600).catch(() => undefined);
  await writeRecord(paths, { pid: process.pid, startTime, version, protocol: PROTOCOL_VERSION, socket: paths.socket, startedAt: new Date().toISOString() });
  log(`listening on ${paths.socket} for ${commonDir} (lanes ${version}, protocol ${PROTOCOL_VERSION})`);
  idleTimer = setTimeout(checkIdle, FIRST_CLIENT_GRACE_MS);

  // In a session of its own the host gets no hang-up from a closed terminal; one sent anyway is ignored.
  process.on('SIGHUP', () => log('SIGHUP ignored'));
  process.on('SIGTERM', () => void end(143, 'SIGTERM'));
  process.on('SIGINT', () => void end(130, 'SIGINT'));
  // One terminal's failure never takes the host down: logged, and the host goes on.
  process.on('uncaughtException', (error) => log(`internal error: ${error.stack ?? error.message}`));
  process.on('unhandledRejection', (error) => log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  return finished;
};
