import { createHash } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { LanesError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';
import { writeFileAtomic } from '../git/atomic-file.js';
import { withFileLock } from '../git/file-lock.js';
import { readRegularFile } from './json-file.js';
import type { ConfigFile } from './schema.js';

/**
 * Consent for a repository's commands (issue 7 item 1). A cloned repository brings its
 * `.lanes.json`; what it would run (`setup.run`, `verify`, its own agent presets) runs only after
 * the user trusted that file's exact bytes with `lanes trust`. Trust is kept per file path with
 * the sha256 of the content, in the user's config folder, so an edit needs trust again.
 */

/** `$XDG_CONFIG_HOME/lanes`; `~/.config/lanes` when unset or relative (XDG spec). */
export const lanesConfigDir = (env: NodeJS.ProcessEnv): string => {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME ? env.HOME : homedir(), '.config');
  return join(base, 'lanes');
};

export const trustFilePath = (env: NodeJS.ProcessEnv): string => join(lanesConfigDir(env), 'trust.json');

export const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** One command a repository file defines, as shown before trusting it. */
export interface CommandEntry {
  /** The key it comes from: `setup.run`, `verify`, `agents.NAME`, `worktreeDir`, `defaultAgent`. */
  key: string;
  /** What it runs, control characters escaped. */
  run: string;
}

/** The repository file as lanes judged it: what it would run and whether that is trusted. */
export interface RepoFileTrust {
  /** Absolute path of the file (the key of its trust record). */
  path: string;
  /** The path as shown in messages. */
  label: string;
  /** sha256 of the exact bytes read (and parsed): what `lanes trust` records. */
  sha256: string;
  /**
   * sha256 of `commands` as shown: recorded next to `sha256`, since the same bytes may show other
   * commands later (a repository preset hidden by a user preset of its name becomes active when
   * the user's goes).
   */
  commandsSha256: string;
  commands: CommandEntry[];
  /** The distinct keys of `commands`, in order. */
  keys: string[];
  /** Presets of the file that were ignored because they would replace a built-in or user preset. */
  ignored: string[];
  /** True when the file defines no commands or its content is trusted. */
  isTrusted: boolean;
}

/**
 * Escape what a terminal would act on instead of showing (escape sequences, carriage returns,
 * bidirectional marks and overrides) and what it would show as nothing (zero-width and invisible
 * characters, Hangul fillers, tag characters): a command shown for consent must read as what runs.
 */
export const printable = (text: string): string =>
  text.replace(
    /[\x00-\x1f\x7f-\x9f\u061c\u115f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\u{e0000}-\u{e007f}]/gu,
    (c) => `\\u{${c.codePointAt(0)?.toString(16) ?? ''}}`,
  );

/** The commands a (validated) repository file defines, after its ignored presets were removed. */
export const commandsOf = (file: ConfigFile): CommandEntry[] => {
  const entries: CommandEntry[] = [];
  for (const command of file.setup?.run ?? []) entries.push({ key: 'setup.run', run: printable(command) });
  // An empty verify runs nothing, but turns off the user's own check before merging.
  if (file.verify !== undefined) entries.push({ key: 'verify', run: file.verify === '' ? "'' (turns off the check before merging)" : printable(file.verify) });
  for (const [name, preset] of Object.entries(file.agents ?? {})) {
    const words = [preset.command ?? '(no command)', ...(preset.args ?? [])].map(shellQuote).join(' ');
    const env = Object.entries(preset.env ?? {}).map(([key, value]) => `${key}=${shellQuote(value)}`);
    const extras = [
      ...(env.length > 0 ? [`env ${env.join(' ')}`] : []),
      ...(preset.resumeArgs && preset.resumeArgs.length > 0 ? [`resumes with ${preset.resumeArgs.map(shellQuote).join(' ')}`] : []),
    ];
    entries.push({ key: `agents.${name}`, run: printable(extras.length > 0 ? `${words} (${extras.join('; ')})` : words) });
  }
  // Not a command, but where lanes checks out and runs git: a folder chosen by the repository could
  // be one whose files git obeys (core.fsmonitor in ~/.config/git), so it waits for trust too.
  if (file.worktreeDir !== undefined) entries.push({ key: 'worktreeDir', run: `lanes are checked out at ${printable(file.worktreeDir)}` });
  return entries;
};

/** A repository `defaultAgent` that differs from the user's: it chooses what new lanes run. */
export const defaultAgentEntry = (name: string): CommandEntry => ({ key: 'defaultAgent', run: `new lanes start preset '${printable(name)}' when none is chosen` });

