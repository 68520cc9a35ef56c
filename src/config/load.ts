import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { LanesError, usageError } from '../core/errors.js';
import { branchPrefixProblem, worktreeDirProblem } from './checks.js';
import { formatIssues } from './format-issues.js';
import { readJsonFile } from './json-file.js';
import { deepMerge, valueAt, type PlainObject } from './merge.js';
import { buildKeymap } from '../core/keymap.js';
import { builtinPresets } from './presets.js';
import { agentPresetSchema, configFileSchema, type Config } from './schema.js';
import { listThemes, themesDirectory } from './theme.js';

export interface LoadConfigOptions {
  /** Root of the repository's main worktree; its `.lanes.json` is read when given. */
  repoRoot?: string;
  /** `--config FILE`, as the user typed it (resolved against `cwd`); must exist. */
  configFile?: string;
  /** Command-line flags; undefined values are ignored. */
  flags?: Partial<Pick<Config, 'base' | 'theme'>>;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Where relative paths are resolved and shown from. Defaults to `process.cwd()`. */
  cwd?: string;
  /** The folder of theme files the `theme` must name one of. Defaults to lanes' `themes/`. */
  themesDir?: string;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute paths of the configuration files that were read, in merge order. */
  sources: string[];
}

/** One layer of configuration: where it came from (as shown to the user) and what it says. */
interface Layer {
  label: string;
  data: PlainObject;
}

const FLAGS_LABEL = 'command line';

/** Built-in defaults (SPEC §3). */
export const defaultConfig = (env: NodeJS.ProcessEnv): Config => ({
  agents: builtinPresets(env),
  defaultAgent: 'shell',
  base: undefined,
  branchPrefix: 'lanes/',
  worktreeDir: '{repoParent}/{repo}.lanes/{name}',
  setup: { copy: [], symlink: [], run: [] },
  verify: undefined,
  watch: { ignore: [] },
  keys: {},
  theme: 'dark',
  maxFps: 30,
  scrollback: 5000,
  notify: 'none',
});

const homeOf = (env: NodeJS.ProcessEnv): string => (env.HOME ? env.HOME : homedir());

/** `$XDG_CONFIG_HOME/lanes/config.json`; `~/.config/lanes/config.json` when unset or relative (XDG spec). */
export const userConfigPath = (env: NodeJS.ProcessEnv): string => {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homeOf(env), '.config');
  return join(base, 'lanes', 'config.json');
};

/** A path as shown in messages: relative to cwd when inside it, `~/…` when in the home folder. */
const displayPath = (path: string, cwd: string, env: NodeJS.ProcessEnv): string => {
  const fromCwd = relative(cwd, path);
  if (fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd)) return fromCwd;
  const home = homeOf(env);
  if (path.startsWith(home + sep)) return `~${sep}${path.slice(home.length + 1)}`;
  return path;
};

const parseLayer = (label: string, value: unknown): Layer => {
  const result = configFileSchema.safeParse(value, { reportInput: true });
  if (!result.success) throw new LanesError(formatIssues(label, result.error.issues, configFileSchema));
  return { label, data: result.data as PlainObject };
};

const readLayer = async (path: string, label: string): Promise<Layer | undefined> => {
  const file = await readJsonFile(path, label);
  return file === undefined ? undefined : parseLayer(label, file.value);
};

/** The label of the last layer that sets `path`: the file to blame for a bad merged value. */
const blame = (layers: readonly Layer[], path: readonly string[]): string =>
  [...layers].reverse().find((layer) => valueAt(layer.data, path) !== undefined)?.label ?? 'defaults';

const checkMerged = (merged: PlainObject, layers: readonly Layer[]): Config => {
  const config = merged as unknown as Config;
  for (const [name, preset] of Object.entries(config.agents)) {
    const result = agentPresetSchema.safeParse(preset, { reportInput: true });
    if (!result.success) {
      const issues = result.error.issues.map((issue) => ({ ...issue, path: ['agents', name, ...issue.path] }));
      const schema = z.object({ agents: z.record(z.string(), agentPresetSchema) });
      throw new LanesError(formatIssues(blame(layers, ['agents', name]), issues, schema));
    }
  }
  const presetNames = Object.keys(config.agents);
  if (!presetNames.includes(config.defaultAgent)) {
    throw new LanesError(
      `${blame(layers, ['defaultAgent'])}: defaultAgent: no agent preset named '${config.defaultAgent}'` +
        ` (available: ${presetNames.join(', ')})`,
    );
  }
  const prefixProblem = branchPrefixProblem(config.branchPrefix);
  if (prefixProblem) {
    throw new LanesError(
      `${blame(layers, ['branchPrefix'])}: branchPrefix: '${config.branchPrefix}' cannot start a branch name (${prefixProblem})`,
    );
  }
  const [keyProblem] = buildKeymap(config.keys).errors;
  if (keyProblem) {
    const command = /^keys\.([^:]+):/.exec(keyProblem)?.[1] ?? '';
    throw new LanesError(`${blame(layers, ['keys', command])}: ${keyProblem}`);
  }
  const dirProblem = worktreeDirProblem(config.worktreeDir);
  if (dirProblem) throw new LanesError(`${blame(layers, ['worktreeDir'])}: worktreeDir: ${dirProblem}`);
  return { ...config, verify: config.verify === '' ? undefined : config.verify };
};

/**
 * The configuration lanes runs with (SPEC §3). Later wins: defaults → user file → the repository's
 * `.lanes.json` → `--config FILE` → flags; objects merge key by key, arrays are replaced.
 * Throws a LanesError with one line naming the file, key path and expectation for any invalid file
 * (exit 1), or exit 2 when `--config` names a file that does not exist. Nothing is returned from a
 * partly valid configuration.
 */
export const loadConfig = async (options: LoadConfigOptions = {}): Promise<LoadedConfig> => {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const layers: Layer[] = [];
  const sources: string[] = [];

  const optionalFiles = [userConfigPath(env)];
  if (options.repoRoot !== undefined) optionalFiles.push(resolve(cwd, options.repoRoot, '.lanes.json'));
  for (const path of optionalFiles) {
    const layer = await readLayer(path, displayPath(path, cwd, env));
    if (layer) {
      layers.push(layer);
      sources.push(path);
    }
  }

  if (options.configFile !== undefined) {
    const path = resolve(cwd, options.configFile);
    const layer = await readLayer(path, options.configFile);
    if (!layer) throw usageError(`config file not found: ${options.configFile}`);
    layers.push(layer);
    sources.push(path);
  }

  if (options.flags) {
    const flags = Object.fromEntries(Object.entries(options.flags).filter(([, value]) => value !== undefined));
    layers.push(parseLayer(FLAGS_LABEL, flags));
  }

  let merged = defaultConfig(env) as unknown as PlainObject;
  for (const layer of layers) merged = deepMerge(merged, layer.data);
  const config = checkMerged(merged, layers);
  const themes = await listThemes(options.themesDir ?? themesDirectory());
  if (!themes.includes(config.theme)) {
    throw new LanesError(`${blame(layers, ['theme'])}: theme: no theme named '${config.theme}' (available: ${themes.join(', ')})`);
  }
  return { config, sources };
};
