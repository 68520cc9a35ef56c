import { describe, expect, it } from 'vitest';
import { OverlapNewsDesk } from '../../src/app/overlap-news.js';
import type { Overlap } from '../../src/core/overlap.js';

const overlap = (path: string, lanes: string[], conflict: boolean | null = null): Overlap => ({ path, lanes, conflict, base: false });

describe('overlap news', () => {
  it('reports overlaps already there at the first reading, without the bell', () => {
    const desk = new OverlapNewsDesk();
    expect(desk.read([overlap('a.txt', ['alpha', 'beta'])])).toEqual({ text: 'overlap: alpha and beta both touch a.txt; o lists them', ring: false });
  });

  it('reports a new overlap once, with the bell, and says how many more came with it', () => {
    const desk = new OverlapNewsDesk();
    expect(desk.read([])).toBeUndefined();
    const news = desk.read([overlap('a.txt', ['alpha', 'beta'], true), overlap('b.txt', ['alpha', 'beta'])]);
    expect(news).toEqual({ text: 'overlap: alpha and beta both touch a.txt — their branches conflict (+1 more); o lists them', ring: true });
    expect(desk.read([overlap('a.txt', ['alpha', 'beta'], true), overlap('b.txt', ['alpha', 'beta'])])).toBeUndefined();
  });

  it('reports an overlap again after it went away and came back, and names base-only overlaps', () => {
    const desk = new OverlapNewsDesk();
    desk.read([overlap('a.txt', ['alpha', 'beta'])]);
    desk.read([]);
    expect(desk.read([overlap('a.txt', ['alpha', 'beta'])])?.ring).toBe(true);
    expect(desk.read([overlap('a.txt', ['alpha', 'beta']), overlap('c.txt', ['gamma'])])?.text).toBe('overlap: the base also changed c.txt (lane gamma); o lists them');
  });
});
