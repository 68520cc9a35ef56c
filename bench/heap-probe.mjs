/**
 * A preload for lanes processes (`node --expose-gc --import <this file's URL>?dir=DIR`) that reports
 * the JS heap without any change to lanes: on SIGUSR2 it runs a full garbage collection (when
 * `--expose-gc` is given) and writes `process.memoryUsage()` from before and after it to
 * `DIR/heap-<pid>.json`. It costs nothing until asked (no timer, no wake-up; a signal listener does
 * not keep a process alive). `readHeap` in heap.mjs is the bench's side. Only the bench's soak and
 * memory cases load it: a forced collection every sample is not what users run.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL(import.meta.url).searchParams.get('dir');

if (dir) {
  process.on('SIGUSR2', () => {
    const before = process.memoryUsage();
    const gc = globalThis.gc;
    if (typeof gc === 'function') gc();
    const after = process.memoryUsage();
    const file = join(dir, `heap-${process.pid}.json`);
    try {
      writeFileSync(`${file}.tmp`, JSON.stringify({ before, after, isCollected: typeof gc === 'function' }));
      renameSync(`${file}.tmp`, file);
    } catch {
      // The bench's folder is gone: it ended; nothing to report to.
    }
  });
}
