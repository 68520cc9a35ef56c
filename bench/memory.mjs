/**
 * Memory per lane. One repository of its own (agents m1…) in one lanes host grows from 1 to 8 to 16
 * lanes (`lanes new`); each new lane's agent prints 5,000 lines of history (the `history` corpus of
 * the attach case) with no UI attached. At each size the UI attaches `reps` times (a new UI each
 * time; killing it is a detach) and, `settleMs` after the attach, the bench reads the RSS of the
 * host, the UI and the launcher; then, once per size, the live JS heap of the host (after a full
 * collection: host and UIs load bench/heap-probe.mjs). tmux: a detached server with as many panes,
 * each printing the same history, a client attached `reps` times, RSS of server and client. MB per
 * lane is the slope from the fewest to the most lanes, per attach (paired by repetition).
 */
import { join } from 'node:path';
import { growAgentSet, makeAgentSet } from './agent-set.mjs';
import { writeHistoryCorpus } from './corpus.mjs';
import { makeTempDir, releaseAgents, shellQuote, writeLoopAgent } from './fixtures.mjs';
import { heapOptions, readHeap } from './heap.mjs';
import { benchNodeOptions, hostOf, startLanes } from './lanes-rig.mjs';
import { rssMb } from './procs.mjs';
import { attachTmux, startTmuxDetached } from './tmux-rig.mjs';

/** Printing 5,000 lines into up to 16 terminals with no client takes a few seconds here. */
const HISTORY_TIMEOUT_MS = 120_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const message = (error) => (error instanceof Error ? error.message.split('\n')[0] : String(error));

/** Per repetition: (value at the most lanes − value at the fewest) ÷ the lanes between. */
const slopes = (byLevel, levels) => {
  const first = byLevel[0] ?? [];
  const last = byLevel.at(-1) ?? [];
  const lanes = levels.at(-1) - levels[0];
  return last.map((v, i) => (v - first[i]) / lanes).filter(Number.isFinite);
};

/** lanes at each size: RSS per attach, heap once. */
const measureLanes = async ({ levels, lines, reps, settleMs }, progress, errors) => {
  const heapDir = await makeTempDir('lanes-bench-heap-');
  const options = [...benchNodeOptions(), ...heapOptions(heapDir)];
  let set = await makeAgentSet('m', levels[0], { hostNodeOptions: options });
  const history = join(set.dir, 'history.txt');
  await writeHistoryCorpus(history, lines);
  const out = { hostMb: [], uiMb: [], launcherMb: [], totalMb: [], uiHeapMb: [], hostHeapMb: [], hostExternalMb: [] };
  let printed = 0;
  for (const [i, n] of levels.entries()) {
    if (set.agents.lanes.length < n) set = await growAgentSet(set, n);
    const release = await releaseAgents(set.agents.lanes.slice(printed), () => `cat ${shellQuote(history)}`);
    await release.finished(HISTORY_TIMEOUT_MS);
    printed = n;
    for (const key of ['hostMb', 'uiMb', 'launcherMb', 'totalMb', 'uiHeapMb']) out[key][i] = [];
    for (let rep = 0; rep < reps; rep++) {
      let session;
      try {
        session = await startLanes(set.repo, { nodeOptions: options });
        session.outer.setScreen(false);
        await sleep(settleMs);
        const host = rssMb(session.host);
        const ui = rssMb(session.ui);
        out.hostMb[i][rep] = host;
        out.uiMb[i][rep] = ui;
        out.launcherMb[i][rep] = rssMb(session.launcher);
        out.totalMb[i][rep] = host + ui;
        out.uiHeapMb[i][rep] = (await readHeap(session.ui, heapDir))?.heapMb;
        progress(`memory lanes ${n} lanes ${rep + 1}/${reps}: host ${host?.toFixed(1)} MB, UI ${ui?.toFixed(1)} MB`);
      } catch (error) {
        errors.push(`lanes, ${n} lanes: ${message(error)}`);
      } finally {
        await session?.dispose();
      }
    }
    // Once per size, after the RSS readings: the collection it forces would lower the next ones.
    const host = await hostOf(set.repo);
    const heap = host ? await readHeap(host.pid, heapDir) : undefined;
    out.hostHeapMb[i] = heap?.heapMb;
    out.hostExternalMb[i] = heap?.externalMb;
  }
  out.perLane = slopes(out.totalMb, levels);
  out.hostPerLane = slopes(out.hostMb, levels);
  out.uiPerLane = slopes(out.uiMb, levels);
  out.hostHeapPerLane = slopes(out.hostHeapMb.map((v) => [v]), levels);
  out.hostExternalPerLane = slopes(out.hostExternalMb.map((v) => [v]), levels);
  return out;
};

/** tmux at each size: a detached server with the history printed, a client attached `reps` times. */
const measureTmux = async ({ levels, lines, reps, settleMs }, progress, errors) => {
  const dir = await makeTempDir('lanes-bench-memory-tmux-');
  const agentsAll = [];
  const history = join(dir, 'history.txt');
  await writeHistoryCorpus(history, lines);
  for (let i = 1; i <= levels.at(-1); i++) agentsAll.push((await writeLoopAgent(dir, `m${i}`)).tmux);
  const out = { serverMb: [], clientMb: [], totalMb: [] };
  for (const [i, n] of levels.entries()) {
    for (const key of Object.keys(out)) out[key][i] = [];
    let server;
    try {
      const agents = agentsAll.slice(0, n);
      server = await startTmuxDetached(agents);
      const release = await releaseAgents(agents, () => `cat ${shellQuote(history)}`);
      await release.finished(HISTORY_TIMEOUT_MS);
      for (let rep = 0; rep < reps; rep++) {
        const session = await attachTmux(server, { markers: release.markers.slice(0, n) });
        try {
          session.outer.setScreen(false);
          await sleep(settleMs);
          out.serverMb[i][rep] = rssMb(session.server);
          out.clientMb[i][rep] = rssMb(session.client);
          out.totalMb[i][rep] = out.serverMb[i][rep] + out.clientMb[i][rep];
          progress(`memory tmux ${n} panes ${rep + 1}/${reps}: server ${out.serverMb[i][rep]?.toFixed(1)} MB, client ${out.clientMb[i][rep]?.toFixed(1)} MB`);
        } finally {
          await session.dispose();
        }
      }
    } catch (error) {
      errors.push(`tmux, ${n} panes: ${message(error)}`);
    } finally {
      await server?.stop();
    }
  }
  out.perLane = slopes(out.totalMb, levels);
  out.serverPerLane = slopes(out.serverMb, levels);
  return out;
};

/**
 * The memory case; resolves with { levels, lines, settleMs, lanes, tmux, errors } for
 * memoryReport and memoryChecks.
 */
export const runMemory = async (settings, progress) => {
  const errors = [];
  const lanes = await measureLanes(settings, progress, errors);
  const tmux = await measureTmux(settings, progress, errors);
  return { levels: settings.levels, lines: settings.lines, settleMs: settings.settleMs, lanes, tmux, errors };
};
