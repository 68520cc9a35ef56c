import { z } from 'zod';

const isRegExp = (text: string): boolean => {
  try {
    new RegExp(text);
    return true;
  } catch {
    return false;
  }
};

/** One agent preset as lanes runs it (SPEC §3): `command` is required once files are merged. */
export const agentPresetSchema = z.strictObject({
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  resumeArgs: z.array(z.string()).optional(),
  prompt: z.enum(['arg', 'type', 'none']).optional(),
  /**
   * Regular expressions matched against the last lines of the agent's screen to refine its status:
   * `waiting` (the agent asks you something) wins over `busy` (it says it is working).
   */
  status: z
    .strictObject({
      busy: z.array(z.string().refine(isRegExp, 'expected a regular expression')).optional(),
      waiting: z.array(z.string().refine(isRegExp, 'expected a regular expression')).optional(),
    })
    .optional(),
});

/**
 * A preset as written in one configuration file. Files are merged key by key, so a file may change
 * only part of a preset defined earlier (`{ "claude": { "args": ["--model", "opus"] } }`);
 * a preset that is new must still end up with a `command` (checked after merging).
 */
export const agentPresetFileSchema = agentPresetSchema.partial();

/**
 * A preset name: shown in lists, messages and `agents.NAME` keys, so nothing a terminal would act
 * on (escape sequences, invisible characters) can hide in it.
 */
export const presetNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "not a valid preset name: use letters, digits, '.', '_' and '-', starting with a letter or digit");

/** The configuration file format; every key optional (SPEC §3). */
export const configFileSchema = z.strictObject({
  agents: z.record(presetNameSchema, agentPresetFileSchema).optional(),
  defaultAgent: z.string().min(1).optional(),
  base: z.string().min(1).optional(),
  branchPrefix: z.string().min(1).optional(),
  worktreeDir: z.string().min(1).optional(),
  setup: z
    .strictObject({
      copy: z.array(z.string()).optional(),
      symlink: z.array(z.string()).optional(),
      run: z.array(z.string()).optional(),
    })
    .optional(),
  /** An empty string turns off a `verify` set by an earlier file. */
  verify: z.string().optional(),
  watch: z.strictObject({ ignore: z.array(z.string()).optional() }).optional(),
  keys: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
  theme: z.string().min(1).optional(),
  maxFps: z.number().int().min(1).max(240).optional(),
  scrollback: z.number().int().min(0).max(1_000_000).optional(),
  notify: z.enum(['bell', 'none']).optional(),
});

export type AgentPreset = z.infer<typeof agentPresetSchema>;
export type ConfigFile = z.infer<typeof configFileSchema>;

/** The merged configuration lanes runs with: defaults filled in. */
export interface Config {
  agents: Record<string, AgentPreset>;
  defaultAgent: string;
  base: string | undefined;
  branchPrefix: string;
  worktreeDir: string;
  setup: { copy: string[]; symlink: string[]; run: string[] };
  /** Undefined when no file sets it (or the last one sets it to ""). */
  verify: string | undefined;
  watch: { ignore: string[] };
  keys: Record<string, string | string[]>;
  theme: string;
  maxFps: number;
  scrollback: number;
  notify: 'bell' | 'none';
  /**
   * The repository file's commands lanes holds back because that file is not trusted
   * (`lanes trust`): they are not in `setup.run`, `verify` or `agents` above. `line` is what a
   * refused or skipped command reports; `agents` are the held-back presets' names.
   */
  untrusted?: { line: string; keys: string[]; agents: string[] };
}
