import { Chalk, type ChalkInstance } from 'chalk';
import { loadContext } from '../app/context.js';
import { diffStat } from '../core/diff-stat.js';
import { LanesError } from '../core/errors.js';
import type { LaneRecord } from '../core/lane.js';
import { parsePatch, type DiffFile } from '../core/patch.js';
import { laneDiff } from '../git/diff.js';
import type { GlobalOptions } from './main.js';

/** Width of `--stat` output when stdout is not a terminal (git uses 80 too). */
const DEFAULT_STAT_WIDTH = 80;

export interface DiffOutput {
  write(text: string): void;
  /** True for a terminal: colour, and the terminal's width for `--stat`. */
  isTTY?: boolean;
  columns?: number;
}

/** The lane named `name`, or a refusal that lists the lanes there are. */
export const findLane = (lanes: readonly LaneRecord[], name: string): LaneRecord => {
  const lane = lanes.find((l) => l.name === name);
  if (lane) return lane;
  throw new LanesError(`unknown lane '${name}'`, {
    hint: lanes.length === 0 ? 'there are no lanes yet (lanes new NAME creates one)' : `known lanes: ${lanes.map((l) => l.name).join(', ')}`,
  });
};

/** The patch with git's colours: bold file headers, cyan `@@` ranges, green added and red deleted lines. */
export const colorPatch = (patch: string, chalk: ChalkInstance): string => {
  let out = '';
  for (const file of parsePatch(patch)) {
    for (const line of file.lines) {
      if (line.kind === 'header') out += chalk.bold(line.text);
      else if (line.kind === 'add') out += chalk.green(line.text);
      else if (line.kind === 'del') out += chalk.red(line.text);
      else if (line.kind === 'hunk') {
        // The function name after the range stays plain, as git shows it.
        const end = line.text.indexOf(' @@', 2);
        out += end < 0 ? chalk.cyan(line.text) : chalk.cyan(line.text.slice(0, end + 3)) + line.text.slice(end + 3);
      } else out += line.text;
      out += '\n';
    }
  }
  return out;
};

/** The `--stat` summary, with green `+` and red `-` bars when `chalk` has colour. */
export const statText = (files: readonly DiffFile[], width: number, chalk: ChalkInstance): string => {
  const { rows, total } = diffStat(files, width);
  const lines = rows.map((row) => {
    const bar = chalk.green('+'.repeat(row.plus)) + chalk.red('-'.repeat(row.minus));
    return row.plus + row.minus === 0 ? row.text.trimEnd() : row.text + bar;
  });
  return [...lines, total].map((line) => `${line}\n`).join('');
};

/**
 * `lanes diff NAME [--stat]`: the lane's changes against its fork point, committed or not
 * (three-dot: what the base gained since is never shown as deleted). Coloured on a terminal
 * unless `NO_COLOR` is set; plain text, exactly git's patch, otherwise.
 */
export const runDiff = async (
  global: GlobalOptions,
  name: string,
  options: { stat?: boolean },
  cwd = process.cwd(),
  out: DiffOutput = process.stdout,
): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  const { state } = await context.stateStore.load();
  const lane = findLane(state.lanes, name);
  const diff = await laneDiff(lane, { stat: options.stat === true });
  const noColor = context.env.NO_COLOR !== undefined && context.env.NO_COLOR !== '';
  const isColor = out.isTTY === true && !noColor;
  const chalk = new Chalk({ level: isColor ? 1 : 0 });
  if (diff.files.length === 0) {
    // Like git, nothing at all for a pipe; a person at a terminal gets told why it is empty.
    if (out.isTTY) out.write(`lane ${lane.name} has no changes since ${diff.mergeBase.slice(0, 10)}\n`);
    return 0;
  }
  if (options.stat) {
    out.write(statText(diff.files, out.isTTY ? (out.columns ?? DEFAULT_STAT_WIDTH) : DEFAULT_STAT_WIDTH, chalk));
    return 0;
  }
  out.write(isColor ? colorPatch(diff.patch, chalk) : diff.patch);
  return 0;
};