/** The digest of a command list as shown (see `RepoFileTrust.commandsSha256`). */
export const commandsDigest = (commands: readonly CommandEntry[]): string =>
  sha256Of(Buffer.from(JSON.stringify(commands.map((entry) => [entry.key, entry.run])), 'utf8'));

/** The commands of the file, one per line, keys aligned. */
export const describeCommands = (file: Pick<RepoFileTrust, 'commands'>): string[] => {
  const width = Math.max(0, ...file.commands.map((entry) => entry.key.length));
  return file.commands.map((entry) => `  ${entry.key.padEnd(width)}  ${entry.run}`);
};

/** The one line every refused or skipped repository command is reported with. */
export const untrustedLine = (label: string, keys: readonly string[]): string =>
  printable(`${label} defines commands (${keys.join(', ')}): run lanes trust to allow them`);

const trustFileSchema = z.strictObject({
  version: z.literal(1),
  files: z.record(
    z.string(),
    // `commandsSha256` is missing in records of earlier versions: those trust nothing any more.
    z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), commandsSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(), trustedAt: z.string() }),
  ),
});

type TrustRecords = z.infer<typeof trustFileSchema>['files'];

export interface TrustStore {
  files: TrustRecords;
  /** Why the trust file could not be used (then nothing is trusted); undefined when it is fine. */
  problem: string | undefined;
  /** True when a trust file exists (usable or not). */
  exists: boolean;
}

/**
 * Read the trust file. Never throws: a file that is missing trusts nothing; one that is not valid,
 * not a regular file, or writable by others trusts nothing either and says why in `problem`.
 */
export const readTrust = async (env: NodeJS.ProcessEnv): Promise<TrustStore> => {
  const path = trustFilePath(env);
  const broken = (why: string): TrustStore => ({ files: {}, exists: true, problem: `${path}: ${why}; nothing is trusted (lanes trust writes it anew)` });
  let bytes: Buffer | undefined;
  try {
    // The user's own folder: a link to their dotfiles is fine, so any real file may be the target.
    bytes = await readRegularFile(path, path, { root: '/' });
    if (bytes === undefined) return { files: {}, exists: false, problem: undefined };
    const info = await stat(path);
    // Someone else who can write it could trust a repository for this user.
    if ((info.mode & 0o022) !== 0 || (process.getuid !== undefined && info.uid !== process.getuid())) {
      return broken('writable by another user');
    }
  } catch (error) {
    return broken(error instanceof LanesError ? error.message.replace(`${path}: `, '') : String(error));
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return broken('not valid JSON');
  }
  const parsed = trustFileSchema.safeParse(value);
  if (!parsed.success) return broken('not a lanes trust file');
  return { files: parsed.data.files, exists: true, problem: undefined };
};

/** True when `path` is trusted with exactly this content, showing exactly these commands. */
export const isTrustedIn = (store: TrustStore, path: string, sha256: string, commandsSha256: string): boolean => {
  const record = Object.hasOwn(store.files, path) ? store.files[path] : undefined;
  return record !== undefined && record.sha256 === sha256 && record.commandsSha256 === commandsSha256;
};

/**
 * Change the trust file under its lock: read it, apply `change`, write it atomically with mode
 * 0600 (the folder is made 0700). A trust file that cannot be used is kept aside as
 * `trust.json.corrupt-<time>` first, never overwritten.
 */
const updateTrust = async (env: NodeJS.ProcessEnv, change: (files: TrustRecords) => TrustRecords): Promise<void> => {
  const dir = lanesConfigDir(env);
  const path = trustFilePath(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await withFileLock(
    `${path}.lock`,
    async () => {
      const current = await readTrust(env);
      if (current.problem !== undefined) await rename(path, `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`).catch(() => undefined);
      const files = change({ ...current.files });
      const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
      await writeFileAtomic(path, `${JSON.stringify({ version: 1, files: sorted }, null, 2)}\n`);
    },
    { label: 'the lanes trust file' },
  );
};

/** Record that the file at `path` with content `sha256`, showing the commands of `commandsSha256`, may run them. */
export const recordTrust = async (env: NodeJS.ProcessEnv, path: string, sha256: string, commandsSha256: string): Promise<void> =>
  updateTrust(env, (files) => ({ ...files, [path]: { sha256, commandsSha256, trustedAt: new Date().toISOString() } }));

/** Forget the trust of the file at `path`; true when there was one. */
export const revokeTrust = async (env: NodeJS.ProcessEnv, path: string): Promise<boolean> => {
  let had = false;
  await updateTrust(env, (files) => {
    had = Object.hasOwn(files, path);
    return Object.fromEntries(Object.entries(files).filter(([key]) => key !== path));
  });
  return had;
};
