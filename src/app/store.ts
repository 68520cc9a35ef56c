import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LaneStatus } from '../core/lane.js';
import type { TextField } from '../core/form.js';
import type { Keymap } from '../core/keymap.js';
import type { Theme } from '../config/theme.js';
import type { Overlap } from '../core/overlap.js';
import type { ChangeKind } from '../core/touched.js';
import type { DiffDocument } from '../core/diff-doc.js';

/**
 * What the chrome shows of one lane (pane title and footer counts). The title the agent sets for
 * its terminal is not here: it changes many times a second, and the compositor draws it without
 * Ink (see app/title-overlays.ts).
 */
export interface LaneView {
  name: string;
  branch: string;
  agent: string;
  status: LaneStatus;
  /** Rows scrolled back into history (0 = live). */
  scrollOffset: number;
  /** Files changed since the fork point, committed or not, by kind (renames count as modified). */
  changes: { added: number; modified: number; deleted: number };
  /** Commits on the lane's branch not in the base, and base commits not in the branch. */
  ahead: number;
  behind: number;
  /** Files this lane touches that another lane touches too (or that the base changed). */
  overlapCount: number;
  /** Touched files outside the lane's `--scope` globs. */
  outOfScope: number;
  /** Marked ready to merge (`r`). */
  isReady: boolean;
  /** Its last merge took the branch as it is now. */
  isMerged: boolean;
  /** Files its last merge attempt conflicted on. */
  conflictCount: number;
}

/** A new view of a lane, before anything was observed of it. */
export const newLaneView = (fields: Pick<LaneView, 'name' | 'branch' | 'agent'>): LaneView => ({
  ...fields,
  status: { kind: 'stopped' },
  scrollOffset: 0,
  changes: { added: 0, modified: 0, deleted: 0 },
  ahead: 0,
  behind: 0,
  overlapCount: 0,
  outOfScope: 0,
  isReady: false,
  isMerged: false,
  conflictCount: 0,
});

export interface NewLaneForm {
  kind: 'new-lane';
  /** Index of the focused field in {@link formFields}. */
  field: number;
  name: TextField;
  /** Index into `choices`; the last choice is "command…". */
  choice: number;
  choices: string[];
  command: TextField;
  prompt: TextField;
  error: string | undefined;
  isBusy: boolean;
}

/** The agent choice that reveals the free command field. */
export const COMMAND_CHOICE = 'command…';

/** Which fields the form shows for the current agent choice, in order. */
export const formFields = (form: NewLaneForm): Array<'name' | 'agent' | 'command' | 'prompt'> =>
  form.choices[form.choice] === COMMAND_CHOICE ? ['name', 'agent', 'command', 'prompt'] : ['name', 'agent', 'prompt'];

/** The `m` and `M` dialog: what will be merged, then the merge running, then how it ended. */
export interface MergeDialog {
  kind: 'merge';
  /** Lanes to merge in order: one for `m`, the ready lanes for `M`. */
  lanes: string[];
  phase: 'loading' | 'plan' | 'running' | 'done';
  squash: boolean;
  commitWip: boolean;
  /** Plan lines to show (commits, files, behind, prediction), one per row. */
  summary: string[];
  /** Why it cannot go ahead (shown instead of the merge key). */
  refusal: string | undefined;
  /** Uncommitted files in the (first) lane: merging needs `c` (commit them) first. */
  uncommitted: number;
  /** Output of the verify command, last lines. */
  output: string[];
  /** How it ended, one line; and the conflicting lane and files when it conflicted. */
  result: { text: string; isSuccess: boolean; conflict?: { lane: string; files: string[] } } | undefined;
}

/** The full-screen diff of one lane (`d`). */
export interface DiffOverlay {
  kind: 'diff';
  lane: string;
  /** The lane's recorded fork point, for the header. */
  forkPoint: string;
  /** Index of the diff line at the top of the view. */
  scroll: number;
  /** True while git computes the diff (in the background; the UI keeps running). */
  loading: boolean;
  diff?: DiffDocument;
  /** Why the diff could not be read. */
  error?: string;
}

