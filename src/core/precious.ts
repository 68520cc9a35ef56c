/**
 * Which ignored files are work (SPEC §7): `git worktree remove` deletes ignored files without a
 * word, so a teardown must know which of them a user would miss. Pure: no I/O.
 *
 * The rule: an ignored file is **regenerable** when one of its folders is a well-known dependency,
 * build or cache folder, or when its file name is a well-known compiled or operating-system
 * artifact. Every other ignored file is **precious**: `.env`, `.env.local`, `notes.log`,
 * `secrets/key.pem`, an editor's scratch file… Unknown means precious: keeping a file too many
 * costs a line in a refusal, losing one costs the user's work.
 */

/** Folders whose whole content a tool recreates (package installs, build outputs, caches). */
export const REGENERABLE_DIRS: readonly string[] = [
  'node_modules',
  'bower_components',
  'dist',
  'build',
  'target',
  'coverage',
  '.nyc_output',
  '.cache',
  '.parcel-cache',
  '.turbo',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.gradle',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.venv',
  'venv',
  '.eggs',
];

/** File name suffixes of compiled or generated files. */
const REGENERABLE_SUFFIXES: readonly string[] = ['.pyc', '.pyo', '.o', '.obj', '.class', '.tsbuildinfo'];

/** File names operating systems drop into folders. */
const REGENERABLE_NAMES: readonly string[] = ['.DS_Store', 'Thumbs.db', 'desktop.ini'];

const DIRS = new Set(REGENERABLE_DIRS);

/**
 * True when `path` (relative, `/`-separated, as git lists it) is an ignored file a tool can make
 * again. A trailing `/` (a folder as git lists it with `--directory`) is read as that folder.
 */
export const isRegenerable = (path: string): boolean => {
  const parts = path.split('/').filter((part) => part !== '');
  const name = path.endsWith('/') ? undefined : parts.pop();
  if (parts.some((part) => DIRS.has(part))) return true;
  if (name === undefined) return false;
  return REGENERABLE_NAMES.includes(name) || REGENERABLE_SUFFIXES.some((suffix) => name.endsWith(suffix) && name !== suffix);
};

/** True when an ignored file looks like work: everything {@link isRegenerable} does not claim. */
export const isPrecious = (path: string): boolean => !isRegenerable(path);

/** The precious ones of a list of ignored files, in their order. */
export const preciousFiles = (paths: readonly string[]): string[] => paths.filter(isPrecious);

/**
 * Pathspecs that keep git from listing regenerable folders at all (`git ls-files --ignored`
 * over a 100,000-file `node_modules` would otherwise list every file). The listed files still go
 * through {@link isPrecious}.
 */
export const regenerableExcludePathspecs = (): string[] => REGENERABLE_DIRS.map((dir) => `:(exclude,glob)**/${dir}/**`);
