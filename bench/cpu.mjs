/**
 * The CPU cases: what the multiplexer costs while agents stream a little all the time, and while
 * they idle.
 *
 * - steady (the spinner case): 4 agents, each a coloured status line every 50 ms (20 lines/s);
 * - title: 4 agents that only set their terminal title (OSC 0, a spinner and a task) at 10 Hz;
 * - scale: 16 agents, each a status line every 200 ms (5 lines/s): as many lines a second in total
 *   as the spinner case, over four times the lanes — its CPU must follow the damage, not the lanes;
 * - idle: 8 agents blocked, waiting for input.
 *
 * Per process — lanes: the host, the UI process and the launcher; tmux: server and client; never
 * the agents — the bench reads over the window: CPU (scheduler nanoseconds of every thread, from
 * /proc/<pid>/task/<tid>/schedstat; exact where utime + stime count 10 ms ticks), wake-ups
 * (voluntary + nonvoluntary context switches of every thread, and of the main thread alone), and
 * RSS at the end. lanes' streaming agents are stopped after each run (they live on in the host), so
 * the next run, and tmux's, start from idle agents.
 */
import { fileURLToPath } from 'node:url';
import { rssMb, threadDelta, threadSnapshot } from './procs.mjs';
import { releaseAgents, shellQuote } from './fixtures.mjs';
import { startLanes } from './lanes-rig.mjs';
import { startTmux } from './tmux-rig.mjs';

const agentScript = (name) => fileURLToPath(new URL(`./agents/${name}.mjs`, import.meta.url));

/**
 * The cases, in the order they are reported. `lanes`: the agent set; `agent`/`periodMs`: what each
 * agent runs (none: idle); `isIdle`: measured after the idle warm-up (lane statuses settle 3 s after
 * an agent's last output, core/status.ts).
 */
export const CPU_CASES = {
  steady: { lanes: 4, agent: 'steady', periodMs: 50, label: '4 lanes, each 20 lines/s (spinner case)', short: 'spinner' },
  title: { lanes: 4, agent: 'title', periodMs: 100, label: '4 lanes, each setting its title at 10 Hz', short: 'title' },
  scale: { lanes: 16, agent: 'steady', periodMs: 200, label: '16 lanes, each 5 lines/s', short: '16 lanes' },
  idle: { lanes: 8, isIdle: true, label: '8 idle lanes', short: 'idle' },
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stopped agent ends within one period; this only guards against a wedged one. */
const STOP_TIMEOUT_MS = 10_000;

/** The processes of a session, named as the report names them. */
const processesOf = (mux, session) =>
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

/**
 * Starts `mux` on an agent set, releases every agent with the case's agent script (none for idle),
 * lets it settle for `warmupMs`, then measures over `seconds`. Resolves with { cpuPercent, wakeups
 * (per second, summed over the processes and their threads), outerKbps, processes: [{ what,
 * cpuPercent, wakeups, mainWakeups, mb }] } or { error }.
 */
export const runCpuVariant = async (mux, set, cpuCase, { seconds, warmupMs }) => {
  let session;
  let release;
  try {
    session = mux === 'lanes' ? await startLanes(set.repo) : await startTmux(set.agents.tmux);
    session.outer.setScreen(false);
    if (cpuCase.agent) {
      const script = agentScript(cpuCase.agent);
      release = await releaseAgents(set.agents[mux], (agent, stop) => `node ${shellQuote(script)} ${agent.id} ${shellQuote(stop)} ${cpuCase.periodMs}`);
    }
    await sleep(warmupMs);
    const processes = processesOf(mux, session);
    for (const p of processes) p.before = threadSnapshot(p.pid);
    const bytesBefore = session.outer.bytes;
    const start = performance.now();
    await sleep(seconds * 1000);
    const wall = (performance.now() - start) / 1000;
    for (const p of processes) {
      const d = threadDelta(p.pid, p.before, threadSnapshot(p.pid));
      p.cpuPercent = (d.cpuSeconds / wall) * 100;
      p.wakeups = d.switches / wall;
      p.mainWakeups = d.mainSwitches / wall;
      p.mb = rssMb(p.pid);
    }
    const sum = (key) => processes.reduce((total, p) => total + p[key], 0);
    return {
      cpuPercent: sum('cpuPercent'),
      wakeups: sum('wakeups'),
      outerKbps: (session.outer.bytes - bytesBefore) / 1000 / wall,
      processes: processes.map(({ what, cpuPercent, wakeups, mainWakeups, mb }) => ({ what, cpuPercent, wakeups, mainWakeups, mb })),
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    await session?.dispose();
    // tmux's agents ended with its server; lanes' go on in the host and must be idle again.
    if (mux === 'lanes') await release?.stop(STOP_TIMEOUT_MS);
  }
};
