/**
 * Benchmark 6: time to attach. The 8 agents of the 8-lane set each print 5,000 lines of history
 * (numbered mixed lines up to 100 columns) and then a DONE marker, their last line, while no client
 * is attached: in lanes into the lanes host (agents started by `lanes new`), in tmux into a
 * detached session with the same 8 panes. Then, repeatedly: lanes — from starting `lanes` in the
 * outer terminal until every pane showed its last line on it; tmux — from starting `tmux attach`
 * until the same. Each attach is a new client on the same host (server), as a user coming back;
 * the client is killed after, which for both is a detach. (When no UI attached to the set before,
 * lanes' first attach also resizes every terminal from the 120×40 of `lanes new` to its pane.)
 */
import { join } from 'node:path';
import { writeHistoryCorpus } from './corpus.mjs';
import { releaseAgents, shellQuote } from './fixtures.mjs';
import { startLanes } from './lanes-rig.mjs';
import { attachTmux, startTmuxDetached } from './tmux-rig.mjs';

/** Printing 5,000 lines into 8 terminals with no client takes a second or two here. */
const HISTORY_TIMEOUT_MS = 120_000;
/** An attach takes well under a second; the limit only matters on an overloaded machine. */
const ATTACH_TIMEOUT_MS = 20_000;

/**
 * The 8-lane agent set (agent-set.mjs; its lanes' agents idle in the lanes host) and a detached tmux
 * server with the same agents, each agent done printing its history under both. Resolves with
 * { repo, server, markers: { lanes, tmux } }.
 */
export const prepareAttach = async (set, { lines }) => {
  const history = join(set.dir, 'history.txt');
  await writeHistoryCorpus(history, lines);
  const server = await startTmuxDetached(set.agents.tmux);
  const print = () => `cat ${shellQuote(history)}`;
  const [inLanes, inTmux] = await Promise.all([releaseAgents(set.agents.lanes, print), releaseAgents(set.agents.tmux, print)]);
  await Promise.all([inLanes.finished(HISTORY_TIMEOUT_MS), inTmux.finished(HISTORY_TIMEOUT_MS)]);
  return { repo: set.repo, server, markers: { lanes: inLanes.markers, tmux: inTmux.markers } };
};

/** One attach of `mux`; resolves with { ms } or { error }. */
export const runAttachVariant = async (mux, prepared) => {
  let session;
  try {
    const options = { markers: prepared.markers[mux], timeoutMs: ATTACH_TIMEOUT_MS };
    session = mux === 'lanes' ? await startLanes(prepared.repo, options) : await attachTmux(prepared.server, options);
    return { ms: session.shownAt - session.spawnedAt };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    await session?.dispose();
  }
};
