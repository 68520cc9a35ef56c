/**
 * The small shop library `lanes demo` commits into its throwaway repository. The snippets the
 * demo agents replace are exported on their own so that the agents' edits always find them.
 */

/** `applyDiscount` as first committed; the `discounts` agent replaces it. */
export const DISCOUNT_FN = `/** Apply a discount code to an amount. */
export function applyDiscount(amount, code) {
  // TODO: support discount codes such as SAVE10.
  return amount;
}
`;

/** `addTax` as first committed; the `tax` agent replaces it. */
export const TAX_FN = `/** Add sales tax for a region. */
export function addTax(amount, region) {
  // TODO: every region is tax-free for now.
  return amount;
}
`;

/** `cartTotal` as first committed; the `checkout` agent adds a function after it. */
export const CART_TOTAL_FN = `/** Total in cents, before discounts and tax. */
export function cartTotal(cart) {
  return subtotal(cart.lines);
}
`;

const PRICING = `// Prices are integer cents, so sums never pick up floating-point drift.

/** Sum of price times quantity over the lines of a cart. */
export function subtotal(lines) {
  return lines.reduce((sum, line) => sum + line.price * line.qty, 0);
}

${DISCOUNT_FN}
/** Round to whole cents, halves away from zero. */
export function roundCents(value) {
  return Math.sign(value) * Math.round(Math.abs(value));
}

${TAX_FN}`;

const CART = `import { subtotal } from './pricing.js';

/** A new, empty cart. */
export function createCart() {
  return { lines: [] };
}

/** Add an item; adding the same sku again raises its quantity. */
export function addItem(cart, item, qty = 1) {
  if (!Number.isInteger(qty) || qty <= 0) {
    throw new RangeError('qty must be a positive integer');
  }
  const line = cart.lines.find((existing) => existing.sku === item.sku);
  if (line) line.qty += qty;
  else cart.lines.push({ sku: item.sku, name: item.name, price: item.price, qty });
  return cart;
}

/** Remove every unit of a sku. */
export function removeItem(cart, sku) {
  cart.lines = cart.lines.filter((line) => line.sku !== sku);
  return cart;
}

${CART_TOTAL_FN}`;

const CART_TEST = `import test from 'node:test';
import assert from 'node:assert/strict';
import { createCart, addItem, removeItem, cartTotal } from '../src/cart.js';

const mug = { sku: 'MUG', name: 'Mug', price: 1250 };
const tea = { sku: 'TEA', name: 'Green tea', price: 899 };

test('adding the same sku twice raises its quantity', () => {
  const cart = addItem(addItem(createCart(), mug), mug, 2);
  assert.equal(cart.lines.length, 1);
  assert.equal(cart.lines[0].qty, 3);
});

test('cartTotal sums every line', () => {
  const cart = addItem(addItem(createCart(), mug, 2), tea);
  assert.equal(cartTotal(cart), 3399);
});

test('removeItem drops the whole line', () => {
  const cart = removeItem(addItem(addItem(createCart(), mug), tea), 'MUG');
  assert.deepEqual(cart.lines.map((line) => line.sku), ['TEA']);
});

test('quantities must be positive integers', () => {
  assert.throws(() => addItem(createCart(), mug, 0), RangeError);
});
`;

const PRICING_TEST = `import test from 'node:test';
import assert from 'node:assert/strict';
import { subtotal, applyDiscount, roundCents, addTax } from '../src/pricing.js';

test('subtotal multiplies price by quantity', () => {
  assert.equal(subtotal([{ price: 250, qty: 4 }, { price: 99, qty: 1 }]), 1099);
});

test('roundCents rounds halves away from zero', () => {
  assert.equal(roundCents(12.5), 13);
  assert.equal(roundCents(-12.5), -13);
});

test('no code and no region leave the amount alone', () => {
  assert.equal(applyDiscount(1500), 1500);
  assert.equal(addTax(1500), 1500);
});
`;

const INVENTORY = `/** Stock levels by sku. */
export function createInventory(entries = {}) {
  return new Map(Object.entries(entries));
}

export function inStock(inventory, sku, qty = 1) {
  return (inventory.get(sku) ?? 0) >= qty;
}

/** Take qty units of a sku out of stock; refuses to go below zero. */
export function reserve(inventory, sku, qty = 1) {
  if (!inStock(inventory, sku, qty)) {
    throw new Error(\`not enough \${sku} in stock\`);
  }
  inventory.set(sku, inventory.get(sku) - qty);
  return inventory;
}
`;

const FORMAT = `/** Cents as dollars for display: 123456 -> "$1,234.56". */
export function formatCents(cents) {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const dollars = String(Math.floor(abs / 100)).replace(/\\B(?=(\\d{3})+$)/g, ',');
  return \`\${sign}$\${dollars}.\${String(abs % 100).padStart(2, '0')}\`;
}
`;

const PACKAGE_JSON = `${JSON.stringify(
  {
    name: 'shop',
    version: '0.3.0',
    private: true,
    description: 'A tiny shop library: carts, pricing and stock.',
    type: 'module',
    scripts: { test: 'node --test' },
    license: 'MIT',
  },
  null,
  2,
)}
`;

const README_START = `# shop

A tiny shop library: carts, pricing and stock. Prices are integer cents.

\`\`\`js
import { createCart, addItem, cartTotal } from './src/cart.js';

const cart = addItem(createCart(), { sku: 'MUG', name: 'Mug', price: 1250 }, 2);
cartTotal(cart); // 2500
\`\`\`

Run the tests with \`npm test\` (Node 20 or newer, no dependencies).
`;

const README_MORE = `${README_START}
## Modules

- \`src/cart.js\`: create carts, add and remove items, totals
- \`src/pricing.js\`: subtotals, discounts and tax
- \`src/inventory.js\`: stock levels and reservations
- \`src/format.js\`: prices for display
`;

/** A commit of the demo repository: its message and the files it writes. */
export interface ShopCommit {
  message: string;
  files: Readonly<Record<string, string>>;
}

/** The history of the demo repository, oldest first. */
export const SHOP_COMMITS: readonly ShopCommit[] = [
  {
    message: 'Cart and pricing with tests',
    files: {
      'package.json': PACKAGE_JSON,
      'README.md': README_START,
      '.gitignore': 'node_modules/\n.env\n',
      'src/cart.js': CART,
      'src/pricing.js': PRICING,
      'test/cart.test.js': CART_TEST,
      'test/pricing.test.js': PRICING_TEST,
    },
  },
  {
    message: 'Add inventory and price formatting',
    files: {
      'README.md': README_MORE,
      'src/inventory.js': INVENTORY,
      'src/format.js': FORMAT,
    },
  },
];

/** Written next to the commits and ignored by git, like a real project's local secrets. */
export const SHOP_UNTRACKED: Readonly<Record<string, string>> = {
  '.env': 'SHOP_API_KEY=demo-not-a-real-key\n',
};
