import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { LaneRecord } from '../../src/core/lane.js';
import type { MergeOutcome } from '../../src/git/merge/index.js';

const CHILD = fileURLToPath(new URL('./merge-child.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/git/merge/index.js', import.meta.url));

export interface MergeProcess {
  child: ChildProcess;
  pid: number;
  /** Resolves when the process has ended (and was reaped): its outcome, or its signal. */
  done: Promise<{ outcome: MergeOutcome | undefined; signal: NodeJS.Signals | null; stderr: string }>;
}

/**
 * Start a process that runs mergeLane from the built `dist/` (run `npm run build` first; `npm test`
 * does). `crashAt` sets the LANES_TEST_CRASH_AT test hook.
 */
export const startMergeProcess = async (input: { repoDir: string; lane: LaneRecord; verify?: string; squash?: boolean; commitWip?: boolean; crashAt?: string }): Promise<MergeProcess> => {
  await access(BUILT).catch(() => {
    throw new Error(`${BUILT} is missing: run npm run build first`);
  });
  const { crashAt, ...data } = input;
  const env: NodeJS.ProcessEnv = { ...process.env, LANES_MERGE_CHILD: JSON.stringify(data) };
  if (crashAt === undefined) delete env.LANES_TEST_CRASH_AT;
  else env.LANES_TEST_CRASH_AT = crashAt;
  const child = spawn(process.execPath, [CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ outcome: MergeOutcome | undefined; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    // 'close' comes after 'exit' and after the output pipes closed: the process is reaped by then.
    child.on('close', (_code, signal) => resolve({ outcome: stdout ? (JSON.parse(stdout) as MergeOutcome) : undefined, signal, stderr }));
  });
  if (child.pid === undefined) throw new Error('could not start the merge process');
  return { child, pid: child.pid, done };
};
