/**
 * The JS heap of a lanes process, without changes to lanes: processes started with `heapOptions(dir)`
 * load heap-probe.mjs, which on SIGUSR2 collects garbage and writes its `process.memoryUsage()`.
 * `readHeap` signals one and waits for the answer.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const PROBE = new URL('./heap-probe.mjs', import.meta.url);

/** Node options that load the probe, reporting into `dir`; with a full collection before each report. */
export const heapOptions = (dir) => {
  const url = pathToFileURL(PROBE.pathname);
  url.searchParams.set('dir', dir);
  return ['--expose-gc', `--import=${url.href}`];
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks process `pid` (started with `heapOptions(dir)`: a process without the probe would die of
 * SIGUSR2) for its heap. Resolves with { heapMb, heapTotalMb, externalMb, arrayBuffersMb } after a
 * full collection (heapMb: heapUsed, the live JS heap), or undefined when no answer came within
 * `timeoutMs` (a full collection of a few hundred MB takes well under a second).
 */
export const readHeap = async (pid, dir, timeoutMs = 5000) => {
  const file = join(dir, `heap-${pid}.json`);
  await rm(file, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return undefined;
  }
  for (let waited = 0; waited < timeoutMs; waited += 25) {
    await sleep(25);
    try {
      const { after } = JSON.parse(await readFile(file, 'utf8'));
      const mb = (bytes) => bytes / 1024 / 1024;
      return { heapMb: mb(after.heapUsed), heapTotalMb: mb(after.heapTotal), externalMb: mb(after.external), arrayBuffersMb: mb(after.arrayBuffers) };
    } catch {
      // Not written yet.
    }
  }
  return undefined;
};
