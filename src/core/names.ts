/**
 * Lane names, branch names and worktree paths (SPEC §1). Pure: no I/O.
 */

/** Longest lane name: long enough to be descriptive, short enough for a pane title. */
export const MAX_LANE_NAME_LENGTH = 40;

const ALLOWED_CHARACTER = /^[a-z0-9._-]$/;
const STARTS_WITH_LETTER_OR_DIGIT = /^[a-z0-9]/;

/** Render a character for a message: control and invisible characters as escapes. */
const showCharacter = (character: string): string => {
  const code = character.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (character === ' ') return 'a space';
  return `'${character}'`;
};

/**
 * Check a lane name. Returns a sentence saying what is wrong, or undefined when the name is valid:
 * 1–40 characters of `[a-z0-9._-]`, starting with a letter or digit, no `..`, not ending in `.lock`
 * or `.`, no `/`. Every valid name also makes a valid branch name and a plain folder name.
 */
export const validateLaneName = (name: string): string | undefined => {
  const characters = [...name];
  if (characters.length === 0) return 'a lane name cannot be empty';
  if (characters.length > MAX_LANE_NAME_LENGTH) {
    return `a lane name has at most ${MAX_LANE_NAME_LENGTH} characters (this one has ${characters.length})`;
  }
  if (name.includes('/')) return "a lane name cannot contain '/'";
  const bad = characters.find((character) => !ALLOWED_CHARACTER.test(character));
  if (bad !== undefined) {
    return `${showCharacter(bad)} is not allowed: use lowercase letters, digits, '.', '_' and '-'`;
  }
  if (!STARTS_WITH_LETTER_OR_DIGIT.test(name)) return 'a lane name must start with a letter or a digit';
  if (name.includes('..')) return "a lane name cannot contain '..'";
  if (name.endsWith('.lock')) return "a lane name cannot end in '.lock'";
  if (name.endsWith('.')) return "a lane name cannot end in '.'";
  return undefined;
};

/** The short branch name of a lane, e.g. `lanes/fix-login` for prefix `lanes/`. */
export const branchNameFor = (prefix: string, name: string): string => `${prefix}${name}`;

/** Values substituted into the `worktreeDir` template. */
export interface WorktreePathVars {
  /** Folder name of the main worktree. */
  repo: string;
  /** The folder that contains the main worktree. */
  repoParent: string;
  /** Lane name. */
  name: string;
}

const TEMPLATE_TOKEN = /\{(repoParent|repo|name)\}/g;

/**
 * Fill in a `worktreeDir` template (`{repo}`, `{repoParent}`, `{name}`). Each token is replaced
 * once, so a value that itself contains `{name}` is not substituted again. The result is not
 * resolved: a relative result is resolved against `repoParent` by the caller.
 */
export const worktreePathFor = (template: string, vars: WorktreePathVars): string =>
  template.replace(TEMPLATE_TOKEN, (_match, token: string) => vars[token as keyof WorktreePathVars]);
