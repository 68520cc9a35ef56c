import { loadConfig } from '../config/load.js';
import type { RepoFileTrust } from '../config/trust.js';
import type { Config } from '../config/schema.js';
import { resolveAgent, checkAgentCommand } from '../config/agent.js';
import { buildKeymap, type Keymap } from '../core/keymap.js';
import type { LaneRecord } from '../core/lane.js';
import { checkGitVersion, discoverRepo, resolveBase, type Repo } from '../git/repo.js';
import { assertLaneName, createLane } from '../git/lane-create.js';
import { recoverMerges } from '../git/merge/index.js';
import { Journal } from '../git/journal.js';
import { StateStore } from '../git/state.js';
import { recoverTeardowns } from '../git/teardown/index.js';
import type { NewLaneRequest } from './controller.js';

/** What every command needs: the repository, the merged configuration and the state file. */
export interface LanesContext {
  repo: Repo;
  config: Config;
  keymap: Keymap;
  stateStore: StateStore;
  /** The base branch and its tip now. */
  base: { branch: string; tip: string };
  env: NodeJS.ProcessEnv;
  /** The repository's `.lanes.json` as judged for trust, when there is one. */
  repoFile?: RepoFileTrust;
  /** The configuration once the repository file is trusted; only while it is not. */
  whenTrusted?: Config;
  /** One-line notices from loading the configuration (ignored presets, an unusable trust file). */
  notices: string[];
}

export interface ContextOptions {
  cwd: string;
  repo?: string;
  base?: string;
  config?: string;
  theme?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Find the repository, check git, load and validate the configuration. Every refusal is a
 * {@link LanesError} with one clear line; nothing is created before all checks passed.
 */
export const loadContext = async (options: ContextOptions): Promise<LanesContext> => {
  const env = options.env ?? process.env;
  await checkGitVersion();
  const repo = await discoverRepo(options.repo ?? options.cwd);
  const { config, repoFile, whenTrusted, notices } = await loadConfig({
    repoRoot: repo.mainWorktree,
    ...(options.config === undefined ? {} : { configFile: options.config }),
    flags: { ...(options.base === undefined ? {} : { base: options.base }), ...(options.theme === undefined ? {} : { theme: options.theme }) },
    env,
  });
  // The configuration loader already refused key maps with problems.
  const { keymap } = buildKeymap(config.keys);
  const base = await resolveBase(repo, config.base);
  const stateStore = new StateStore(repo, { branchPrefix: config.branchPrefix, baseFallback: base.branch, worktreeDir: config.worktreeDir });
  return { repo, config, keymap, stateStore, base, env, notices, ...(repoFile ? { repoFile } : {}), ...(whenTrusted ? { whenTrusted } : {}) };
};

/**
 * Create a lane from a request of the command line or the `n` dialog: resolve the agent, check
 * that its command exists, then create the worktree and branch and record the lane.
 */
export const newLane = async (
  context: LanesContext,
  request: NewLaneRequest,
  onProgress?: (line: string) => void,
): Promise<{ lane: LaneRecord; warnings: string[] }> => {
  // The name is checked first: a usage error (exit 2) wins over a missing agent (exit 1).
  assertLaneName(request.name);
  const agent = resolveAgent(context.config, { ...(request.agent === undefined ? {} : { agent: request.agent }), ...(request.cmd === undefined ? {} : { cmd: request.cmd }) });
  await checkAgentCommand(agent, context.env);
  const { untrusted } = context.config;
  // The lane is made without the untrusted setup commands (branches, worktrees, copies and links
  // run nothing), in the user's worktreeDir when the repository's is held back; the one trust line
  // says what was skipped.
  const skipped = untrusted?.keys.some((key) => key === 'setup.run' || key === 'worktreeDir') ? [untrusted.line] : [];
  const made = await createLane({
    repo: context.repo,
    config: context.config,
    store: context.stateStore,
    name: request.name,
    agent,
    ...(request.base === undefined ? {} : { base: request.base }),
    ...(request.prompt === undefined ? {} : { prompt: request.prompt }),
    ...(request.scope === undefined ? {} : { scope: request.scope }),
    ...(onProgress === undefined ? {} : { onProgress }),
  });
  return { lane: made.lane, warnings: [...skipped, ...made.warnings] };
};

/**
 * Finish or roll back what a crashed lanes process left half done (SPEC §8), as the UI does at its
 * start: every command that changes something runs it first, so a crash never waits for a UI start.
 * One line per entry.
 */
export const recoverInterrupted = async (context: LanesContext): Promise<string[]> => {
  // Nothing interrupted (the usual case): nothing is locked, created or written.
  if ((await new Journal(context.repo).interrupted()).length === 0) return [];
  const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  return [
    ...(await recoverMerges(context.repo, context.stateStore).catch((error: unknown) => [`could not check interrupted merges: ${reason(error)}`])),
    ...(await recoverTeardowns(context.repo, context.stateStore).catch((error: unknown) => [`could not check interrupted teardowns: ${reason(error)}`])),
  ];
};

/** {@link recoverInterrupted}, each line on stderr; the lines are returned too. */
export const reportRecovery = async (context: LanesContext): Promise<string[]> => {
  const lines = await recoverInterrupted(context);
  for (const line of lines) process.stderr.write(`lanes: ${line}\n`);
  return lines;
};
