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
  ],
  samples: [2, 3, 3, 4, 2],
  timeDeltas: [1000, 2000, 3000, 4000, 1000],
  startTime: 0,
  endTime: 11_000,
};

describe('bench profile-top', () => {
  it('sums self time by function and place, heaviest first', () => {
    const top = selfTimes(profile);
    expect(top[0]).toMatchObject({ name: 'paint', place: 'node_modules/ink/build/output.js:71', ms: 6 });
    expect(top[1]).toMatchObject({ name: '(anonymous)', place: 'dist/app/painter.js:10', ms: 5 });
    expect(top[0].share).toBeCloseTo(6 / 11);
  });

  it('prints a table of the top N', () => {
    const text = topReport(profile, 1);
    expect(text).toContain('paint');
    expect(text).not.toContain('painter.js');
    expect(text).toContain('profile: 11 ms');
  });
});
