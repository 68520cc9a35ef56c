import { createInterface } from 'node:readline/promises';
import { LanesError } from '../core/errors.js';
import { checkGitVersion, discoverRepo } from '../git/repo.js';
import { connectHost } from '../host/connect.js';
import { serveHost } from '../host/main.js';
import { hostPaths, readRecord } from '../host/runtime.js';
import type { HostStatus, TerminalInfo } from '../protocol/messages.js';
import type { GlobalOptions } from './main.js';
import { version } from './version.js';

/** `lanes host serve`: the host process itself (lanes starts it; not for people). */
export const runHostServe = async (options: { commonDir?: string }): Promise<number> => {
  if (options.commonDir === undefined) throw new LanesError('lanes host serve needs --common-dir', { exitCode: 2, hint: 'lanes starts its host by itself' });
  return serveHost(options.commonDir, version());
};

const commonDirOf = async (global: GlobalOptions, cwd: string): Promise<string> => {
  await checkGitVersion();
  return (await discoverRepo(global.repo ?? cwd)).commonDir;
};

/** One line per terminal: lane, state, pid, command. */
export const describeTerminal = (info: TerminalInfo): string => {
  const state =
    info.state === 'running' ? (info.isPaused ? 'paused' : 'running') : info.state === 'failed' ? `failed (${info.failure ?? 'unknown'})` : info.state === 'exited' ? `exited (${info.exit?.signal ? `signal ${info.exit.signal}` : (info.exit?.code ?? '?')})` : info.state;
  return `  ${info.id}  ${state}${info.pid === undefined ? '' : `  pid ${info.pid}`}  ${info.command}`;
};

/** `lanes host status [--json]`: what the repository's host runs. */
export const runHostStatus = async (global: GlobalOptions, options: { json?: boolean }, cwd = process.cwd()): Promise<number> => {
  const commonDir = await commonDirOf(global, cwd);
  const connection = await connectHost(commonDir, { role: 'cli', version: version(), allowOtherProtocol: true });
  if (!connection) {
    const paths = await hostPaths(commonDir);
    const record = await readRecord(paths);
    if (options.json) process.stdout.write(`${JSON.stringify({ running: false }, null, 2)}\n`);
    else process.stdout.write(record ? `no lanes host runs (the last one, pid ${record.pid}, ended without cleaning up; its log is ${paths.log})\n` : 'no lanes host runs for this repository: lanes, lanes new and lanes demo start one\n');
    return 0;
  }
  const status = await connection.request<HostStatus>({ t: 'status' });
  await connection.close();
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ running: true, ...status }, null, 2)}\n`);
    return 0;
  }
  const running = status.terminals.filter((t) => t.state === 'running').length;
  process.stdout.write(
    `lanes host ${status.version} (protocol ${status.protocol}), pid ${status.pid}, since ${status.startedAt}: ${running} agent${running === 1 ? '' : 's'} running, ${status.clients - 1} UI${status.clients - 1 === 1 ? '' : 's'} attached\n`,
  );
  for (const info of status.terminals) process.stdout.write(`${describeTerminal(info)}\n`);
  return 0;
};

/** `lanes host stop [--yes]`: end every agent, then the host. */
export const runHostStop = async (global: GlobalOptions, options: { yes?: boolean }, cwd = process.cwd()): Promise<number> => {
  const commonDir = await commonDirOf(global, cwd);
  const connection = await connectHost(commonDir, { role: 'cli', version: version(), allowOtherProtocol: true });
  if (!connection) {
    process.stdout.write('no lanes host runs for this repository: nothing to stop\n');
    return 0;
  }
  const running = connection.welcome.terminals.filter((t) => t.state === 'running');
  if (!options.yes && running.length > 0) {
    if (!process.stdin.isTTY) {
      await connection.close();
      throw new LanesError(`the lanes host runs ${running.length} agent${running.length === 1 ? '' : 's'}: stopping it ends them`, { hint: 'pass --yes to stop it without a terminal' });
    }
    for (const info of running) process.stdout.write(`${describeTerminal(info)}\n`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`end ${running.length === 1 ? 'this agent' : `these ${running.length} agents`} and the host? worktrees and branches are kept [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      await connection.close();
      process.stdout.write('nothing was stopped\n');
      return 1;
    }
  }
  const { ended } = await connection.request<{ ended: number }>({ t: 'stop' });
  await connection.close();
  process.stdout.write(`stopped the lanes host (pid ${connection.welcome.pid})${ended > 0 ? ` and its ${ended} agent${ended === 1 ? '' : 's'}` : ''}; worktrees and branches are kept\n`);
  return 0;
};
