import { describe, expect, it } from 'vitest';
import { deepMerge, valueAt } from '../../src/config/merge.js';

describe('deepMerge', () => {
  it('merges objects key by key and replaces arrays and scalars', () => {
    const base = { a: 1, list: [1, 2, 3], nested: { x: 1, y: { deep: true, keep: 'k' } } };
    const over = { a: 2, list: [9], nested: { y: { deep: false }, z: 3 } };
    expect(deepMerge(base, over)).toEqual({ a: 2, list: [9], nested: { x: 1, y: { deep: false, keep: 'k' }, z: 3 } });
  });

  it('ignores undefined values and changes neither input', () => {
    const base = { a: 1, nested: { x: 1 } };
    const over = { a: undefined, nested: { x: 2 } };
    const merged = deepMerge(base, over);
    expect(merged).toEqual({ a: 1, nested: { x: 2 } });
    expect(base).toEqual({ a: 1, nested: { x: 1 } });
    expect(over).toEqual({ a: undefined, nested: { x: 2 } });
  });

  it('replaces an object by a non-object and the other way round', () => {
    expect(deepMerge({ a: { x: 1 } }, { a: 'flat' })).toEqual({ a: 'flat' });
    expect(deepMerge({ a: 'flat' }, { a: { x: 1 } })).toEqual({ a: { x: 1 } });
  });

  it('keeps a "__proto__" key as a plain key', () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = deepMerge({}, over);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__']);
    expect((merged as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('valueAt', () => {
  it('reads nested values and own keys only', () => {
    expect(valueAt({ a: { b: 2 } }, ['a', 'b'])).toBe(2);
    expect(valueAt({ a: { b: 2 } }, ['a', 'c'])).toBeUndefined();
    expect(valueAt({ a: [1] }, ['a', '0'])).toBeUndefined();
    expect(valueAt({}, ['toString'])).toBeUndefined();
  });
});
