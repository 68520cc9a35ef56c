import type { DemoRoleId } from './roles.js';
import { CART_TOTAL_FN, DISCOUNT_FN, TAX_FN } from './shop-files.js';

/** One change a demo agent makes to a file in its worktree. */
export type FileEdit =
  | { kind: 'replace'; path: string; find: string; text: string }
  | { kind: 'append'; path: string; text: string }
  | { kind: 'create'; path: string; text: string };

/** What a demo agent reads, plans, changes, tests and commits. */
export interface AgentScript {
  reads: readonly string[];
  plan: readonly string[];
  edits: readonly FileEdit[];
  /** Test files it runs after editing. */
  tests: readonly string[];
  commitMessage: string;
  /** What its chat replies promise to look at. */
  focus: string;
}

const DISCOUNT_NEW = `// Percent off, by code. Codes match case-insensitively.
const DISCOUNT_CODES = new Map([
  ['SAVE10', 10],
  ['HALFOFF', 50],
]);

/** Apply a discount code; unknown codes change nothing. */
export function applyDiscount(amount, code) {
  const percent = code ? (DISCOUNT_CODES.get(code.toUpperCase()) ?? 0) : 0;
  return amount - roundCents((amount * percent) / 100);
}
`;

const DISCOUNT_TEST = `
test('discount codes take a percentage off', () => {
  assert.equal(applyDiscount(2000, 'SAVE10'), 1800);
  assert.equal(applyDiscount(2000, 'halfoff'), 1000);
  assert.equal(applyDiscount(2000, 'BOGUS'), 2000);
});
`;

const TAX_NEW = `// Sales tax in percent, by region code.
const TAX_RATES = new Map([
  ['CA', 7.25],
  ['NY', 4],
  ['TX', 6.25],
]);

/** Add sales tax for a region; unknown regions are tax-free. */
export function addTax(amount, region) {
  const rate = TAX_RATES.get(region) ?? 0;
  return amount + roundCents((amount * rate) / 100);
}
`;

const TAX_TEST = `import test from 'node:test';
import assert from 'node:assert/strict';
import { addTax } from '../src/pricing.js';

test('addTax adds the region rate, rounded to cents', () => {
  assert.equal(addTax(1000, 'CA'), 1073);
  assert.equal(addTax(1000, 'NY'), 1040);
});

test('unknown regions are tax-free', () => {
  assert.equal(addTax(1000, 'ZZ'), 1000);
});
`;

const ITEM_COUNT_FN = `
/** Number of units in the cart. */
export function itemCount(cart) {
  return cart.lines.reduce((count, line) => count + line.qty, 0);
}
`;

const CHECKOUT = `import { cartTotal, itemCount } from './cart.js';
import { applyDiscount, addTax } from './pricing.js';
import { formatCents } from './format.js';

/** Summarise a cart as an order: amounts in cents, total for display. */
export function checkout(cart, { code, region } = {}) {
  const items = itemCount(cart);
  if (items === 0) throw new Error('cannot check out an empty cart');
  const subtotal = cartTotal(cart);
  const discounted = applyDiscount(subtotal, code);
  const total = addTax(discounted, region);
  return {
    items,
    subtotal,
    discount: subtotal - discounted,
    tax: total - discounted,
    total,
    display: formatCents(total),
  };
}
`;

const CHECKOUT_TEST = `import test from 'node:test';
import assert from 'node:assert/strict';
import { createCart, addItem } from '../src/cart.js';
import { checkout } from '../src/checkout.js';

test('checkout summarises the cart', () => {
  const cart = addItem(createCart(), { sku: 'MUG', name: 'Mug', price: 1250 }, 2);
  const order = checkout(cart);
  assert.equal(order.items, 2);
  assert.equal(order.total, 2500);
  assert.equal(order.display, '$25.00');
});

test('an empty cart cannot check out', () => {
  assert.throws(() => checkout(createCart()), /empty cart/);
});
`;

