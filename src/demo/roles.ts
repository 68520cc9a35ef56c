import { fileURLToPath } from 'node:url';

/** The scripted demo agents `lanes demo` starts, one per lane. */
export type DemoRoleId = 'discounts' | 'tax' | 'checkout';

export interface DemoRole {
  /** Argument given to the demo agent (`node dist/demo/agent.js <id>`). */
  readonly id: DemoRoleId;
  /** Name of the lane the demo creates for this agent. */
  readonly lane: string;
  /** One-line task, shown in the agent's banner and usable as the lane's prompt. */
  readonly task: string;
  /** Files the agent changes or creates in its worktree, relative to the repository root. */
  readonly files: readonly string[];
}

/**
 * `discounts` and `tax` both edit `src/pricing.js` (different functions), so the demo shows an
 * overlap that still merges cleanly; `checkout` works on files nobody else touches.
 */
export const DEMO_ROLES: readonly DemoRole[] = [
  {
    id: 'discounts',
    lane: 'discounts',
    task: 'Support discount codes in applyDiscount()',
    files: ['src/pricing.js', 'test/pricing.test.js'],
  },
  {
    id: 'tax',
    lane: 'tax',
    task: 'Add regional sales tax to addTax()',
    files: ['src/pricing.js', 'test/tax.test.js'],
  },
  {
    id: 'checkout',
    lane: 'checkout',
    task: 'Add a checkout() order summary',
    files: ['src/cart.js', 'src/checkout.js', 'test/checkout.test.js'],
  },
];

export const isDemoRoleId = (value: string): value is DemoRoleId => DEMO_ROLES.some((role) => role.id === value);

export const findDemoRole = (id: DemoRoleId): DemoRole => {
  const role = DEMO_ROLES.find((candidate) => candidate.id === id);
  if (!role) throw new Error(`unknown demo role ${id}`);
  return role;
};

/**
 * Absolute path of the compiled demo agent. The same relative URL lands on `dist/demo/agent.js`
 * whether this module runs from `dist/demo` (installed) or from `src/demo` (tests), so it is only
 * present after a build.
 */
export const DEMO_AGENT_SCRIPT = fileURLToPath(new URL('../../dist/demo/agent.js', import.meta.url));

/** Command line that starts the demo agent for a role: run it with the lane's worktree as cwd. */
export const demoAgentCommand = (id: DemoRoleId): { command: string; args: string[] } => ({
  command: process.execPath,
  args: [DEMO_AGENT_SCRIPT, id],
});
