import { readdir, readFile, readlink } from 'node:fs/promises';
import { sep } from 'node:path';
import { git, splitZ } from '../exec.js';

/** One entry of `git status --porcelain=v2 -z`. */
export interface StatusEntry {
  path: string;
  /** tracked: staged or unstaged change; unmerged: a conflict; untracked / ignored: not in the index. */
  kind: 'tracked' | 'unmerged' | 'untracked' | 'ignored';
  /** The old path of a rename or copy in the index. */
  from?: string;
}

/** Number of space-separated fields before the path, per record type (git-status(1), porcelain v2). */
const FIELDS_BEFORE_PATH: Record<string, number> = { '1': 8, '2': 9, u: 10 };

/**
 * Parse `git status --porcelain=v2 -z`: `1 …fields path`, `2 …fields path NUL origPath`,
 * `u …fields path`, `? path`, `! path`. Header lines (`# …`) are skipped. Paths may hold spaces.
 */
export const parseStatusV2Z = (output: string): StatusEntry[] => {
  const records = splitZ(output);
  const entries: StatusEntry[] = [];
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as string;
    const type = record.charAt(0);
    if (type === '?' || type === '!') {
      entries.push({ path: record.slice(2), kind: type === '?' ? 'untracked' : 'ignored' });
      continue;
    }
    const fields = FIELDS_BEFORE_PATH[type];
    if (fields === undefined) continue;
    let at = 0;
    for (let n = 0; n < fields && at !== -1; n++) at = record.indexOf(' ', at + (n === 0 ? 0 : 1));
    if (at === -1) continue;
    const path = record.slice(at + 1);
    if (type === '2') {
      const from = records[i + 1];
      i += 1;
      entries.push(from === undefined ? { path, kind: 'tracked' } : { path, kind: 'tracked', from });
    } else entries.push({ path, kind: type === 'u' ? 'unmerged' : 'tracked' });
  }
  return entries;
};

/**
 * Staged, unstaged and untracked (not ignored) changes of the worktree at `cwd`. Read-only
 * (`--no-optional-locks`): never refreshes, so never takes, the index of the worktree it reads.
 */
export const readStatus = async (cwd: string): Promise<StatusEntry[]> =>
  parseStatusV2Z(await git(['status', '--porcelain=v2', '-z', '--untracked-files=all'], { cwd, readOnly: true }));

/** Every path a status names: both sides of a rename. */
export const statusPaths = (entries: readonly StatusEntry[]): string[] => {
  const paths = new Set<string>();
  for (const entry of entries) {
    paths.add(entry.path);
    if (entry.from !== undefined) paths.add(entry.from);
  }
  return [...paths].sort();
};

/** At most `max` items joined for a one-line message, with the rest counted. */
export const listForLine = (items: readonly string[], max = 5): string => {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} (+${items.length - max} more)` : shown;
};

const isInside = (path: string, dir: string): boolean => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Processes whose working directory is `dir` or inside it (Linux `/proc/<pid>/cwd`; elsewhere an
 * empty list). With `gitOnly`, only git processes (`comm` starting with `git`): a git command run
 * with `-C dir` has changed into `dir`, so this finds any git that may hold a lock there.
 */
export const processesIn = async (dir: string, options: { gitOnly?: boolean } = {}): Promise<number[]> => {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const cwd = await readlink(`/proc/${name}/cwd`);
      if (!isInside(cwd, dir)) continue;
      if (options.gitOnly) {
        const comm = (await readFile(`/proc/${name}/comm`, 'utf8')).trim();
        if (!comm.startsWith('git')) continue;
      }
      found.push(pid);
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
};
