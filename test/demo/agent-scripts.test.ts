import { describe, expect, test } from 'vitest';
import { AGENT_SCRIPTS, applyEdit, diffExcerpt, type FileEdit } from '../../src/demo/agent-scripts.js';
import { DEMO_ROLES, findDemoRole, isDemoRoleId } from '../../src/demo/roles.js';
import { SHOP_COMMITS } from '../../src/demo/shop-files.js';

/** The demo repository's files as of its last commit. */
const shop: Record<string, string> = Object.assign({}, ...SHOP_COMMITS.map((commit) => commit.files));

describe('demo roles', () => {
  test('are discounts, tax and checkout, each with its own lane', () => {
    expect(DEMO_ROLES.map((role) => role.id)).toEqual(['discounts', 'tax', 'checkout']);
    expect(new Set(DEMO_ROLES.map((role) => role.lane)).size).toBe(3);
    expect(isDemoRoleId('tax')).toBe(true);
    expect(isDemoRoleId('nope')).toBe(false);
    expect(findDemoRole('checkout').lane).toBe('checkout');
  });

  test('discounts and tax overlap on src/pricing.js only', () => {
    const discounts = new Set(findDemoRole('discounts').files);
    const shared = findDemoRole('tax').files.filter((path) => discounts.has(path));
    expect(shared).toEqual(['src/pricing.js']);
  });

  test.each(DEMO_ROLES.map((role) => [role.id, role] as const))('%s edits exactly the files its role lists', (_id, role) => {
    const paths = AGENT_SCRIPTS[role.id].edits.map((edit) => edit.path);
    expect([...new Set(paths)].sort()).toEqual([...role.files].sort());
  });

  test.each(DEMO_ROLES.map((role) => [role.id, role] as const))('%s applies cleanly to the demo files', (_id, role) => {
    for (const edit of AGENT_SCRIPTS[role.id].edits) {
      expect(applyEdit(shop[edit.path], edit).kind, edit.path).toBe('applied');
    }
  });
});

describe('applyEdit', () => {
  const replace: FileEdit = { kind: 'replace', path: 'a.js', find: 'old()\n', text: 'new()\n' };
  const append: FileEdit = { kind: 'append', path: 'a.js', text: 'more()\n' };
  const create: FileEdit = { kind: 'create', path: 'b.js', text: 'b()\n' };

  test('applies each kind once and reports a second run as already done', () => {
    const replaced = applyEdit('x\nold()\ny\n', replace);
    expect(replaced).toEqual({ kind: 'applied', text: 'x\nnew()\ny\n' });
    expect(applyEdit('x\nnew()\ny\n', replace)).toEqual({ kind: 'already' });
    expect(applyEdit('x', append)).toEqual({ kind: 'applied', text: 'x\nmore()\n' });
    expect(applyEdit('x\nmore()\n', append)).toEqual({ kind: 'already' });
    expect(applyEdit(undefined, create)).toEqual({ kind: 'applied', text: 'b()\n' });
    expect(applyEdit('b()\n', create)).toEqual({ kind: 'already' });
  });

  test('reports missing code or files instead of guessing', () => {
    expect(applyEdit('unrelated\n', replace)).toEqual({ kind: 'missing' });
    expect(applyEdit(undefined, replace)).toEqual({ kind: 'missing' });
    expect(applyEdit(undefined, append)).toEqual({ kind: 'missing' });
  });

  test('replaces text containing $ literally', () => {
    const edit: FileEdit = { kind: 'replace', path: 'a.js', find: 'x', text: '`$${y}` $&' };
    expect(applyEdit('x', edit)).toEqual({ kind: 'applied', text: '`$${y}` $&' });
  });
});

test('diffExcerpt shows removed then added lines, limited in number', () => {
  const edit: FileEdit = { kind: 'replace', path: 'a.js', find: 'keep\nold\n', text: 'keep\nnew1\nnew2\nnew3\n' };
  expect(diffExcerpt(edit, 10)).toEqual([
    { sign: '-', line: 'old' },
    { sign: '+', line: 'new1' },
    { sign: '+', line: 'new2' },
    { sign: '+', line: 'new3' },
  ]);
  expect(diffExcerpt(edit, 3)).toHaveLength(3);
});
