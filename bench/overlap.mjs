/**
 * Overlap flag latency (SPEC §11): two lanes, a file written in the first lane's worktree and then
 * the same file in the second's; the time from the second write until lanes announces the overlap
 * on the outer terminal (the footer notice, painted in the same frame as the `⚠` in both titles).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readyMarker } from './fixtures.mjs';
import { makeLanesRepo, startLanes } from './lanes-rig.mjs';
import { median, percentile, max } from './stats.mjs';
import { num, table } from './table.mjs';

/** The first write is given this long to be seen on its own, so each measurement starts clean. */
const SETTLE_MS = 600;

const agent = (id) => ({ id, command: `printf '${readyMarker(id)}\\n'; exec cat` });

export const runOverlapLatency = async ({ reps, timeoutMs = 10_000 }) => {
  const repo = await makeLanesRepo([agent('ov1'), agent('ov2')], 'overlap');
  const session = await startLanes(repo);
  const samples = [];
  try {
    for (let i = 0; i < reps; i++) {
      const file = `shared-${i}.txt`;
      await writeFile(join(`${repo.dir}.lanes`, 'ov1', file), `one ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const seen = session.outer.waitForMarker(`both touch ${file}`, timeoutMs, `the overlap notice for ${file}`);
      const start = performance.now();
      await writeFile(join(`${repo.dir}.lanes`, 'ov2', file), `two ${i}\n`);
      samples.push((await seen) - start);
    }
  } finally {
    await session.dispose();
  }
  return samples;
};

/** SPEC §5: an overlap is flagged within a second of the write. */
export const OVERLAP_TARGET_MS = 1000;

/** True when nine writes in ten are flagged within the target. */
export const meetsOverlapTarget = (samples) => samples.length > 0 && percentile(samples, 90) < OVERLAP_TARGET_MS;

export const overlapReport = (samples) =>
  table(
    ['overlap flag latency (ms)', 'writes', 'p50', 'p90', 'max', 'target', 'met'],
    [['lanes, write → both panes flagged', String(samples.length), num(median(samples), 0), num(percentile(samples, 90), 0), num(max(samples), 0), `< ${OVERLAP_TARGET_MS} (aim 300)`, meetsOverlapTarget(samples) ? 'yes' : 'NO']],
  );
