import type { Config } from '../../src/config/schema.js';
import type { AgentSpec } from '../../src/core/lane.js';

/** A complete Config with the built-in defaults, for tests that do not load configuration files. */
export const testConfig = (overrides: Partial<Config> = {}): Config => ({
  agents: {},
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
  notify: 'bell',
  ...overrides,
});

export const shellAgent: AgentSpec = { kind: 'preset', preset: 'shell', command: '/bin/sh', args: [] };
