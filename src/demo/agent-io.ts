import { setTimeout as sleep } from 'node:timers/promises';
import { CLEAR_LINE, MAX_COLUMNS, paint, truncate } from './agent-style.js';

/** The demo agent's view of its terminal: writes, paced pauses and an in-place spinner. */
export interface AgentIo {
  write(text: string): void;
  /** Write one line; callers keep it within MAX_COLUMNS. */
  line(text?: string): void;
  /** Wait `ms` of demo time (divided by the speed multiplier). */
  pause(ms: number): Promise<void>;
  /** Show a spinner with `label` for `ms` of demo time, then erase it. */
  spin(label: string, ms: number): Promise<void>;
  /** Like `spin`, but also until `work` settles; returns (or throws) what `work` does. */
  spinWhile<T>(label: string, ms: number, work: Promise<T>): Promise<T>;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const;
/** 80 ms a frame: the cadence of the common "dots" CLI spinner, smooth without flooding the pane. */
const FRAME_MS = 80;

export const createAgentIo = (out: NodeJS.WritableStream, speed: number): AgentIo => {
  const write = (text: string): void => {
    out.write(text);
  };

  const spinWhile = async <T>(label: string, ms: number, work: Promise<T>): Promise<T> => {
    let isSettled = false;
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    void settled.then(() => {
      isSettled = true;
    });
    const end = Date.now() + ms / speed;
    const text = truncate(label, MAX_COLUMNS - 2);
    for (let frame = 0; ; frame += 1) {
      write(`${CLEAR_LINE}${paint('cyan', FRAMES[frame % FRAMES.length] ?? '*')} ${text}`);
      const remaining = end - Date.now();
      if (remaining > 0) await sleep(Math.min(FRAME_MS, remaining));
      else if (isSettled) break;
      else await Promise.race([sleep(FRAME_MS), settled]);
    }
    write(CLEAR_LINE);
    return work;
  };

  return {
    write,
    line: (text = '') => write(`${text}\n`),
    pause: async (ms) => {
      await sleep(ms / speed);
    },
    spin: (label, ms) => spinWhile(label, ms, Promise.resolve()),
    spinWhile,
  };
};
