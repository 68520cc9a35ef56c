import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TouchedFile } from '../../src/core/touched.js';
import { readTouched } from '../../src/git/touched.js';
import { OverlapTracker, type OverlapSnapshot } from '../../src/watch/overlap-tracker.js';
import { makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { addWorktreeLane } from '../helpers/worktree-lane.js';

// Reads of the touched set are held open by the test, to see how the tracker schedules them.
vi.mock('../../src/git/touched.js', async (importOriginal) => ({ ...(await importOriginal<typeof import('../../src/git/touched.js')>()), readTouched: vi.fn() }));

describe('OverlapTracker read scheduling', () => {
  let temp: TempRepo | undefined;
  let tracker: OverlapTracker | undefined;
  afterEach(async () => {
    await tracker?.dispose();
    tracker = undefined;
    await temp?.cleanup();
    temp = undefined;
  });

  it('never runs two reads of one lane at once; changes during a read make exactly one more read', async () => {
    temp = await makeTempRepo();
    const lane = await addWorktreeLane(temp, 'a');
    const pending: Array<(files: TouchedFile[]) => void> = [];
    let active = 0;
    let maxActive = 0;
    vi.mocked(readTouched).mockImplementation(async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      const files = await new Promise<TouchedFile[]>((resolve) => pending.push(resolve));
      active -= 1;
      return files;
    });
    const updates: OverlapSnapshot[] = [];
    tracker = new OverlapTracker({ repoCwd: temp.dir, extraIgnore: [], onUpdate: (snapshot) => updates.push(snapshot) });

    const started = tracker.setLanes([lane]);
    await waitFor(() => pending.length === 1, 5_000, 'the first read');
    const refreshes = [tracker.refresh('a'), tracker.refresh('a'), tracker.refresh()];
    expect(vi.mocked(readTouched)).toHaveBeenCalledTimes(1);
    pending.shift()?.([{ path: 'stale', kind: 'added', committed: false }]);
    await waitFor(() => pending.length === 1, 5_000, 'the one read after');
    expect(vi.mocked(readTouched)).toHaveBeenCalledTimes(2);
    pending.shift()?.([{ path: 'fresh', kind: 'added', committed: false }]);
    await Promise.all([started, ...refreshes]);

    expect(maxActive).toBe(1);
    expect(vi.mocked(readTouched)).toHaveBeenCalledTimes(2);
    expect(tracker.snapshot().touched.get('a')).toEqual([{ path: 'fresh', kind: 'added', committed: false }]);
    expect(updates.at(-1)?.touched.get('a')?.[0]?.path).toBe('fresh');
  });
});
