import { InputParser, type InputEvent, type KeyEvent, type MouseEvent } from '../core/input.js';
import { isLeaveKey, resolveKey } from '../core/keymap.js';
import type { Controller } from './controller.js';
import { runCommand } from './commands.js';
import { handleDiffKey } from './diff-view.js';
import { refusePausedInput } from './pause.js';
import { handleFormKey, handleFormPaste } from './new-lane-form.js';
import { handleMergeKey } from './merge-flow.js';
import { handleTeardownKey } from './teardown-flow.js';
import { handleTrustKey } from './trust-flow.js';
import { selectLayout } from './selectors.js';
import { notify, patchLane } from './store.js';

/**
 * A lone ESC is held this long before it counts as the Escape key: the rest of an escape sequence
 * (an arrow key, a mouse report) normally arrives in the same read, and 25 ms is well under what a
 * person notices.
 */
const ESCAPE_TIMEOUT_MS = 25;
/** Lines scrolled per mouse wheel notch, as in most terminals. */
const WHEEL_LINES = 3;

/**
 * The one reader of the keyboard. In type mode every byte goes to the focused lane unchanged,
 * except the leave key and mouse reports; in navigate mode keys are commands; an open dialog gets
 * keys first.
 */
export class InputRouter {
  private readonly parser = new InputParser();
  private escapeTimer: NodeJS.Timeout | undefined;

  constructor(private readonly controller: Controller) {}

  /** Raw input from the terminal. */
  feed(chunk: string): void {
    if (this.escapeTimer) clearTimeout(this.escapeTimer);
    this.escapeTimer = undefined;
    this.handle(this.parser.feed(chunk));
    if (this.parser.hasPending()) {
      this.escapeTimer = setTimeout(() => {
        this.escapeTimer = undefined;
        this.handle(this.parser.flush());
      }, ESCAPE_TIMEOUT_MS);
    }
  }

  dispose(): void {
    if (this.escapeTimer) clearTimeout(this.escapeTimer);
  }

  private handle(events: InputEvent[]): void {
    // Bytes for the agent are collected and written once, so a paste or a burst of keys is one write.
    let pending = '';
    const flush = (): void => {
      if (pending === '') return;
      const lane = this.controller.focused();
      if (lane) {
        this.controller.noteInput(lane.name);
        // A paused lane refuses keys; they are dropped, not queued for its resume.
        if (!this.controller.host.write(lane.name, pending) && this.controller.host.isPaused(lane.name)) refusePausedInput(this.controller, lane.name);
      }
      pending = '';
    };
    for (const event of events) {
      const state = this.controller.store.getState();
      if (state.isQuitting) return;
      if (event.type === 'mouse') {
        flush();
        this.mouse(event);
        continue;
      }
      if (state.overlay) {
        flush();
        this.overlayInput(event);
        continue;
      }
      if (state.mode === 'type') {
        if (event.type === 'key' && isLeaveKey(state.keymap, event)) {
          flush();
          this.controller.store.setState({ mode: 'navigate' });
          continue;
        }
        const lane = this.controller.focused();
        if (!lane) continue;
        const view = state.lanes[state.focus];
        if (view && view.scrollOffset > 0) patchLane(this.controller.store, view.name, { scrollOffset: 0 });
        if (event.type === 'paste') {
          const modes = this.controller.host.modes(lane.name);
          pending += modes?.bracketedPaste ? event.raw : event.text;
        } else pending += event.raw;
        continue;
      }
      flush();
      if (event.type === 'paste') {
        notify(this.controller.store, 'paste ignored in navigate mode: press Enter to type into the lane first', 'warning');
        continue;
      }
      if (event.type === 'key') this.navigate(event);
    }
    flush();
  }

  private navigate(event: KeyEvent): void {
    const { store } = this.controller;
    const state = store.getState();
    const command = resolveKey(state.keymap, event);
    const view = state.lanes[state.focus];
    // Scrolled back: any key other than scrolling returns to the live screen, and does nothing else.
    if (view && view.scrollOffset > 0 && command !== 'scroll-up' && command !== 'scroll-down') {
      patchLane(store, view.name, { scrollOffset: 0 });
      return;
    }
    if (command) runCommand(this.controller, command);
  }

