import type { ScreenFrame } from '../../src/core/screen.js';
import type { Disposable, SpawnRequest, TerminalEvent, TerminalHost, TerminalInfo, TerminalModes } from '../../src/term/types.js';

const DEFAULT_MODES: TerminalModes = {
  bracketedPaste: false,
  applicationCursorKeys: false,
  mouseTracking: 'none',
  isAlternateScreen: false,
  isSynchronizedOutput: false,
};

/**
 * A terminal host without processes: it records what the UI asks of it (spawns, writes, resizes)
 * and serves blank frames of each terminal's size. Tests set history and modes per lane.
 */
export class FakeHost implements TerminalHost {
  readonly spawns: SpawnRequest[] = [];
  readonly writes: Array<{ id: string; data: string }> = [];
  readonly resizes: Array<{ id: string; cols: number; rows: number }> = [];
  /** Rows of history each lane's frame reports. */
  readonly historyRows = new Map<string, number>();
  /** Modes each lane reports, over the defaults (nothing enabled). */
  readonly modeOverrides = new Map<string, Partial<TerminalModes>>();
  private readonly sizes = new Map<string, { cols: number; rows: number }>();
  private readonly listeners = new Set<(event: TerminalEvent) => void>();

  /** Terminals the host holds already when the UI attaches (see terminals()). */
  readonly held: TerminalInfo[] = [];
  /** Whether the UI detached (true) or ended every agent (false), once it left. */
  leftBy: 'detach' | 'dispose' | undefined;

  spawn(request: SpawnRequest): Promise<boolean> {
    if (this.sizes.has(request.id)) return Promise.resolve(false);
    this.spawns.push(request);
    this.sizes.set(request.id, { cols: request.cols, rows: request.rows });
    return Promise.resolve(true);
  }

  /** Lanes the UI paused. */
  readonly paused = new Set<string>();

  write(id: string, data: string): boolean {
    if (this.paused.has(id) || !this.sizes.has(id)) return false;
    this.writes.push({ id, data });
    return true;
  }

  pause(id: string): Promise<void> {
    this.paused.add(id);
    this.emit({ type: 'paused', id, paused: true });
    return Promise.resolve();
  }

  resume(id: string): Promise<void> {
    this.paused.delete(id);
    this.emit({ type: 'paused', id, paused: false });
    return Promise.resolve();
  }

  pid(): number | undefined {
    return undefined;
  }

  processTree(): Promise<Array<{ pid: number; startTime: number }>> {
    return Promise.resolve([]);
  }

  isPaused(id: string): boolean {
    return this.paused.has(id);
  }

  resize(id: string, cols: number, rows: number): void {
    this.resizes.push({ id, cols, rows });
    // Like the real host: a terminal that was not started (yet) is not resized.
    if (this.sizes.has(id)) this.sizes.set(id, { cols, rows });
  }

  signal(): void {}

  kill(): Promise<void> {
    return Promise.resolve();
  }

  release(id: string): void {
    this.sizes.delete(id);
  }

  /** Rows a lane's screen shows (padded to its width), over blank ones; set them and emit `output`. */
  readonly screens = new Map<string, string[]>();
  /** How often each lane's frame was read. */
  readonly frameReads = new Map<string, number>();

  frame(id: string, scrollOffset = 0): ScreenFrame | undefined {
    const size = this.sizes.get(id);
    if (!size) return undefined;
    this.frameReads.set(id, (this.frameReads.get(id) ?? 0) + 1);
    const screen = this.screens.get(id) ?? [];
    return {
      cols: size.cols,
      rows: size.rows,
      lines: Array.from({ length: size.rows }, (_, row) => (screen[row] ?? '').padEnd(size.cols).slice(0, size.cols)),
      cursor: { x: 0, y: 0, visible: true },
      scrollOffset,
      historyRows: this.historyRows.get(id) ?? 0,
      isAlternateScreen: this.modeOverrides.get(id)?.isAlternateScreen ?? false,
    };
  }

  readonly views = new Map<string, number>();

  view(id: string, scrollOffset: number): void {
    this.views.set(id, scrollOffset);
  }

  /** What the UI last said it shows (see TerminalHost.show). */
  shown: { ids: string[]; focus: string | undefined } | undefined;

  show(ids: readonly string[], focus: string | undefined): void {
    this.shown = { ids: [...ids], focus };
  }

  terminals(): TerminalInfo[] {
    return this.held;
  }

  detach(): Promise<void> {
    this.leftBy = 'detach';
    this.listeners.clear();
    return Promise.resolve();
  }

  modes(id: string): TerminalModes | undefined {
    if (!this.sizes.has(id)) return undefined;
    return { ...DEFAULT_MODES, ...this.modeOverrides.get(id) };
  }

  onEvent(listener: (event: TerminalEvent) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Report an event as the real host would. */
  emit(event: TerminalEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  running(): string[] {
    return [...this.sizes.keys()];
  }

  dispose(): Promise<void> {
    this.leftBy = 'dispose';
    this.sizes.clear();
    this.listeners.clear();
    return Promise.resolve();
  }

  /** Everything written to one lane, in order. */
  writtenTo(id: string): string {
    return this.writes
      .filter((w) => w.id === id)
      .map((w) => w.data)
      .join('');
  }

  /** The last size a lane's terminal was given. */
  sizeOf(id: string): { cols: number; rows: number } | undefined {
    return this.sizes.get(id);
  }
}
