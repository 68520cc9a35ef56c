import type { KeyEvent } from './input.js';
import { formatKeySpec, matchesKey, parseKeySpec, type KeySpec } from './key-spec.js';

/**
 * Every user command of navigate mode. The key map, the help overlay, the footer hints and the
 * README key table are all generated from {@link COMMANDS}.
 */
export type CommandId =
  | 'focus-left'
  | 'focus-down'
  | 'focus-up'
  | 'focus-right'
  | 'focus-1'
  | 'focus-2'
  | 'focus-3'
  | 'focus-4'
  | 'focus-5'
  | 'focus-6'
  | 'focus-7'
  | 'focus-8'
  | 'focus-9'
  | 'focus-next'
  | 'focus-prev'
  | 'type'
  | 'leave-type'
  | 'new-lane'
  | 'overlaps'
  | 'ready'
  | 'merge'
  | 'merge-ready'
  | 'teardown'
  | 'pause'
  | 'diff'
  | 'restart'
  | 'zoom'
  | 'page-next'
  | 'page-prev'
  | 'scroll-up'
  | 'scroll-down'
  | 'help'
  | 'quit';

export interface CommandInfo {
  id: CommandId;
  /** Default keys, in the syntax of {@link parseKeySpec}. */
  keys: string[];
  /** One line for the help overlay and the README. */
  description: string;
  /** Short label for the footer; commands without one are listed only in the help. */
  hint?: string;
  /** Rows of the help table that share a description are shown as one (e.g. `1`–`9`). */
  group?: string;
}

const focusN = (n: number): CommandInfo => ({
  id: `focus-${n}` as CommandId,
  keys: [String(n)],
  description: 'focus lane N',
  group: 'focus-n',
});

/** The one table of commands and their default keys (SPEC §4). */
export const COMMANDS: readonly CommandInfo[] = [
  { id: 'focus-left', keys: ['left', 'h'], description: 'move focus to the pane on the left', group: 'move' },
  { id: 'focus-down', keys: ['down', 'j'], description: 'move focus to the pane below', group: 'move' },
  { id: 'focus-up', keys: ['up', 'k'], description: 'move focus to the pane above', group: 'move' },
  { id: 'focus-right', keys: ['right', 'l'], description: 'move focus to the pane on the right', group: 'move' },
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map(focusN),
  { id: 'focus-next', keys: ['tab'], description: 'next lane' },
  { id: 'focus-prev', keys: ['shift+tab'], description: 'previous lane' },
  { id: 'type', keys: ['enter', 'i'], description: 'type into the focused lane', hint: 'type' },
  { id: 'leave-type', keys: ['ctrl+q'], description: 'leave type mode (the only key not sent to the agent)' },
  { id: 'new-lane', keys: ['n'], description: 'new lane: name, agent preset or command, optional task prompt', hint: 'new' },
  { id: 'pause', keys: ['p'], description: 'pause / resume the focused lane (freezes its whole process tree)' },
  { id: 'diff', keys: ['d'], description: 'diff of the focused lane (full-screen; j k scroll, ] [ next/previous file, q/Esc close)', hint: 'diff' },
  { id: 'overlaps', keys: ['o'], description: 'overlap panel: every file touched by more than one lane, with the lanes', hint: 'overlaps' },
  { id: 'ready', keys: ['r'], description: 'mark / unmark the focused lane ready to merge' },
  { id: 'merge', keys: ['m'], description: 'merge the focused lane into the base (shows the plan first)', hint: 'merge' },
  { id: 'merge-ready', keys: ['M'], description: 'merge every ready lane, one after another, in the order marked' },
  { id: 'teardown', keys: ['x'], description: 'tear down the focused lane: archived first, removed only if no work would be lost' },
  { id: 'restart', keys: ['R'], description: "restart the focused lane's agent" },
  { id: 'zoom', keys: ['z'], description: 'zoom / unzoom the focused lane' },
  { id: 'page-next', keys: [']'], description: 'next page of lanes (when they do not fit on one screen)' },
  { id: 'page-prev', keys: ['['], description: 'previous page of lanes' },
  { id: 'scroll-up', keys: ['pageup'], description: "scroll the focused lane's history up (mouse wheel too; any key returns to live)", group: 'scroll' },
  { id: 'scroll-down', keys: ['pagedown'], description: "scroll the focused lane's history down", group: 'scroll' },
  { id: 'help', keys: ['?'], description: 'help', hint: 'help' },
  { id: 'quit', keys: ['q'], description: 'quit: detach (agents keep running) or end every agent; asks first', hint: 'quit' },
];