export const AGENT_SCRIPTS: Readonly<Record<DemoRoleId, AgentScript>> = {
  discounts: {
    reads: ['src/pricing.js', 'test/pricing.test.js'],
    plan: [
      'Keep codes in a Map, matched case-insensitively',
      'Take the percentage off, rounded to cents',
      'Test known, lower-case and unknown codes',
    ],
    edits: [
      { kind: 'replace', path: 'src/pricing.js', find: DISCOUNT_FN, text: DISCOUNT_NEW },
      { kind: 'append', path: 'test/pricing.test.js', text: DISCOUNT_TEST },
    ],
    tests: ['test/pricing.test.js'],
    commitMessage: 'discounts: support SAVE10 and HALFOFF',
    focus: 'applyDiscount() in src/pricing.js',
  },
  tax: {
    reads: ['src/pricing.js', 'test/pricing.test.js'],
    plan: [
      'Add a table of rates for CA, NY and TX',
      'Round the tax to whole cents',
      'Unknown regions stay tax-free; test both',
    ],
    edits: [
      { kind: 'replace', path: 'src/pricing.js', find: TAX_FN, text: TAX_NEW },
      { kind: 'create', path: 'test/tax.test.js', text: TAX_TEST },
    ],
    tests: ['test/pricing.test.js', 'test/tax.test.js'],
    commitMessage: 'tax: add rates for CA, NY and TX',
    focus: 'addTax() in src/pricing.js',
  },
  checkout: {
    reads: ['src/cart.js', 'src/pricing.js', 'src/format.js'],
    plan: [
      'Add itemCount() to src/cart.js',
      'New src/checkout.js: discount, then tax, total',
      'Test the summary and the empty-cart case',
    ],
    edits: [
      { kind: 'replace', path: 'src/cart.js', find: CART_TOTAL_FN, text: CART_TOTAL_FN + ITEM_COUNT_FN },
      { kind: 'create', path: 'src/checkout.js', text: CHECKOUT },
      { kind: 'create', path: 'test/checkout.test.js', text: CHECKOUT_TEST },
    ],
    tests: ['test/cart.test.js', 'test/checkout.test.js'],
    commitMessage: 'checkout: add a checkout() order summary',
    focus: 'checkout() in src/checkout.js',
  },
};

/** Outcome of applying an edit to a file's current text (`undefined`: no such file). */
export type EditResult =
  | { kind: 'applied'; text: string }
  | { kind: 'already' }
  | { kind: 'missing' };

/**
 * Apply an edit to a file's text. Running an agent again in the same worktree finds its edits
 * already made (`already`) instead of making them twice.
 */
export const applyEdit = (current: string | undefined, edit: FileEdit): EditResult => {
  switch (edit.kind) {
    case 'create':
      return current === edit.text ? { kind: 'already' } : { kind: 'applied', text: edit.text };
    case 'append': {
      if (current === undefined) return { kind: 'missing' };
      if (current.includes(edit.text)) return { kind: 'already' };
      const base = current === '' || current.endsWith('\n') ? current : `${current}\n`;
      return { kind: 'applied', text: base + edit.text };
    }
    case 'replace': {
      if (current === undefined) return { kind: 'missing' };
      if (current.includes(edit.find)) return { kind: 'applied', text: current.replace(edit.find, () => edit.text) };
      return current.includes(edit.text) ? { kind: 'already' } : { kind: 'missing' };
    }
  }
};

/** A few `-`/`+` lines that show what an edit does, for the agent's diff excerpt. */
export const diffExcerpt = (edit: FileEdit, maxLines: number): { sign: '+' | '-'; line: string }[] => {
  const added = edit.text.split('\n').filter((line) => line.trim() !== '');
  if (edit.kind !== 'replace') return added.slice(0, maxLines).map((line) => ({ sign: '+', line }));
  const before = edit.find.split('\n').filter((line) => line.trim() !== '');
  const removed = before.filter((line) => !added.includes(line)).map((line) => ({ sign: '-' as const, line }));
  const fresh = added.filter((line) => !before.includes(line)).map((line) => ({ sign: '+' as const, line }));
  const shownRemoved = removed.slice(0, Math.min(removed.length, Math.ceil(maxLines / 3)));
  return [...shownRemoved, ...fresh.slice(0, maxLines - shownRemoved.length)];
};
