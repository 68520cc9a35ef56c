import { buildDiffDocument, clampScroll, diffBodyRows, fileJump, maxScroll } from '../core/diff-doc.js';
import type { KeyEvent } from '../core/input.js';
import { laneDiff } from '../git/diff.js';
import type { Controller } from './controller.js';
import { FOOTER_ROWS } from './selectors.js';
import { notify, type DiffOverlay } from './store.js';

/**
 * Open the full-screen diff of the focused lane (`d`). The view shows at once with "loading"; git
 * runs in the background and the result lands in the overlay if it is still open for that lane.
 */
export const openDiffView = (controller: Controller): void => {
  const { store } = controller;
  const runtime = controller.focused();
  if (!runtime) {
    notify(store, 'no lane to diff: press n to create one', 'warning');
    return;
  }
  const { record } = runtime;
  store.setState({ overlay: { kind: 'diff', lane: record.name, forkPoint: record.forkPoint, scroll: 0, loading: true } });
  const settle = (patch: Pick<DiffOverlay, 'diff' | 'error'>): void => {
    const current = store.getState().overlay;
    // Closed, or reopened for another lane, meanwhile: the result is not wanted any more.
    if (current?.kind !== 'diff' || current.lane !== record.name || !current.loading) return;
    store.setState({ overlay: { ...current, ...patch, loading: false } });
  };
  const read = controller.deps.readDiff ?? laneDiff;
  read(record).then(
    (diff) => settle({ diff: buildDiffDocument(diff) }),
    (error: unknown) => settle({ error: `cannot read the diff of lane ${record.name}: ${error instanceof Error ? error.message : String(error)}` }),
  );
};

/** Diff lines the view shows at the current screen size (the view fills all but the footer). */
export const diffViewRows = (rows: number): number => diffBodyRows(Math.max(0, rows - FOOTER_ROWS));

/**
 * Keys of the diff view: `j`/`k`/arrows a line, PageDown/PageUp/space a page, `]`/`[` the next or
 * previous file, `g`/`G` (Home/End) top and bottom, `q`/Esc close.
 */
export const handleDiffKey = (controller: Controller, event: KeyEvent): void => {
  const { store } = controller;
  const state = store.getState();
  const overlay = state.overlay;
  if (overlay?.kind !== 'diff') return;
  if (event.name === 'escape' || (event.name === 'q' && !event.ctrl && !event.alt)) {
    store.setState({ overlay: undefined });
    return;
  }
  const doc = overlay.diff;
  if (!doc || event.ctrl || event.alt) return;
  const rows = diffViewRows(state.size.rows);
  const from = clampScroll(doc, overlay.scroll, rows);
  let scroll: number;
  switch (event.name) {
    case 'j':
    case 'down':
      scroll = from + 1;
      break;
    case 'k':
    case 'up':
      scroll = from - 1;
      break;
    case 'pagedown':
    case 'space':
      scroll = from + rows;
      break;
    case 'pageup':
      scroll = from - rows;
      break;
    case ']':
      scroll = fileJump(doc, from, 1, rows);
      break;
    case '[':
      scroll = fileJump(doc, from, -1, rows);
      break;
    case 'g':
    case 'home':
      scroll = 0;
      break;
    case 'G':
    case 'end':
      scroll = maxScroll(doc, rows);
      break;
    default:
      return;
  }
  scroll = clampScroll(doc, scroll, rows);
  if (scroll !== overlay.scroll) store.setState({ overlay: { ...overlay, scroll } });
};
