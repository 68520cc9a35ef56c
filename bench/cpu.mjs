/**
 * Benchmarks 3 and 4: CPU of the multiplexer while agents stream a little all the time (4 agents,
 * each 20 coloured lines a second: the spinner case), and while agents sit idle (8 agents blocked,
 * waiting for input). CPU is utime + stime of the multiplexer's own processes, summed — lanes: the
 * launcher, the UI process and the lanes host; tmux: server and client — never the agents. Memory
 * (RSS) is read at the end of the run. lanes' streaming agents are stopped after each run (they
 * live on in the host), so the next run, and tmux's, start from idle agents.
 */
import { fileURLToPath } from 'node:url';
import { cpuSeconds, rssMb } from './procs.mjs';
import { releaseAgents, shellQuote } from './fixtures.mjs';
import { startLanes } from './lanes-rig.mjs';
import { startTmux } from './tmux-rig.mjs';

const STEADY_AGENT = fileURLToPath(new URL('./agents/steady.mjs', import.meta.url));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stopped steady agent ends within one 50 ms line; this only guards against a wedged one. */
const STEADY_STOP_TIMEOUT_MS = 10_000;

/**
 * Starts `mux` on an agent set; with `isSteady` every agent streams, otherwise all stay idle. Lets
 * it settle for `warmupMs`, then measures CPU over `seconds`. Resolves with
 * { cpuPercent, outerKbps, processes: [{ what, cpuPercent, mb }] } or { error }.
 */
export const runCpuVariant = async (mux, set, { isSteady, seconds, warmupMs }) => {
  let session;
  let steady;
  try {
    session = mux === 'lanes' ? await startLanes(set.repo) : await startTmux(set.agents.tmux);
    session.outer.setScreen(false);
    if (isSteady) steady = await releaseAgents(set.agents[mux], (agent, stop) => `node ${shellQuote(STEADY_AGENT)} ${agent.id} ${shellQuote(stop)}`);
    await sleep(warmupMs);
    const processes =
      mux === 'lanes'
        ? [
            { what: 'lanes host', pid: session.host },
            { what: 'lanes UI process', pid: session.ui },
            { what: 'lanes launcher', pid: session.launcher },
          ]
        : [
            { what: 'tmux server', pid: session.server },
            { what: 'tmux client', pid: session.client },
          ];
    for (const p of processes) p.cpuBefore = cpuSeconds(p.pid);
    const bytesBefore = session.outer.bytes;
    const start = performance.now();
    await sleep(seconds * 1000);
    const wall = (performance.now() - start) / 1000;
    for (const p of processes) {
      p.cpuPercent = ((cpuSeconds(p.pid) - p.cpuBefore) / wall) * 100;
      p.mb = rssMb(p.pid);
    }
    return {
      cpuPercent: processes.reduce((sum, p) => sum + p.cpuPercent, 0),
      outerKbps: (session.outer.bytes - bytesBefore) / 1000 / wall,
      processes: processes.map(({ what, cpuPercent, mb }) => ({ what, cpuPercent, mb })),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    await session?.dispose();
    // tmux's agents ended with its server; lanes' go on in the host and must be idle again.
    if (mux === 'lanes') await steady?.stop(STEADY_STOP_TIMEOUT_MS);
  }
};