export interface Binding {
  spec: KeySpec;
  command: CommandId;
}

export interface Keymap {
  bindings: Binding[];
  /** Keys per command, for hints and help, in the user's configuration. */
  keysOf: Record<CommandId, KeySpec[]>;
}

const COMMAND_IDS = new Set<string>(COMMANDS.map((c) => c.id));

/**
 * Build the key map from the defaults and the user's `keys` overrides (`{ "new-lane": "N" }` or a
 * list of keys). Returns problems instead of throwing; the caller refuses to start on any.
 */
export const buildKeymap = (overrides: Record<string, string | string[]> = {}): { keymap: Keymap; errors: string[] } => {
  const errors: string[] = [];
  const keysOf = {} as Record<CommandId, KeySpec[]>;
  for (const command of COMMANDS) {
    const override = overrides[command.id];
    const texts = override === undefined ? command.keys : Array.isArray(override) ? override : [override];
    const specs: KeySpec[] = [];
    for (const text of texts) {
      const parsed = parseKeySpec(text);
      if (typeof parsed === 'string') errors.push(`keys.${command.id}: ${parsed}`);
      else specs.push(parsed);
    }
    keysOf[command.id] = specs;
  }
  for (const id of Object.keys(overrides)) {
    if (!COMMAND_IDS.has(id)) errors.push(`keys.${id}: unknown command (known: ${[...COMMAND_IDS].join(', ')})`);
  }
  const bindings: Binding[] = [];
  const seen = new Map<string, CommandId>();
  for (const command of COMMANDS) {
    for (const spec of keysOf[command.id]) {
      const label = formatKeySpec(spec);
      const other = seen.get(label);
      // The leave key lives in type mode, every other command in navigate mode: they may share keys.
      if (other && other !== command.id && command.id !== 'leave-type' && other !== 'leave-type') {
        errors.push(`keys.${command.id}: ${label} is already bound to ${other}`);
      }
      seen.set(label, command.id);
      if (command.id !== 'leave-type') bindings.push({ spec, command: command.id });
    }
  }
  return { keymap: { bindings, keysOf }, errors };
};

/** The navigate-mode command bound to a key, if any. */
export const resolveKey = (keymap: Keymap, event: KeyEvent): CommandId | undefined =>
  keymap.bindings.find((b) => matchesKey(event, b.spec))?.command;

/** True when the event is the key that leaves type mode. */
export const isLeaveKey = (keymap: Keymap, event: KeyEvent): boolean =>
  keymap.keysOf['leave-type'].some((spec) => matchesKey(event, spec));

/** Display label of a command's keys, e.g. `↑ k`. */
export const keyLabel = (keymap: Keymap, command: CommandId): string =>
  keymap.keysOf[command].map(formatKeySpec).join(' ');

export interface HelpRow {
  keys: string;
  description: string;
}

/** Rows of the help overlay and the README key table, generated from the key map. */
export const helpRows = (keymap: Keymap): HelpRow[] => {
  const rows: HelpRow[] = [];
  const groups = new Map<string, CommandInfo[]>();
  for (const command of COMMANDS) {
    if (command.group) {
      const list = groups.get(command.group) ?? [];
      list.push(command);
      groups.set(command.group, list);
    }
  }
  const done = new Set<string>();
  for (const command of COMMANDS) {
    if (command.group) {
      if (done.has(command.group)) continue;
      done.add(command.group);
      const members = groups.get(command.group) ?? [];
      const keys = members.map((m) => keyLabel(keymap, m.id)).filter(Boolean);
      const description =
        command.group === 'move'
          ? 'move focus between panes'
          : command.group === 'focus-n'
            ? 'focus lane N'
            : command.group === 'scroll'
              ? "scroll the focused lane's history (mouse wheel too); any key returns to live"
              : command.description;
      rows.push({ keys: command.group === 'focus-n' ? `${keys[0] ?? ''}–${keys[keys.length - 1] ?? ''}` : keys.join(' '), description });
    } else {
      rows.push({ keys: keyLabel(keymap, command.id), description: command.description });
    }
  }
  return rows;
};

/** Footer hints: `key label` pairs of the commands that have a hint. */
export const footerHints = (keymap: Keymap): Array<{ key: string; label: string }> =>
  COMMANDS.filter((c) => c.hint && keymap.keysOf[c.id].length > 0).map((c) => ({
    key: formatKeySpec(keymap.keysOf[c.id][0] as KeySpec),
    label: c.hint as string,
  }));