/** The `x` dialog: confirm, then the teardown, then a refusal listing what would be lost. */
export interface TeardownDialog {
  kind: 'teardown';
  lane: string;
  /** confirm: first question; running; refused: work would be lost, a second confirmation forces it. */
  phase: 'confirm' | 'running' | 'refused';
  /** What would be lost (after a refusal), one line each. */
  lines: string[];
  reason: string | undefined;
  /** After a refusal: a second `y` forces it (work would be lost, archived first). False for every other refusal. */
  canForce?: boolean;
}

/** At start, when the repository's `.lanes.json` defines commands that are not trusted yet. */
export interface TrustDialog {
  kind: 'trust';
  /** The file as shown (`.lanes.json`). */
  label: string;
  /** Its commands, one per line (`setup.run  npm install`). */
  lines: string[];
  /** Presets of the file that are ignored whatever the answer. */
  ignored: string[];
  phase: 'ask' | 'saving';
  error: string | undefined;
}

export type Overlay =
  | { kind: 'help' }
  | TrustDialog
  | TeardownDialog
  | MergeDialog
  | DiffOverlay
  | { kind: 'overlaps'; selected: number }
  | { kind: 'confirm-quit' }
  | NewLaneForm;

export interface Notice {
  id: number;
  text: string;
  level: 'info' | 'warning' | 'error';
}

export interface AppState {
  repoName: string;
  base: string;
  lanes: LaneView[];
  /** Files touched by more than one lane (and base overlaps), sorted by path, with each lane's kind of change. */
  overlaps: Array<Overlap & { kinds?: Record<string, ChangeKind> }>;
  /** Index of the focused lane in `lanes`. */
  focus: number;
  mode: 'navigate' | 'type';
  isZoomed: boolean;
  page: number;
  size: { cols: number; rows: number };
  overlay: Overlay | undefined;
  notice: Notice | undefined;
  keymap: Keymap;
  theme: Theme;
  isQuitting: boolean;
}

export type AppStore = StoreApi<AppState>;

export const createAppStore = (initial: Pick<AppState, 'repoName' | 'base' | 'keymap' | 'theme' | 'size'>): AppStore =>
  createStore<AppState>(() => ({
    lanes: [],
    overlaps: [],
    focus: 0,
    mode: 'navigate',
    isZoomed: false,
    page: 0,
    overlay: undefined,
    notice: undefined,
    isQuitting: false,
    ...initial,
  }));

/** Replace one lane's view (by name) with `patch` applied; a no-op when nothing changes. */
export const patchLane = (store: AppStore, name: string, patch: Partial<LaneView>): void => {
  const { lanes } = store.getState();
  const index = lanes.findIndex((l) => l.name === name);
  const lane = lanes[index];
  if (!lane) return;
  const changed = (Object.keys(patch) as Array<keyof LaneView>).some((key) => !sameValue(lane[key], patch[key]));
  if (!changed) return;
  const next = lanes.slice();
  next[index] = { ...lane, ...patch };
  store.setState({ lanes: next });
};

/** Apply several lanes' patches in one store update (one chrome render). */
export const patchLanes = (store: AppStore, patches: ReadonlyMap<string, Partial<LaneView>>): void => {
  const { lanes } = store.getState();
  let next: LaneView[] | undefined;
  lanes.forEach((lane, index) => {
    const patch = patches.get(lane.name);
    if (!patch) return;
    const changed = (Object.keys(patch) as Array<keyof LaneView>).some((key) => !sameValue(lane[key], patch[key]));
    if (!changed) return;
    next ??= lanes.slice();
    next[index] = { ...lane, ...patch };
  });
  if (next) store.setState({ lanes: next });
};

const sameValue = (a: unknown, b: unknown): boolean =>
  a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));

let noticeCounter = 0;

export const notify = (store: AppStore, text: string, level: Notice['level'] = 'info'): void => {
  noticeCounter += 1;
  store.setState({ notice: { id: noticeCounter, text, level } });
};
