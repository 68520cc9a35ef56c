import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { render, type Instance } from 'ink';
import chalk from 'chalk';
import type { AppStore } from '../app/store.js';
import { App } from './App.js';
import { StoreContext } from './context.js';

/**
 * A stand-in for stdout that Ink writes its frames into. lanes owns the real terminal (see
 * compositor.ts); Ink only lays out and styles the chrome, in debug mode, which hands over each
 * full frame as one string — also when the `CI` variable is set, where Ink's normal mode would
 * draw nothing until exit.
 */
class FrameSink extends EventEmitter {
  columns: number;
  rows: number;
  readonly isTTY = true;
  constructor(
    size: { cols: number; rows: number },
    private readonly onFrame: (frame: string) => void,
  ) {
    super();
    this.columns = size.cols;
    this.rows = size.rows;
  }
  write(data: string): boolean {
    this.onFrame(data);
    return true;
  }
}

export interface Chrome {
  /** Tell Ink the terminal size changed; it renders a new frame. */
  resize(cols: number, rows: number): void;
  unmount(): void;
}

/**
 * Mount the chrome for `store`; every frame Ink renders is passed to `onFrame`. Colours follow the
 * theme, not the environment: the real terminal's colour support is decided by lanes (NO_COLOR).
 */
export const mountChrome = (store: AppStore, onFrame: (frame: string) => void, colorLevel: 0 | 1 | 2 | 3): Chrome => {
  chalk.level = colorLevel;
  const { size } = store.getState();
  const sink = new FrameSink(size, onFrame);
  const stdin = Object.assign(new PassThrough(), { isTTY: false, setRawMode: () => undefined, ref: () => undefined, unref: () => undefined });
  const instance: Instance = render(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
    {
      stdout: sink as unknown as NodeJS.WriteStream,
      stderr: sink as unknown as NodeJS.WriteStream,
      stdin: stdin as unknown as NodeJS.ReadStream,
      debug: true,
      exitOnCtrlC: false,
      patchConsole: false,
    },
  );
  return {
    resize(cols, rows) {
      sink.columns = cols;
      sink.rows = rows;
      sink.emit('resize');
    },
    unmount() {
      instance.unmount();
    },
  };
};
