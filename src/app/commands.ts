import type { CommandId } from '../core/keymap.js';
import { neighbour } from '../core/layout.js';
import type { Controller } from './controller.js';
import { openDiffView } from './diff-view.js';
import { openNewLaneForm } from './new-lane-form.js';
import { openMerge } from './merge-flow.js';
import { openTeardown } from './teardown-flow.js';
import { togglePause } from './pause.js';
import { selectLayout } from './selectors.js';
import { notify } from './store.js';

/** Carry out one navigate-mode command. */
export const runCommand = (controller: Controller, command: CommandId): void => {
  const { store } = controller;
  const state = store.getState();
  const count = state.lanes.length;
  const focus = (index: number): void => {
    if (count === 0) return;
    store.setState({ focus: ((index % count) + count) % count });
  };
  switch (command) {
    case 'focus-left':
    case 'focus-right':
    case 'focus-up':
    case 'focus-down': {
      const layout = selectLayout(state);
      const direction = command.slice('focus-'.length) as 'left' | 'right' | 'up' | 'down';
      const from = layout.panes.findIndex((p) => p.lane === state.focus);
      if (from < 0) return;
      const to = neighbour(
        layout.panes.map((p) => ({ index: p.lane, rect: p.rect })),
        state.focus,
        direction,
      );
      if (to !== undefined) focus(to);
      return;
    }
    case 'focus-1':
    case 'focus-2':
    case 'focus-3':
    case 'focus-4':
    case 'focus-5':
    case 'focus-6':
    case 'focus-7':
    case 'focus-8':
    case 'focus-9': {
      const index = Number(command.slice('focus-'.length)) - 1;
      if (index < count) focus(index);
      else notify(store, `there is no lane ${index + 1}`, 'warning');
      return;
    }
    case 'focus-next':
      focus(state.focus + 1);
      return;
    case 'focus-prev':
      focus(state.focus - 1);
      return;
    case 'page-next':
    case 'page-prev': {
      const layout = selectLayout(state);
      if (layout.pages <= 1) return;
      const page = (layout.page + (command === 'page-next' ? 1 : -1) + layout.pages) % layout.pages;
      focus(Math.min(count - 1, page * layout.perPage));
      return;
    }
    case 'type': {
      const lane = controller.focused();
      if (!lane) {
        notify(store, 'no lane to type into: press n to create one', 'warning');
        return;
      }
      const { exit, failure, isMissing } = lane.activity;
      if (exit || failure !== undefined || isMissing) {
        notify(store, `lane ${lane.name} has no running agent: R starts it again`, 'warning');
        return;
      }
      store.setState({ mode: 'type' });
      return;
    }
    case 'leave-type':
      return;
    case 'new-lane':
      openNewLaneForm(controller);
      return;
    case 'pause': {
      const lane = controller.focused();
      if (lane) void togglePause(controller, lane.name);
      else notify(store, 'no lane to pause', 'warning');
      return;
    }
    case 'restart': {
      const lane = controller.focused();
      if (lane) void controller.restart(lane.name);
      return;
    }
    case 'zoom':
      if (count > 0) store.setState({ isZoomed: !state.isZoomed });
      return;
    case 'scroll-up':
    case 'scroll-down': {
      const lane = controller.focused();
      if (!lane) return;
      const page = Math.max(1, (lane.size?.rows ?? 10) - 1);
      controller.scroll(lane.name, command === 'scroll-up' ? page : -page);
      return;
    }
    case 'help':
      store.setState({ overlay: { kind: 'help' } });
      return;
    case 'ready': {
      const lane = controller.focused();
      if (lane) void controller.toggleReady(lane.name);
      return;
    }
    case 'merge': {
      const lane = controller.focused();
      if (lane) void openMerge(controller, [lane.name]);
      return;
    }
    case 'merge-ready': {
      const ready = [...controller.lanes.values()]
        .filter((l) => l.record.ready && !state.lanes.find((v) => v.name === l.name)?.isMerged)
        .sort((a, b) => (a.record.readyAt ?? '').localeCompare(b.record.readyAt ?? ''))
        .map((l) => l.name);
      void openMerge(controller, ready);
      return;
    }
    case 'diff':
      openDiffView(controller);
      return;
    case 'teardown': {
      const lane = controller.focused();
      if (lane) openTeardown(controller, lane.name);
      return;
    }
    case 'overlaps':
      store.setState({ overlay: { kind: 'overlaps', selected: 0 } });
      return;
    case 'quit':
      store.setState({ overlay: { kind: 'confirm-quit' } });
      return;
  }
};
