import { homedir } from 'node:os';
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { LanesError, usageError } from '../core/errors.js';
import { branchPrefixProblem, worktreeDirProblem } from './checks.js';
import { formatIssues } from './format-issues.js';
import { parseJson, readJsonFile, readRegularFile } from './json-file.js';
import { deepMerge, isPlainObject, valueAt, type PlainObject } from './merge.js';
import { buildKeymap } from '../core/keymap.js';
import { builtinPresets } from './presets.js';
import { agentPresetSchema, configFileSchema, type Config, type ConfigFile } from './schema.js';
import { listThemes, themesDirectory } from './theme.js';
import { commandsDigest, commandsOf, defaultAgentEntry, isTrustedIn, lanesConfigDir, printable, readTrust, sha256Of, untrustedLine, type RepoFileTrust } from './trust.js';

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
  /** What lanes runs with: an untrusted repository file's commands are held back (`config.untrusted`). */
  config: Config;
  /** Absolute paths of the configuration files that were read, in merge order. */
  sources: string[];
  /** The repository's `.lanes.json` as judged for trust, when there is one. */
  repoFile?: RepoFileTrust;
  /** The configuration once the repository file is trusted (from the same bytes); only when it is not yet. */
  whenTrusted?: Config;
  /** One-line notices for the user: ignored presets, an unusable trust file. */
  notices: string[];
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
export const userConfigPath = (env: NodeJS.ProcessEnv): string => join(lanesConfigDir(env), 'config.json');

/** A path as shown in messages: relative to cwd when inside it, `~/…` when in the home folder. */
const displayPath = (path: string, cwd: string, env: NodeJS.ProcessEnv): string => {
  const fromCwd = relative(cwd, path);
  if (fromCwd && !fromCwd.startsWith('..') && !isAbsolute(fromCwd)) return fromCwd;
  const home = homeOf(env);
  if (path.startsWith(home + sep)) return `~${sep}${path.slice(home.length + 1)}`;
  return path;
};

/** A bad merged value in one line; the value may come from a cloned repository, so it is escaped. */
const configError = (line: string): LanesError => new LanesError(printable(line));

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
    throw configError(
      `${blame(layers, ['defaultAgent'])}: defaultAgent: no agent preset named '${config.defaultAgent}'` +
        ` (available: ${presetNames.join(', ')})`,
    );
  }
  const prefixProblem = branchPrefixProblem(config.branchPrefix);
  if (prefixProblem) {
    throw configError(
      `${blame(layers, ['branchPrefix'])}: branchPrefix: '${config.branchPrefix}' cannot start a branch name (${prefixProblem})`,
    );
  }
  const [keyProblem] = buildKeymap(config.keys).errors;
  if (keyProblem) {
    const command = /^keys\.([^:]+):/.exec(keyProblem)?.[1] ?? '';
    throw configError(`${blame(layers, ['keys', command])}: ${keyProblem}`);
  }
  const dirProblem = worktreeDirProblem(config.worktreeDir);
  if (dirProblem) throw configError(`${blame(layers, ['worktreeDir'])}: worktreeDir: ${dirProblem}`);
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

  const notices: string[] = [];
  const userPath = userConfigPath(env);
  const userLayer = await readLayer(userPath, displayPath(userPath, cwd, env));
  if (userLayer) {
    layers.push(userLayer);
    sources.push(userPath);
  }
  // `--config FILE` is read first (it is merged after the repository file): what the user's own
  // layers say decides what in the repository file needs trust.
  let configLayer: { layer: Layer; path: string } | undefined;
  if (options.configFile !== undefined) {
    const path = resolve(cwd, options.configFile);
    const layer = await readLayer(path, options.configFile);
    if (!layer) throw usageError(`config file not found: ${options.configFile}`);
    configLayer = { layer, path };
  }
  let repo: RepoLayer | undefined;
  if (options.repoRoot !== undefined) {
    // The user's presets, from their config file and from --config FILE alike.
    const known = [userLayer, configLayer?.layer].flatMap((layer) => Object.keys(valueAt(layer?.data ?? {}, ['agents']) ?? {}));
    const userDefault = valueAt(userLayer?.data ?? {}, ['defaultAgent']) as string | undefined;
    const laterDefault = valueAt(configLayer?.layer.data ?? {}, ['defaultAgent']) as string | undefined;
    repo = await readRepoLayer(resolve(cwd, options.repoRoot), {
      env,
      cwd,
      userPresets: known,
      // undefined: a later layer decides the default agent, whatever the repository says.
      userDefaultAgent: laterDefault === undefined ? (userDefault ?? defaultConfig(env).defaultAgent) : undefined,
    });
    if (repo) {
      layers.push(repo.layer);
      sources.push(repo.trust.path);
      notices.push(...repo.notices);
    }
  }
  if (configLayer) {
    layers.push(configLayer.layer);
    sources.push(configLayer.path);
  }

  if (options.flags) {
    const flags = Object.fromEntries(Object.entries(options.flags).filter(([, value]) => value !== undefined));
    layers.push(parseLayer(FLAGS_LABEL, flags));
  }

  const mergeAll = (all: readonly Layer[]): PlainObject => all.reduce((merged, layer) => deepMerge(merged, layer.data), defaultConfig(env) as unknown as PlainObject);
  // Everything is validated as if trusted, so a file is never half accepted.
  const config = checkMerged(mergeAll(layers), layers);
  const themes = await listThemes(options.themesDir ?? themesDirectory());
  if (!themes.includes(config.theme)) {
    throw configError(`${blame(layers, ['theme'])}: theme: no theme named '${config.theme}' (available: ${themes.join(', ')})`);
  }
  if (!repo) return { config, sources, notices };
  const { trust } = repo;
  if (trust.isTrusted) return { config, sources, notices, repoFile: trust };
  // Held back: the values the other layers give setup.run, verify, worktreeDir and defaultAgent,
  // and none of the file's presets.
  const without = mergeAll(layers.map((layer) => (layer === repo.layer ? { ...layer, data: withoutCommands(layer.data) } : layer)));
  const verify = valueAt(without, ['verify']) as string | undefined;
  const agentNames = Object.keys(valueAt(repo.layer.data, ['agents']) ?? {});
  const held: Config = {
    ...config,
    setup: { ...config.setup, run: valueAt(without, ['setup', 'run']) as string[] },
    verify: verify === '' ? undefined : verify,
    worktreeDir: valueAt(without, ['worktreeDir']) as string,
    defaultAgent: valueAt(without, ['defaultAgent']) as string,
    agents: Object.fromEntries(Object.entries(config.agents).filter(([name]) => !agentNames.includes(name))),
    untrusted: { line: untrustedLine(trust.label, trust.keys), keys: trust.keys, agents: agentNames },
  };
  return { config: held, sources, notices, repoFile: trust, whenTrusted: config };
};