  private overlayInput(event: InputEvent): void {
    const { store } = this.controller;
    const { overlay } = store.getState();
    if (!overlay) return;
    if (overlay.kind === 'new-lane') {
      if (event.type === 'key') handleFormKey(this.controller, event);
      else if (event.type === 'paste') handleFormPaste(this.controller, event.text);
      return;
    }
    if (event.type !== 'key') return;
    if (overlay.kind === 'overlaps') {
      this.overlapsInput(event);
      return;
    }
    if (overlay.kind === 'merge') {
      handleMergeKey(this.controller, event);
      return;
    }
    if (overlay.kind === 'teardown') {
      handleTeardownKey(this.controller, event);
      return;
    }
    if (overlay.kind === 'trust') {
      handleTrustKey(this.controller, this.controller.deps.trustOffer, event);
      return;
    }
    if (overlay.kind === 'diff') {
      handleDiffKey(this.controller, event);
      return;
    }
    if (overlay.kind === 'help') {
      if (event.name === 'escape' || event.name === 'q' || event.name === '?' || event.name === 'enter') store.setState({ overlay: undefined });
      return;
    }
    if (overlay.kind === 'confirm-quit') {
      if (event.name === 'y' || event.name === 'Y' || event.name === 'enter') void this.controller.onQuit?.();
      else if (event.name === 'e' || event.name === 'E') void this.controller.onQuit?.({ endAgents: true });
      else if (event.name === 'n' || event.name === 'N' || event.name === 'escape' || event.name === 'q') store.setState({ overlay: undefined });
    }
  }

  /** The overlap panel: move the selection, Enter focuses a lane of the selected file. */
  private overlapsInput(event: KeyEvent): void {
    const { store } = this.controller;
    const state = store.getState();
    if (state.overlay?.kind !== 'overlaps') return;
    const count = state.overlaps.length;
    const selected = Math.min(state.overlay.selected, Math.max(0, count - 1));
    if (event.name === 'escape' || event.name === 'q' || event.name === 'o') store.setState({ overlay: undefined });
    else if (event.name === 'down' || event.name === 'j') store.setState({ overlay: { kind: 'overlaps', selected: Math.min(count - 1, selected + 1) } });
    else if (event.name === 'up' || event.name === 'k') store.setState({ overlay: { kind: 'overlaps', selected: Math.max(0, selected - 1) } });
    else if (event.name === 'enter') {
      const overlap = state.overlaps[selected];
      if (!overlap) return;
      const focused = state.lanes[state.focus]?.name;
      // Another lane of the file than the focused one: Enter again alternates between them.
      const target = overlap.lanes.find((name) => name !== focused) ?? overlap.lanes[0];
      const index = state.lanes.findIndex((l) => l.name === target);
      store.setState({ overlay: undefined, ...(index >= 0 ? { focus: index } : {}) });
    }
  }

  private mouse(event: MouseEvent): void {
    const { store, host } = this.controller;
    const state = store.getState();
    if (state.overlay) return;
    const layout = selectLayout(state);
    const pane = layout.panes.find((p) => event.x >= p.rect.x && event.x < p.rect.x + p.rect.width && event.y >= p.rect.y && event.y < p.rect.y + p.rect.height);
    if (!pane) return;
    const view = state.lanes[pane.lane];
    if (!view) return;
    if (event.action === 'press' && event.button === 0 && pane.lane !== state.focus) {
      store.setState({ focus: pane.lane });
      return;
    }
    const modes = host.modes(view.name);
    const inBody = event.x >= pane.body.x && event.x < pane.body.x + pane.body.width && event.y >= pane.body.y && event.y < pane.body.y + pane.body.height;
    // An agent that asked for mouse events (vim, htop) gets them in type mode, relative to its pane.
    if (state.mode === 'type' && pane.lane === state.focus && inBody && modes && modes.mouseTracking !== 'none') {
      const match = /^\x1b\[<(\d+);\d+;\d+([Mm])$/.exec(event.raw);
      if (match) host.write(view.name, `\x1b[<${match[1]};${event.x - pane.body.x + 1};${event.y - pane.body.y + 1}${match[2]}`);
      return;
    }
    if (event.action !== 'wheelup' && event.action !== 'wheeldown') return;
    if (modes?.isAlternateScreen) {
      // Full-screen programs without mouse support scroll with arrow keys, as xterm's alternate scroll does.
      if (state.mode === 'type' && pane.lane === state.focus) {
        const arrow = modes.applicationCursorKeys ? (event.action === 'wheelup' ? '\x1bOA' : '\x1bOB') : event.action === 'wheelup' ? '\x1b[A' : '\x1b[B';
        host.write(view.name, arrow.repeat(WHEEL_LINES));
      }
      return;
    }
    this.controller.scroll(view.name, event.action === 'wheelup' ? WHEEL_LINES : -WHEEL_LINES);
  }
}

