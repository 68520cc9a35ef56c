/**
 * Benchmark 2: keystroke echo latency. A lane (pane) runs `cat` in cooked mode, so its PTY echoes
 * what is typed; another lane (pane) is idle or floods. The bench writes one probe character into
 * the outer terminal, as a keyboard would, and times until the multiplexer prints that character
 * at the typing pane's cursor cell (a cursor tracker follows the output stream; see
 * cursor-tracker.mjs). Then it erases the probe (DEL, echoed as "\b \b"), waits for the erase to be
 * drawn and pauses 40–60 ms — more than one 30 fps frame, as between a person's keystrokes — so
 * that every probe starts from a quiet screen and the next probe's character differs from the
 * last one (a–z in turn). In lanes both agents live in the lanes host across the runs: a flooding
 * run ends by telling the flood loop to stop and waiting until its agent waits again.
 */
import { prng } from './corpus.mjs';
import { makeTempDir, releaseAgents, shellQuote, writeAgent, writeLoopAgent } from './fixtures.mjs';
import { enterTypeMode, makeLanesRepo, startLanes } from './lanes-rig.mjs';
import { startTmux } from './tmux-rig.mjs';

/** A probe not echoed within 2 s counts as lost (100× tmux's worst case; keeps a stuck run short). */
const PROBE_TIMEOUT_MS = 2000;
/** Erases are only waited for to start the next probe from a quiet screen; 1 s is plenty. */
const ERASE_TIMEOUT_MS = 1000;
/** The flood gets this long to reach full speed before the first probe. */
const FLOOD_WARMUP_MS = 1000;
/** A stopped flood loop ends after the `cat` under way (50 MB at the host's parse speed: seconds). */
const FLOOD_STOP_TIMEOUT_MS = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Agents: `t` runs cat (the typing lane); `f` waits, and floods in a loop once released (its lanes
 * and tmux instances wait on FIFOs of their own).
 */
export const prepareLatency = async () => {
  const dir = await makeTempDir('lanes-bench-latency-');
  const typing = { id: 't', command: await writeAgent(dir, 't', { body: 'exec cat' }) };
  const flood = await writeLoopAgent(dir, 'f');
  const repo = await makeLanesRepo([typing, flood.lanes], 'echo latency');
  return { agents: { lanes: [typing, flood.lanes], tmux: [typing, flood.tmux] }, flood, repo };
};

/** Types `keys` probes; resolves with latencies in ms and the number of probes never seen. */
const probe = async (outer, cell, keys, seed) => {
  const rand = prng(seed);
  const latencies = [];
  let lost = 0;
  for (let i = 0; i < keys; i++) {
    const char = 97 + (i % 26);
    const seen = new Promise((resolve) => {
      let sentAt = 0;
      const timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS);
      outer.tracker.watchCell(cell.row, cell.col, (code) => {
        if (code !== char) return;
        clearTimeout(timer);
        resolve(outer.receivedAt - sentAt);
      });
      sentAt = performance.now();
      outer.write(String.fromCharCode(char));
    });
    const latency = await seen;
    if (latency === undefined) lost += 1;
    else latencies.push(latency);
    await sleep(5);
    const erased = new Promise((resolve) => {
      const timer = setTimeout(resolve, ERASE_TIMEOUT_MS);
      const done = () => (clearTimeout(timer), resolve());
      outer.tracker.watchCell(cell.row, cell.col, (code) => code === 0x20 && done(), done);
      outer.write('\x7f');
    });
    await erased;
    outer.tracker.unwatch();
    await sleep(40 + rand() * 20);
  }
  return { latencies, lost };
};

/**
 * One latency run of `mux` ('lanes' | 'tmux'), with the other pane idle or flooding `floodFile`.
 * Resolves with { latencies, lost } or { error }.
 */
export const runLatencyVariant = async (mux, isFlood, prepared, { keys, seed, floodFile }) => {
  let session;
  let flood;
  try {
    session = mux === 'lanes' ? await startLanes(prepared.repo) : await startTmux(prepared.agents.tmux);
    const { outer } = session;
    await outer.waitForScreen((s) => s.includes('READY-t') && s.includes('READY-f'), 'both agents on screen');
    if (mux === 'lanes') await enterTypeMode(session, 1);
    const ready = outer.find('READY-t');
    // cat's cursor: the start of the line below the READY marker.
    const cell = { row: ready.row + 1, col: ready.col };
    if (isFlood) {
      flood = await releaseAgents([prepared.flood[mux]], (_agent, stop) => `while [ ! -e ${shellQuote(stop)} ]; do cat ${shellQuote(floodFile)}; done`);
      await sleep(FLOOD_WARMUP_MS);
    }
    outer.setScreen(false);
    return await probe(outer, cell, keys, seed);
  } catch (error) {
    return { error: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  } finally {
    await session?.dispose();
    // tmux's agents ended with its server; lanes' go on in the host and must be idle again.
    if (mux === 'lanes') await flood?.stop(FLOOD_STOP_TIMEOUT_MS);
  }
};
