import { describe, expect, it } from 'vitest';
import { selfTimes, topReport } from '../../bench/profile-top.mjs';

const frame = (functionName, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, scriptId: '0', columnNumber: 0 });

/** A small profile: root → a → b, root → a (another node of the same function) — samples in µs. */
const profile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 4] },
    { id: 2, callFrame: frame('paint', 'file:///x/node_modules/ink/build/output.js', 70), children: [3] },
    { id: 3, callFrame: frame('', 'file:///x/dist/app/painter.js', 9) },
    { id: 4, callFrame: frame('paint', 'file:///x/node_modules/ink/build/output.js', 70) },
    { id: 5, callFrame: frame('(idle)') },
  ],
  samples: [2, 3, 3, 4, 2, 5],
  timeDeltas: [1000, 2000, 3000, 4000, 1000, 9000],
  startTime: 0,
  endTime: 20_000,
};

describe('bench profile-top', () => {
  it('sums self time by function and place, heaviest first', () => {
    const top = selfTimes(profile);
    expect(top[0]).toMatchObject({ name: '(idle)', ms: 9 });
    expect(top[1]).toMatchObject({ name: 'paint', place: 'node_modules/ink/build/output.js:71', ms: 6 });
    expect(top[2]).toMatchObject({ name: '(anonymous)', place: 'dist/app/painter.js:10', ms: 5 });
    expect(top[1].share).toBeCloseTo(6 / 20);
  });

  it('prints a table of the top N busy functions, idle time apart', () => {
    const text = topReport(profile, 1);
    expect(text).toContain('paint');
    expect(text).toContain('54.5');
    expect(text).not.toContain('painter.js');
    expect(text).not.toContain('(idle)');
    expect(text).toContain('profile: 20 ms, of which busy 11 ms, idle 9 ms');
  });
});
