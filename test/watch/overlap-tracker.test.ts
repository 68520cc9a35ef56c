import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LaneRecord } from '../../src/core/lane.js';
import { OverlapTracker, type OverlapSnapshot } from '../../src/watch/overlap-tracker.js';
import { makeTempRepo, type TempRepo } from '../helpers/temp-repo.js';
import { waitFor } from '../helpers/wait-for.js';
import { addWorktreeLane, commitFiles } from '../helpers/worktree-lane.js';

const LINES = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`);
const withLine = (index: number, text: string): string => LINES.map((line, i) => (i === index ? text : line)).join('\n') + '\n';

describe('OverlapTracker', () => {
  let temp: TempRepo | undefined;
  let tracker: OverlapTracker | undefined;
  afterEach(async () => {
    await tracker?.dispose();
    tracker = undefined;
    await temp?.cleanup();
    temp = undefined;
  });

  const track = (repoCwd: string, options: { debounceMs?: number } = {}) => {
    const updates: OverlapSnapshot[] = [];
    const errors: string[] = [];
    const activity: string[] = [];
    tracker = new OverlapTracker({
      repoCwd,
      extraIgnore: [],
      onUpdate: (snapshot) => updates.push(snapshot),
      onError: (lane, error) => errors.push(`${lane}: ${error.message}`),
      onActivity: (lane) => activity.push(lane),
      ...options,
    });
    return { updates, errors, activity, latest: (): OverlapSnapshot | undefined => updates[updates.length - 1] };
  };

  it('flags two lanes writing the same file, in both lanes, soon after the write', async () => {
    temp = await makeTempRepo({ files: { 'src/app.ts': 'app\n', 'README.md': 'r\n' } });
    const a = await addWorktreeLane(temp, 'a');
    const b = await addWorktreeLane(temp, 'b');
    const { updates, latest, errors, activity } = track(temp.dir);
    await tracker?.setLanes([a, b]);
    await writeFile(join(a.worktree, 'src/app.ts'), 'from a\n');
    await waitFor(() => latest()?.touched.get('a')?.length === 1, 10_000, 'lane a touched');
    expect(latest()?.overlaps).toEqual([]);

    const writtenAt = performance.now();
    let flaggedAt = 0;
    const seen = updates.length;
    await writeFile(join(b.worktree, 'src/app.ts'), 'from b\n');
    await waitFor(() => {
      const hit = updates.slice(seen).find((snapshot) => snapshot.overlaps.length > 0);
      if (hit && flaggedAt === 0) flaggedAt = performance.now();
      return hit;
    }, 10_000, 'the overlap');
    console.log(`write → overlap update: ${Math.round(flaggedAt - writtenAt)} ms`);
    expect(latest()?.overlaps).toEqual([{ path: 'src/app.ts', lanes: ['a', 'b'], conflict: null, base: false }]);
    expect(latest()?.touched.get('b')).toEqual([{ path: 'src/app.ts', kind: 'modified', committed: false }]);
    expect(latest()?.lastFileEventAt.has('b')).toBe(true);
    expect(new Set(activity)).toEqual(new Set(['a', 'b']));
    expect(errors).toEqual([]);
  });

  it('predicts real conflicts once both lanes commit: same line → true, different hunks → false', async () => {
    temp = await makeTempRepo({ files: { 'same.txt': withLine(-1, ''), 'hunks.txt': withLine(-1, '') } });
    const a = await addWorktreeLane(temp, 'a');
    const b = await addWorktreeLane(temp, 'b');
    const { latest } = track(temp.dir);
    await tracker?.setLanes([a, b]);
    await commitFiles(a.worktree, { 'same.txt': withLine(0, 'a'), 'hunks.txt': withLine(0, 'a') });
    await commitFiles(b.worktree, { 'same.txt': withLine(0, 'b'), 'hunks.txt': withLine(10, 'b') });
    const expected = [
      { path: 'hunks.txt', lanes: ['a', 'b'], conflict: false, base: false },
      { path: 'same.txt', lanes: ['a', 'b'], conflict: true, base: false },
    ];
    await waitFor(() => JSON.stringify(latest()?.overlaps) === JSON.stringify(expected), 10_000, () => `conflict flags, got ${JSON.stringify(latest()?.overlaps)}`);
    // An uncommitted edit on top makes a clean verdict unknowable; a conflict stays a conflict.
    await writeFile(join(b.worktree, 'hunks.txt'), withLine(11, 'more'));
    await writeFile(join(b.worktree, 'same.txt'), withLine(0, 'b again'));
    await waitFor(() => latest()?.overlaps.find((o) => o.path === 'hunks.txt')?.conflict === null, 10_000, 'unknown after an uncommitted edit');
    expect(latest()?.overlaps.find((o) => o.path === 'same.txt')?.conflict).toBe(true);
  });

  it('reports base overlaps once the base changes a file a lane touches (on refresh)', async () => {
    temp = await makeTempRepo({ files: { 'cfg.json': '{}\n', 'other.txt': 'o\n' } });
    const a = await addWorktreeLane(temp, 'a');
    const { latest } = track(temp.dir);
    await tracker?.setLanes([a]);
    await writeFile(join(a.worktree, 'cfg.json'), '{ "a": 1 }\n');
    await waitFor(() => latest()?.touched.get('a')?.length === 1, 10_000, 'lane a touched');
    await commitFiles(temp.dir, { 'cfg.json': '{ "base": 1 }\n', 'other.txt': 'o2\n' });
    await tracker?.refresh();
    expect(latest()?.overlaps).toEqual([{ path: 'cfg.json', lanes: ['a'], conflict: null, base: true }]);
  });

  it('setLanes is idempotent, skips missing worktrees, drops removed lanes, and flags out-of-scope files', async () => {
    temp = await makeTempRepo({ files: { 'src/a.ts': 'a\n', 'docs/d.md': 'd\n' } });
    const a = await addWorktreeLane(temp, 'a', { scope: ['src/**'] });
    const missing: LaneRecord = { ...a, name: 'gone', branch: 'lanes/gone', worktree: join(temp.dir, '..', 'no such folder') };
    const { updates, latest, errors } = track(temp.dir);
    await tracker?.setLanes([a, missing]);
    expect([...(latest()?.touched.keys() ?? [])]).toEqual(['a']);
    const count = updates.length;
    await tracker?.setLanes([a, missing]);
    await tracker?.refresh();
    expect(updates.length).toBe(count);

    await writeFile(join(a.worktree, 'docs/d.md'), 'changed\n');
    await writeFile(join(a.worktree, 'src/a.ts'), 'changed\n');
    await waitFor(() => latest()?.touched.get('a')?.length === 2, 10_000, 'two touched files');
    expect(latest()?.outOfScope).toEqual(new Map([['a', ['docs/d.md']]]));

    const b = await addWorktreeLane(temp, 'b');
    await writeFile(join(b.worktree, 'src/a.ts'), 'b\n');
    await tracker?.setLanes([a, b]);
    expect(latest()?.overlaps.map((o) => o.lanes)).toEqual([['a', 'b']]);
    await tracker?.setLanes([b]);
    expect([...(latest()?.touched.keys() ?? [])]).toEqual(['b']);
    expect(latest()?.overlaps).toEqual([]);
    expect(latest()?.outOfScope).toEqual(new Map());
    // A missing worktree is skipped, not an error.
    expect(errors).toEqual([]);
  });

  it('says whether a snapshot covers every lane: overlaps there at start show up by the first complete one', async () => {
    temp = await makeTempRepo({ files: { 'a.txt': 'a\n' } });
    const a = await addWorktreeLane(temp, 'a');
    const b = await addWorktreeLane(temp, 'b');
    await writeFile(join(a.worktree, 'a.txt'), 'from a\n');
    await writeFile(join(b.worktree, 'a.txt'), 'from b\n');
    const { updates, latest } = track(temp.dir);
    await tracker?.setLanes([a, b]);
    for (const update of updates) expect(update.isComplete).toBe(update.touched.size === 2);
    expect(latest()?.isComplete).toBe(true);
    expect(latest()?.overlaps.map((o) => o.path)).toEqual(['a.txt']);
    // A lane added later is not read yet when the first snapshot with it is made.
    const c = await addWorktreeLane(temp, 'c');
    await writeFile(join(c.worktree, 'c.txt'), 'new\n');
    const seen = updates.length;
    await tracker?.setLanes([a, b, c]);
    for (const update of updates.slice(seen)) expect(update.isComplete).toBe(update.touched.size === 3);
    expect(latest()?.isComplete).toBe(true);
    expect(latest()?.touched.get('c')?.map((f) => f.path)).toEqual(['c.txt']);
  });

  it('never makes agents committing in a loop fail on the index lock (3 lanes × 100 commits, notes §7 #25)', async () => {
    temp = await makeTempRepo({ files: { 'counter.txt': '0\n' } });
    const lanes = [await addWorktreeLane(temp, 'a1'), await addWorktreeLane(temp, 'a2'), await addWorktreeLane(temp, 'a3')];
    // A short debounce reads on nearly every change, as much git traffic as lanes can make.
    const { updates, errors } = track(temp.dir, { debounceMs: 5 });
    await tracker?.setLanes(lanes);
    const readsBefore = updates.length;
    const agent = [
      'failures=0',
      'for i in $(seq 1 100); do',
      '  echo "$i" > counter.txt',
      '  echo "$i" > "note $((i % 7)).txt"',
      '  git add -A || failures=$((failures + 1))',
      '  git commit -q -m "step $i" || failures=$((failures + 1))',
      // A breath between commits (agents do not commit hundreds of times a second) lets the
      // tracker's reads interleave with the loop even on a loaded machine.
      '  sleep 0.02',
      'done',
      'exit $failures',
    ].join('\n');
    const runAgent = (cwd: string): Promise<{ code: number; stderr: string }> =>
      new Promise((resolve) => {
        execFile('bash', ['-c', agent], { cwd, env: process.env }, (error, _stdout, stderr) => {
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr });
        });
      });
    const exits = await Promise.all(lanes.map((lane) => runAgent(lane.worktree)));
    for (const exit of exits) {
      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stderr).toBe('');
    }
    for (const lane of lanes) expect((await temp.git('rev-list', '--count', `${lane.forkPoint}..${lane.branch}`)).trim()).toBe('100');
    // Every lane's final state is read in the end. How many reads fell inside the loop depends on
    // how busy the machine is (none at all on a loaded one), so the count is checked only after
    // that wait: the tracker did read, and no agent commit failed while it was watching (above).
    await waitFor(() => lanes.every((lane) => updates.at(-1)?.touched.get(lane.name)?.every((file) => file.committed)), 10_000, 'every lane read after its last commit');
    expect(updates.length).toBeGreaterThan(readsBefore);
    expect(errors).toEqual([]);
  }, 120_000);
});
