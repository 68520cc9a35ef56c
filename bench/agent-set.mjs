/**
 * A set of released agents (see fixtures.mjs) and the lanes repository whose lanes run them. The
 * same set serves several scenarios: what each agent does is sent when it is released, so one
 * repository (and one `lanes new` per lane, one agent each in the lanes host) is enough for every
 * scenario with that many lanes. tmux starts the same agent scripts afresh at each start, on FIFOs
 * of their own: `set.agents.lanes` and `set.agents.tmux` are the same agents under each.
 */
import { makeTempDir, writeLoopAgent } from './fixtures.mjs';
import { makeLanesRepo, newLane } from './lanes-rig.mjs';

const makeAgents = async (dir, prefix, from, to) => {
  const agents = { lanes: [], tmux: [] };
  for (let i = from; i <= to; i++) {
    const agent = await writeLoopAgent(dir, `${prefix}${i}`);
    agents.lanes.push(agent.lanes);
    agents.tmux.push(agent.tmux);
  }
  return agents;
};

const label = (prefix, count) => `${count} lane${count === 1 ? '' : 's'} (${prefix}1…)`;

/**
 * `count` agents named <prefix>1… and a repository with one lane each, in that order.
 * `options.hostNodeOptions`: Node options of its lanes host (see makeLanesRepo).
 */
export const makeAgentSet = async (prefix, count, options = {}) => {
  const dir = await makeTempDir(`lanes-bench-${prefix}-`);
  const agents = await makeAgents(dir, prefix, 1, count);
  return { dir, prefix, agents, repo: await makeLanesRepo(agents.lanes, label(prefix, count), options) };
};

/** A set with `count` agents: the same set grown with more lanes (created with `lanes new`). */
export const growAgentSet = async (set, count) => {
  const more = await makeAgents(set.dir, set.prefix, set.agents.lanes.length + 1, count);
  for (const agent of more.lanes) await newLane(set.repo, agent);
  const agents = { lanes: [...set.agents.lanes, ...more.lanes], tmux: [...set.agents.tmux, ...more.tmux] };
  // The same repository (and host), with every lane in it.
  set.repo.ids = agents.lanes.map((a) => a.id);
  set.repo.label = label(set.prefix, count);
  return { ...set, agents };
};
