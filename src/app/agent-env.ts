/** Variables lanes sets for itself that agents must not inherit. */
const INTERNAL = ['LANES_DEFAULTED_NODE_ENV', 'LANES_UI_CHILD', 'LANES_PAUSE_LEDGER'];

/**
 * The environment an agent starts with: the user's, without what lanes set for its own process
 * (NODE_ENV=production when the user had none), plus the lane's own variables.
 */
export const agentEnv = (env: NodeJS.ProcessEnv, extra: Record<string, string>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  if (env.LANES_DEFAULTED_NODE_ENV === '1') delete out.NODE_ENV;
  for (const key of INTERNAL) delete out[key];
  return Object.assign(out, extra);
};
