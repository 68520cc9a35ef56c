import { LanesError } from '../../core/errors.js';
import { git, runGit, splitZ } from '../exec.js';

export interface UnmergedCommit {
  sha: string;
  subject: string;
}

/** How a tip's work is already in the base, or `false` when some of it is not. */
export type MergedAs = 'ancestor' | 'content' | 'merged-tip' | false;

export interface MergeCheck {
  mergedAs: MergedAs;
  /** Commits of the tip that are not in the base (after the merged tip, when one is known). */
  commits: UnmergedCommit[];
}

const read = { readOnly: true } as const;

/** The commit a base name stands for: `refs/heads/<base>` first, then any commit-ish. */
export const resolveBaseCommit = async (cwd: string, base: string): Promise<string> => {
  if (base === '' || base.startsWith('-')) throw new LanesError(`invalid base '${base}'`);
  for (const candidate of [`refs/heads/${base}`, base]) {
    const result = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`], { cwd, ...read });
    if (result.code === 0) return result.stdout.trim();
  }
  throw new LanesError(`base branch '${base}' does not exist`, { hint: 'lanes judges what would be lost against the base' });
};

/** True when `commit` names an existing commit. */
const isCommit = async (cwd: string, commit: string): Promise<boolean> =>
  (await runGit(['cat-file', '-e', `${commit}^{commit}`], { cwd, ...read })).code === 0;

/**
 * Is all of `tip` in `base` (git-and-process-safety §1.3, SPEC §7)? Merged when the tip is an
 * ancestor of the base, or when `git merge-tree --write-tree base tip` yields the base's own tree
 * (squash merges, rebases, cherry-picks: merging would change nothing). After a squash merge of
 * `mergedTip`, only commits after it count. Otherwise the commits not in the base are listed.
 */
export const checkMerged = async (cwd: string, tip: string, base: string, mergedTip?: string): Promise<MergeCheck> => {
  const ancestor = await runGit(['merge-base', '--is-ancestor', tip, base], { cwd, ...read });
  if (ancestor.code === 0) return { mergedAs: 'ancestor', commits: [] };
  const merged = await runGit(['merge-tree', '--write-tree', base, tip], { cwd, ...read });
  const baseTree = (await git(['rev-parse', `${base}^{tree}`], { cwd, ...read })).trim();
  if (merged.code === 0 && merged.stdout.split('\n')[0] === baseTree) return { mergedAs: 'content', commits: [] };

  const exclude = mergedTip !== undefined && (await isCommit(cwd, mergedTip)) ? [`^${mergedTip}`] : [];
  const log = await git(['log', '-z', '--format=%H%x00%s', tip, `^${base}`, ...exclude, '--'], { cwd, ...read });
  const fields = splitZ(log);
  const commits: UnmergedCommit[] = [];
  for (let index = 0; index + 1 < fields.length; index += 2) {
    commits.push({ sha: fields[index] ?? '', subject: fields[index + 1] ?? '' });
  }
  if (commits.length === 0) return { mergedAs: exclude.length > 0 ? 'merged-tip' : 'ancestor', commits };
  return { mergedAs: false, commits };
};
