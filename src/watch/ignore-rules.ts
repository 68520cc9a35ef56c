import { isAbsolute, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { runGit, splitZ } from '../git/exec.js';

/** Folder names never watched at any depth (SPEC §3 `watch.ignore`): git's own data, dependency trees. */
const ALWAYS_IGNORED = new Set(['.git', 'node_modules']);

/** What git ignores in a worktree right now: whole folders, and single files. Relative, `/`-separated. */
export interface GitIgnored {
  dirs: Set<string>;
  files: Set<string>;
}

/**
 * Untracked paths git ignores, one entry per wholly ignored folder (`--directory`), so a
 * gitignored `build/` of thousands of files is one line. Read-only: takes no index lock.
 * Undefined when git cannot list them (the worktree is gone or broken).
 */
export const listGitIgnored = async (root: string): Promise<GitIgnored | undefined> => {
  const result = await runGit(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'], { cwd: root, readOnly: true });
  if (result.code !== 0) return undefined;
  const ignored: GitIgnored = { dirs: new Set(), files: new Set() };
  for (const path of splitZ(result.stdout)) {
    if (path.endsWith('/')) ignored.dirs.add(path.slice(0, -1));
    else ignored.files.add(path);
  }
  return ignored;
};

/** True when two listings ignore the same folders (files do not change what is watched). */
export const sameIgnoredDirs = (a: GitIgnored, b: GitIgnored): boolean => a.dirs.size === b.dirs.size && [...a.dirs].every((dir) => b.dirs.has(dir));

/**
 * Decides whether a path under a worktree is watched: never `.git` or `node_modules` (any depth),
 * nothing git ignores (as listed by {@link listGitIgnored}), nothing matched by the configured
 * `watch.ignore` patterns (gitignore syntax: `dist/`, `*.log`, `docs/**`).
 */
export class IgnoreRules {
  private readonly extra: Ignore;

  constructor(
    private readonly root: string,
    extraIgnore: readonly string[],
    readonly gitIgnored: GitIgnored,
  ) {
    this.extra = ignore().add([...extraIgnore]);
  }

  /** `isDir` undefined: the type is unknown, so folder-only patterns are tried too. */
  isIgnored(path: string, isDir?: boolean): boolean {
    const rel = relative(this.root, path);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return false;
    const segments = rel.split(sep);
    let prefix = '';
    for (const segment of segments) {
      if (ALWAYS_IGNORED.has(segment)) return true;
      prefix = prefix === '' ? segment : `${prefix}/${segment}`;
      if (this.gitIgnored.dirs.has(prefix)) return true;
    }
    if (this.gitIgnored.files.has(prefix)) return true;
    if (isDir !== true && this.extra.ignores(prefix)) return true;
    return isDir !== false && this.extra.ignores(`${prefix}/`);
  }
}
