/**
 * A set of released agents (see fixtures.mjs) and the lanes repository whose lanes run them. The
 * same set serves several scenarios: what each agent does is sent when it is released, so one
 * repository (and one `lanes new` per lane) is enough for every scenario with that many lanes.
 */
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeFifo, makeTempDir, writeAgent } from './fixtures.mjs';
import { LANES_BIN, makeLanesRepo } from './lanes-rig.mjs';

const run = promisify(execFile);

const makeAgents = async (dir, prefix, from, to) => {
  const agents = [];
  for (let i = from; i <= to; i++) {
    const id = `${prefix}${i}`;
    const fifo = makeFifo(join(dir, `go-${id}`));
    agents.push({ id, fifo, command: await writeAgent(dir, id, { fifo }) });
  }
  return agents;
};

/** `count` agents named <prefix>1… and a repository with one lane each, in that order. */
export const makeAgentSet = async (prefix, count) => {
  const dir = await makeTempDir(`lanes-bench-${prefix}-`);
  const agents = await makeAgents(dir, prefix, 1, count);
  return { dir, prefix, agents, repo: await makeLanesRepo(agents) };
};

/** A set with `count` agents: the same set grown with more lanes (created with `lanes new`). */
export const growAgentSet = async (set, count) => {
  const more = await makeAgents(set.dir, set.prefix, set.agents.length + 1, count);
  for (const agent of more) {
    await run(process.execPath, [LANES_BIN, 'new', agent.id, '--cmd', agent.command], { cwd: set.repo.dir, env: set.repo.env });
  }
  const agents = [...set.agents, ...more];
  return { ...set, agents, repo: { ...set.repo, ids: agents.map((a) => a.id) } };
};
