/**
 * Benchmark 1: throughput of a flood. The agents of a set (agent-set.mjs) print READY and wait;
 * the timer starts when they are told to `cat` their corpus file, and stops when every DONE marker
 * reached the outer terminal: lanes painted it (the host parsed the flood and sent the UI its
 * changed rows), or tmux forwarded it to its client. CPU is that of lanes' launcher, UI and host
 * (tmux: client and server).
 */
import { cpuSecondsOf } from './procs.mjs';
import { Release, shellQuote } from './fixtures.mjs';
import { startLanes } from './lanes-rig.mjs';
import { rawFloor } from './raw-floor.mjs';
import { startTmux } from './tmux-rig.mjs';

export const VARIANTS = ['lanes', 'tmux', 'raw'];

/** One timed flood through an outer terminal session (lanes or tmux). */
const floodThrough = async (session, scenario, timeoutMs) => {
  const { outer, muxPids } = session;
  const agents = scenario.set.agents[session.mux];
  outer.setScreen(false);
  const bytesBefore = outer.bytes;
  const cpuBefore = cpuSecondsOf(muxPids);
  const start = performance.now();
  const release = new Release(agents);
  const done = outer.waitForMarkers(release.markers, timeoutMs);
  // An agent that never reads its FIFO would block the start forever: the markers' timeout ends it.
  await Promise.race([release.start(() => `cat ${shellQuote(scenario.file)}`), done]);
  const end = await done;
  const seconds = (end - start) / 1000;
  return {
    seconds,
    mbps: scenario.totalBytes / 1e6 / seconds,
    muxCpu: (cpuSecondsOf(muxPids) - cpuBefore) / seconds,
    outerMb: (outer.bytes - bytesBefore) / 1e6,
  };
};

/**
 * Runs variant `name` once on a scenario { set, file, totalBytes }; resolves with
 * { seconds, mbps, muxCpu?, outerMb? } or { error }.
 */
export const runFloodVariant = async (name, scenario, { timeoutMs }) => {
  try {
    if (name === 'raw') {
      const ms = await rawFloor(scenario.set.agents.tmux.map(() => scenario.file), { timeoutMs });
      return { seconds: ms / 1000, mbps: scenario.totalBytes / 1e6 / (ms / 1000) };
    }
    const session = name === 'lanes' ? await startLanes(scenario.set.repo) : await startTmux(scenario.set.agents.tmux);
    try {
      return await floodThrough(session, scenario, timeoutMs);
    } finally {
      await session.dispose();
    }
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
};
