import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveProcessTrees, uiProcessTreeOf, type TreeService } from '../../src/host/tree-query.js';
import { processStartTime, type ProcessIdentity } from '../../src/term/process-tree.js';
import { killStarted, startedProcesses } from '../helpers/process-probe.js';

let home: string;
let env: NodeJS.ProcessEnv;
let service: TreeService | undefined;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'lanes-tree-query-'));
  await mkdir(join(home, 'runtime'), { mode: 0o700 });
  env = { XDG_RUNTIME_DIR: join(home, 'runtime') };
});
afterEach(async () => {
  await service?.close();
  service = undefined;
  await killStarted();
  await rm(home, { recursive: true, force: true });
});

/** A process of this test, as pid and start time. */
const startSleeper = async (): Promise<ProcessIdentity> => {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
  const startTime = await processStartTime(child.pid!);
  const identity = { pid: child.pid!, startTime: startTime! };
  startedProcesses.push(identity);
  return identity;
};

describe('the process trees a running UI serves to lanes rm', () => {
  it('answers for the lane asked about; pids whose start time no longer matches are dropped', async () => {
    const sleeper = await startSleeper();
    const asked: string[] = [];
    service = await serveProcessTrees(
      join(home, 'repo.git'),
      async (lane) => {
        asked.push(lane);
        return lane === 'a b' ? [sleeper, { pid: sleeper.pid, startTime: sleeper.startTime + 1 }, { pid: process.pid, startTime: 0 }] : [];
      },
      env,
    );
    expect(service?.path.startsWith(join(home, 'runtime', 'lanes'))).toBe(true);
    expect(await uiProcessTreeOf(join(home, 'repo.git'), 'a b', env)).toEqual([sleeper]);
    expect(await uiProcessTreeOf(join(home, 'repo.git'), 'other', env)).toEqual([]);
    // Another repository's lane of the same name is not asked for.
    expect(await uiProcessTreeOf(join(home, 'elsewhere.git'), 'a b', env)).toEqual([]);
    expect(asked).toEqual(['a b', 'other']);
  });

  it('is empty with no UI, removes the socket of a UI that is gone, and ignores a folder others can enter', async () => {
    expect(await uiProcessTreeOf(join(home, 'repo.git'), 'a', env)).toEqual([]);
    service = await serveProcessTrees(join(home, 'repo.git'), async () => [await startSleeper()], env);
    const dir = join(home, 'runtime', 'lanes');
    const name = (await readdir(dir))[0]!;
    // A socket named after a pid no process has (pids stop far below 2^22 on Linux).
    const stale = join(dir, name.replace(/-\d+\.sock$/, '-4194999.sock'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(stale, resolve));
    // And a file of that kind of name that is no socket: left alone.
    const notSocket = join(dir, name.replace(/-\d+\.sock$/, '-4194998.sock'));
    await writeFile(notSocket, '');
    expect(await uiProcessTreeOf(join(home, 'repo.git'), 'a', env)).toHaveLength(1);
    server.close();
    expect((await readdir(dir)).sort()).toEqual([notSocket.slice(dir.length + 1), name].sort());
    await chmod(dir, 0o755);
    expect(await uiProcessTreeOf(join(home, 'repo.git'), 'a', env)).toEqual([]);
    await chmod(dir, 0o700);
  });

  it('does not serve from a runtime folder others can enter', async () => {
    await mkdir(join(home, 'runtime', 'lanes'), { mode: 0o755 });
    await chmod(join(home, 'runtime', 'lanes'), 0o755);
    service = await serveProcessTrees(join(home, 'repo.git'), async () => [], env);
    expect(service).toBeUndefined();
  });
});
