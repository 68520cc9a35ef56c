import { join } from 'node:path';
import { git, splitZ } from '../exec.js';
import { NESTED_SAFETY } from './nested.js';

/** What `git status` shows as work in one worktree, submodules looked into. */
export interface Dirt {
  /** Modified, staged, deleted, conflicted and untracked paths, and submodules at another commit. */
  dirty: string[];
  /** Paths inside submodules (recursively) that are modified or untracked there. */
  submoduleDirty: string[];
}

/** Submodules nested deeper than this are not looked into (a cycle of symlinks, a fork bomb of repos). */
const MAX_SUBMODULE_DEPTH = 8;

interface StatusEntry {
  path: string;
  xy: string;
  /** `N...` for a file; `S<c><m><u>` for a submodule (commit changed, modified, untracked). */
  sub: string;
}

/**
 * Parse `git status --porcelain=v2 -z` records: ordinary (`1`), renamed (`2`, followed by the
 * original path), unmerged (`u`) and untracked (`?`) entries; ignored (`!`) are skipped.
 */
export const parseStatusV2 = (output: string): StatusEntry[] => {
  const records = splitZ(output);
  const entries: StatusEntry[] = [];
  for (let index = 0; index < records.length; index++) {
    const record = records[index] ?? '';
    const kind = record.charAt(0);
    if (kind === '?') {
      entries.push({ path: record.slice(2), xy: '??', sub: 'N...' });
      continue;
    }
    // Fields before the path: 1 → 8, 2 → 9, u → 10 (space-separated; the path may contain spaces).
    const fieldCount = kind === '1' ? 8 : kind === '2' ? 9 : kind === 'u' ? 10 : 0;
    if (fieldCount === 0) continue;
    const fields = record.split(' ');
    const path = fields.slice(fieldCount).join(' ');
    entries.push({ path, xy: fields[1] ?? '', sub: fields[2] ?? 'N...' });
    if (kind === '2') index += 1;
  }
  return entries;
};

/** Inside submodules (git status runs in each), their hooks and fsmonitor never run (nested.ts). */
const statusOf = async (dir: string): Promise<StatusEntry[]> =>
  parseStatusV2(await git([...NESTED_SAFETY, 'status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignore-submodules=none'], { cwd: dir, readOnly: true }));

/**
 * The dirt of the worktree at `dir`. A submodule at another commit than recorded counts as dirty in
 * the worktree; changes inside a submodule are listed as `submoduleDirty`, recursively, because
 * `git worktree remove` needs `--force` for any worktree with submodules and would take them along
 * (git-and-process-safety §1.1).
 */
export const readDirt = async (dir: string, prefix = '', depth = 0): Promise<Dirt> => {
  const dirty: string[] = [];
  const submoduleDirty: string[] = [];
  for (const entry of await statusOf(dir)) {
    const isSubmodule = entry.sub.startsWith('S');
    if (!isSubmodule) {
      dirty.push(prefix + entry.path);
      continue;
    }
    const [, commitChanged, modified, untracked] = entry.sub;
    if (commitChanged === 'C' || entry.xy.charAt(0) !== '.') dirty.push(prefix + entry.path);
    if ((modified === 'M' || untracked === 'U') && depth < MAX_SUBMODULE_DEPTH) {
      const inner = await readDirt(join(dir, entry.path), `${prefix}${entry.path}/`, depth + 1).catch(() => ({
        dirty: [`${prefix}${entry.path}/`],
        submoduleDirty: [],
      }));
      submoduleDirty.push(...inner.dirty, ...inner.submoduleDirty);
    } else if (modified === 'M' || untracked === 'U') {
      submoduleDirty.push(`${prefix}${entry.path}/`);
    }
  }
  return { dirty, submoduleDirty };
};
