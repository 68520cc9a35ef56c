import { defaultConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { AgentSpec } from '../../src/core/lane.js';

/**
 * A complete Config with the built-in defaults (no presets; the bell on), for tests that do not
 * load configuration files.
 */
export const testConfig = (overrides: Partial<Config> = {}): Config => ({ ...defaultConfig({}), agents: {}, notify: 'bell', ...overrides });

export const shellAgent: AgentSpec = { kind: 'preset', preset: 'shell', command: '/bin/sh', args: [] };
