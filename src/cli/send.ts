import { runningHost } from '../app/host-link.js';
import { loadContext } from '../app/context.js';
import { findLane } from '../app/merge-text.js';
import { LanesError } from '../core/errors.js';
import type { GlobalOptions } from './main.js';

/** Bracketed-paste brackets: a program that asked for them reads the text as one paste. */
const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

/** `lanes send NAME TEXT [--no-enter]`: type text into a lane's agent, through the host. */
export const runSend = async (global: GlobalOptions, name: string, text: string, options: { enter?: boolean }, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  const lane = findLane((await context.stateStore.load()).state.lanes, name);
  const connection = await runningHost(context);
  const info = connection?.welcome.terminals.find((t) => t.id === lane.name);
  if (!connection || !info || info.state !== 'running') {
    await connection?.close();
    throw new LanesError(`no agent runs in lane ${lane.name}`, { hint: 'lanes shows it (R restarts it); nothing was sent' });
  }
  if (info.isPaused) {
    await connection.close();
    throw new LanesError(`lane ${lane.name} is paused, and keys are never queued for a paused agent`, { hint: 'resume it with p in lanes; nothing was sent' });
  }
  // A multi-line text arrives as one paste when the agent asked for bracketed paste (it would
  // otherwise take each line break as Enter).
  const body = text.includes('\n') && info.bracketedPaste ? `${PASTE_START}${text.replace(/\r?\n/g, '\r')}${PASTE_END}` : text;
  const { written } = await connection.request<{ written: boolean }>({ t: 'write', lane: lane.name, data: `${body}${options.enter === false ? '' : '\r'}` });
  await connection.close();
  if (!written) throw new LanesError(`lane ${lane.name}'s agent did not take the text (it ended or was paused just now)`, { hint: 'nothing was sent' });
  process.stdout.write(`sent ${text.length} character${text.length === 1 ? '' : 's'} to lane ${lane.name}${options.enter === false ? '' : ' with Enter'}\n`);
  return 0;
};
