import { describe, expect, it } from 'vitest';
import { OverlapNewsDesk } from '../../src/app/overlap-news.js';
import type { Overlap } from '../../src/core/overlap.js';

const overlap = (path: string, lanes: string[], conflict: boolean | null = null): Overlap => ({ path, lanes, conflict, base: false });

describe('overlap news', () => {
  it('reports overlaps found before and at the first complete reading, without the bell', () => {
    const desk = new OverlapNewsDesk();
    // The first readings cover only some lanes: what they find was there at start.
    expect(desk.read([], false)).toBeUndefined();
    expect(desk.read([overlap('a.txt', ['alpha', 'beta'])], false)).toEqual({ text: 'overlap: alpha and beta both touch a.txt; o lists them', ring: false });
    expect(desk.read([overlap('a.txt', ['alpha', 'beta']), overlap('b.txt', ['beta', 'gamma'])], true)).toEqual({
      text: 'overlap: beta and gamma both touch b.txt; o lists them',
      ring: false,
    });
    expect(desk.read([overlap('a.txt', ['alpha', 'beta']), overlap('b.txt', ['beta', 'gamma'])], true)).toBeUndefined();
  });

  it('after the first complete reading, reports a new overlap once, with the bell, and says how many more came with it', () => {
    const desk = new OverlapNewsDesk();
    expect(desk.read([], true)).toBeUndefined();
    const news = desk.read([overlap('a.txt', ['alpha', 'beta'], true), overlap('b.txt', ['alpha', 'beta'])], true);
    expect(news).toEqual({ text: 'overlap: alpha and beta both touch a.txt — their branches conflict (+1 more); o lists them', ring: true });
    expect(desk.read([overlap('a.txt', ['alpha', 'beta'], true), overlap('b.txt', ['alpha', 'beta'])], true)).toBeUndefined();
    // A lane added later makes a reading incomplete again: news still rings.
    expect(desk.read([overlap('c.txt', ['alpha', 'delta'])], false)?.ring).toBe(true);
  });

  it('reports an overlap again after it went away and came back, and names base-only overlaps', () => {
    const desk = new OverlapNewsDesk();
    desk.read([overlap('a.txt', ['alpha', 'beta'])], true);
    desk.read([], true);
    expect(desk.read([overlap('a.txt', ['alpha', 'beta'])], true)?.ring).toBe(true);
    expect(desk.read([overlap('a.txt', ['alpha', 'beta']), overlap('c.txt', ['gamma'])], true)?.text).toBe('overlap: the base also changed c.txt (lane gamma); o lists them');
  });
});
