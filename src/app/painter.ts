import type { ScreenFrame } from '../core/screen.js';
import type { TerminalHost } from '../term/types.js';
import type { Compositor } from '../ui/compositor.js';
import type { AppStore } from './store.js';
import { TitleOverlays } from './title-overlays.js';

/**
 * An agent inside a synchronized update (DEC 2026) is not painted until the update ends, so its
 * half-drawn frames never show — but never for longer than this, in case the end never comes.
 */
const SYNC_HOLD_MS = 200;

export interface PainterDeps {
  store: AppStore;
  host: TerminalHost;
  compositor: Compositor;
  now: () => number;
  /** Ask the frame clock for another paint. */
  requestFrame: () => void;
  /** The title the agent of a lane set for its terminal. */
  titleOf: (lane: string) => string | undefined;
}

/** Hands each lane's current frame and title to the compositor, and places the real cursor. */
export class Painter {
  private syncSince = new Map<string, number>();
  private lastFrames = new Map<string, ScreenFrame | undefined>();
  private readonly titles: TitleOverlays;

  constructor(private readonly deps: PainterDeps) {
    this.titles = new TitleOverlays(deps.titleOf);
  }

  /** Draw what changed on the real terminal. */
  paint(): void {
    const state = this.deps.store.getState();
    const focused = state.lanes[state.focus];
    const cursorLane = focused && state.overlay === undefined && focused.scrollOffset === 0 ? focused.name : undefined;
    // Lanes out of sight get their frames less often (see host/client-link.ts).
    this.deps.host.show(this.deps.compositor.shownLanes(), focused?.name);
    this.deps.compositor.setOverlays(this.titles.overlays(state));
    this.deps.compositor.paint((name) => this.frameFor(name, state.lanes.find((l) => l.name === name)?.scrollOffset ?? 0), cursorLane);
  }

  /** The frame to draw for a lane: the last one while the agent is mid synchronized update. */
  private frameFor(name: string, scrollOffset: number): ScreenFrame | undefined {
    const now = this.deps.now();
    this.deps.host.view(name, scrollOffset);
    if (scrollOffset === 0 && this.deps.host.modes(name)?.isSynchronizedOutput && this.lastFrames.has(name)) {
      const since = this.syncSince.get(name) ?? now;
      if (!this.syncSince.has(name)) {
        this.syncSince.set(name, now);
        setTimeout(() => this.deps.requestFrame(), SYNC_HOLD_MS + 5).unref();
      }
      if (now - since < SYNC_HOLD_MS) return this.lastFrames.get(name);
    } else this.syncSince.delete(name);
    const frame = this.deps.host.frame(name, scrollOffset);
    this.lastFrames.set(name, frame);
    return frame;
  }
}