interface RepoLayer {
  layer: Layer;
  trust: RepoFileTrust;
  notices: string[];
}

/** A repository layer without the keys that run something (or say where lanes runs git). */
const withoutCommands = (data: PlainObject): PlainObject => {
  const { agents: _agents, verify: _verify, worktreeDir: _worktreeDir, defaultAgent: _defaultAgent, setup, ...rest } = data;
  if (!isPlainObject(setup)) return rest;
  const { run: _run, ...keptSetup } = setup;
  return { ...rest, setup: keptSetup };
};

/**
 * The repository's `.lanes.json`: read safely (a regular file inside the repository, size-limited),
 * validated, its presets that would replace a built-in or user preset ignored with a notice, and
 * judged for trust by the sha256 of the exact bytes parsed.
 */
const readRepoLayer = async (
  root: string,
  options: { env: NodeJS.ProcessEnv; cwd: string; userPresets: string[]; userDefaultAgent: string | undefined },
): Promise<RepoLayer | undefined> => {
  // The trust record names the file by its real folder, however the repository was reached.
  const realRoot = await realpath(root).catch(() => root);
  const path = join(realRoot, '.lanes.json');
  const label = displayPath(path, options.cwd, options.env);
  const bytes = await readRegularFile(path, label, { root: realRoot });
  if (bytes === undefined) return undefined;
  const layer = parseLayer(label, parseJson(bytes.toString('utf8'), label));
  const notices: string[] = [];
  const ignored: string[] = [];
  const agents = valueAt(layer.data, ['agents']);
  if (isPlainObject(agents)) {
    const builtin = Object.keys(builtinPresets(options.env));
    const kept: PlainObject = {};
    for (const [name, preset] of Object.entries(agents)) {
      const owner = builtin.includes(name) ? 'the built-in' : options.userPresets.includes(name) ? 'your' : undefined;
      if (owner === undefined) Object.defineProperty(kept, name, { value: preset, enumerable: true, writable: true, configurable: true });
      else {
        ignored.push(`agents.${name}`);
        notices.push(printable(`${label}: agents.${name} ignored: a repository cannot change ${owner} preset '${name}' (give it another name)`));
      }
    }
    layer.data = { ...layer.data, agents: kept };
  }
  const commands = commandsOf(layer.data as ConfigFile);
  // A default agent other than the user's picks which preset starts (their own "yolo" one, say).
  const defaultAgent = valueAt(layer.data, ['defaultAgent']);
  if (typeof defaultAgent === 'string' && options.userDefaultAgent !== undefined && defaultAgent !== options.userDefaultAgent) {
    commands.push(defaultAgentEntry(defaultAgent));
  }
  const keys = [...new Set(commands.map((entry) => entry.key))];
  const sha256 = sha256Of(bytes);
  const commandsSha256 = commandsDigest(commands);
  let isTrusted = commands.length === 0;
  if (!isTrusted) {
    const store = await readTrust(options.env);
    if (store.problem !== undefined) notices.push(store.problem);
    isTrusted = isTrustedIn(store, path, sha256, commandsSha256);
  }
  return { layer, notices, trust: { path, label, sha256, commandsSha256, commands, keys, ignored, isTrusted } };
};
