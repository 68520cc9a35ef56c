import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foregroundColorNames } from 'chalk';
import { z } from 'zod';
import { LanesError } from '../core/errors.js';
import { formatIssues } from './format-issues.js';
import { readJsonFile } from './json-file.js';

/** Semantic colour tokens (SPEC §4): UI code names what a colour means, themes say which colour. */
export const THEME_TOKENS = [
  'border', // pane border, unfocused
  'borderFocused', // focused pane in navigate mode
  'borderTyping', // focused pane in type mode: keys go to the agent
  'title', // pane title, unfocused
  'titleFocused',
  'footer', // footer text
  'footerKey', // key names in the footer hints and the help overlay
  'muted', // secondary text: branch, counts, hints
  'notice', // transient notifications
  'warning', // warnings, the overlap mark
  'error', // failures and refusals
  'dialogBorder', // dialogs and overlays
  'selection', // selected row in lists (used as a background)
  'selectionText', // text on `selection`
  'statusStarting',
  'statusBusy',
  'statusWaiting',
  'statusPaused',
  'statusExited',
  'statusFailed',
  'statusMissing',
  'statusStopped',
  'ready', // the lane is marked ready to merge
  'merged',
  'overlap', // files touched by more than one lane
  'conflict',
  'diffAdd',
  'diffRemove',
  'diffHunk', // `@@ … @@` lines
  'diffHeader', // file headers in the diff view
] as const;

export type ThemeToken = (typeof THEME_TOKENS)[number];

/**
 * A colour for each token: an Ink/chalk colour name or `#rrggbb`, usable as Ink's `color` or
 * `backgroundColor` prop. Undefined means "no colour" (monochrome), which Ink draws as plain text.
 */
export type ThemeColors = Record<ThemeToken, string | undefined>;

export interface Theme {
  name: string;
  colors: ThemeColors;
  /** True under `NO_COLOR`: every colour is undefined; show state with bold, inverse and border styles. */
  isMonochrome: boolean;
}

const COLOR_NAMES: readonly string[] = foregroundColorNames;
const HEX_COLOR = /^#[0-9A-Fa-f]{6}$/;

export const isThemeColor = (value: string): boolean => COLOR_NAMES.includes(value) || HEX_COLOR.test(value);

const colorSchema = z
  .string()
  .refine(isThemeColor)
  .describe("a colour name like 'cyan', 'gray' or 'yellowBright', or '#rrggbb'");

/** The format of `themes/<name>.json`: every token must be given, no others. */
export const themeFileSchema = z.strictObject({
  description: z.string().optional(),
  colors: z.strictObject(
    Object.fromEntries(THEME_TOKENS.map((token) => [token, colorSchema])) as Record<ThemeToken, typeof colorSchema>,
  ),
});

/** The `themes/` folder shipped with lanes (`src/config` and `dist/config` are both two levels down). */
export const themesDirectory = (): string => fileURLToPath(new URL('../../themes/', import.meta.url)).replace(/\/$/, '');

/** Names of the themes in `themesDir`, sorted. */
export const listThemes = async (themesDir: string): Promise<string[]> => {
  let entries: string[];
  try {
    entries = await readdir(themesDir);
  } catch (error) {
    throw new LanesError(`cannot read the themes folder ${themesDir}`, { cause: error });
  }
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => entry.slice(0, -'.json'.length))
    .sort();
};

/** A theme that sets no colour at all (`NO_COLOR`, https://no-color.org). */
export const monochromeTheme = (name: string): Theme => ({
  name,
  colors: Object.fromEntries(THEME_TOKENS.map((token) => [token, undefined])) as ThemeColors,
  isMonochrome: true,
});

/**
 * Load and validate `<themesDir>/<name>.json` (SPEC §4). Only names of files in the folder are
 * accepted, so a name never becomes a path elsewhere. With `NO_COLOR` set to a non-empty value the
 * theme is still checked, then returned without colours.
 */
export const loadTheme = async (name: string, options: { themesDir: string; env: NodeJS.ProcessEnv }): Promise<Theme> => {
  const available = await listThemes(options.themesDir);
  if (!available.includes(name)) {
    throw new LanesError(`unknown theme '${name}': available: ${available.join(', ')}`);
  }
  const path = join(options.themesDir, `${name}.json`);
  const file = await readJsonFile(path, path);
  if (file === undefined) throw new LanesError(`theme file not found: ${path}`);
  const result = themeFileSchema.safeParse(file.value, { reportInput: true });
  if (!result.success) throw new LanesError(formatIssues(path, result.error.issues, themeFileSchema));
  const noColor = options.env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return monochromeTheme(name);
  return { name, colors: result.data.colors, isMonochrome: false };
};
