/** How a lane changed a file, relative to its fork point (SPEC §5). */
export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed';

/** One file in a lane's touched set. Paths are relative to the repository root, `/`-separated. */
export interface TouchedFile {
  path: string;
  kind: ChangeKind;
  /**
   * True when the lane's whole change to this path is in commits on its branch: nothing staged,
   * unstaged or untracked on top. A committed file edited again in the worktree is not committed.
   */
  committed: boolean;
  /** The old path of a rename. */
  from?: string;
}

const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Split `-z` output into records, dropping the empty record after the final NUL. */
const records = (output: string): string[] => {
  const parts = output.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
};

/**
 * Parse `git diff --name-status -z -M <fork> HEAD`: a status record (`A`, `M`, `D`, `T`, `R100`,
 * `C075`…) followed by one path, or by two (old, new) for renames and copies. A copy counts as an
 * added file; a type change or anything else unusual as modified.
 */
export const parseNameStatusZ = (output: string): TouchedFile[] => {
  const parts = records(output);
  const files: TouchedFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const status = parts[i] as string;
    const letter = status.charAt(0);
    if (letter === 'R' || letter === 'C') {
      const from = parts[i + 1];
      const to = parts[i + 2];
      i += 2;
      if (from === undefined || to === undefined) break;
      files.push(letter === 'R' ? { path: to, kind: 'renamed', committed: true, from } : { path: to, kind: 'added', committed: true });
      continue;
    }
    const path = parts[i + 1];
    i += 1;
    if (path === undefined) break;
    const kind: ChangeKind = letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified';
    files.push({ path, kind, committed: true });
  }
  return files;
};

/**
 * Parse `git status --porcelain=v1 -z --untracked-files=all`: records `XY path`, where a rename or
 * copy in the index (`X` = R or C) is followed by a record with the old path. `??` (untracked) and
 * a new file in the index (`A`, even when deleted again in the worktree) are added; a deletion in
 * the index or the worktree is deleted; everything else, unmerged paths included, is modified.
 */
export const parseStatusZ = (output: string): TouchedFile[] => {
  const parts = records(output);
  const files: TouchedFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const record = parts[i] as string;
    if (record.length < 4) continue;
    const x = record.charAt(0);
    const y = record.charAt(1);
    const path = record.slice(3);
    if (x === 'R' || x === 'C') {
      const from = parts[i + 1];
      i += 1;
      if (x === 'R' && from !== undefined) files.push({ path, kind: 'renamed', committed: false, from });
      else files.push({ path, kind: 'added', committed: false });
      continue;
    }
    const isUnmerged = x === 'U' || y === 'U' || (x === 'A' && y === 'A') || (x === 'D' && y === 'D');
    let kind: ChangeKind = 'modified';
    if (isUnmerged) kind = 'modified';
    else if ((x === '?' && y === '?') || x === 'A') kind = 'added';
    else if (x === 'D' || y === 'D') kind = 'deleted';
    files.push({ path, kind, committed: false });
  }
  return files;
};

/**
 * The kind of a path changed in commits and again in the worktree, relative to the fork point:
 * the worktree wins, except that an added or renamed file edited again stays added or renamed,
 * and a file deleted in a commit and created again is modified.
 */
const combineKinds = (committed: TouchedFile, worktree: TouchedFile): TouchedFile => {
  if (worktree.kind === 'modified' && (committed.kind === 'added' || committed.kind === 'renamed')) {
    return { ...committed, committed: false };
  }
  if (committed.kind === 'deleted' && worktree.kind === 'added') return { path: worktree.path, kind: 'modified', committed: false };
  return worktree;
};

/**
 * A lane's touched set: committed changes since the fork point ∪ worktree changes. For a path in
 * both, the worktree state wins (see {@link combineKinds}) and the file is not `committed`.
 * Sorted by path.
 */
export const mergeTouched = (committed: readonly TouchedFile[], worktree: readonly TouchedFile[]): TouchedFile[] => {
  const byPath = new Map<string, TouchedFile>();
  for (const file of committed) byPath.set(file.path, file);
  for (const file of worktree) {
    const earlier = byPath.get(file.path);
    byPath.set(file.path, earlier ? combineKinds(earlier, file) : file);
  }
  return [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path));
};

/** Counts for the pane title `+added ~modified -deleted`; a rename counts as modified. */
export const countKinds = (files: readonly TouchedFile[]): { added: number; modified: number; deleted: number } => {
  const counts = { added: 0, modified: 0, deleted: 0 };
  for (const file of files) {
    if (file.kind === 'added') counts.added += 1;
    else if (file.kind === 'deleted') counts.deleted += 1;
    else counts.modified += 1;
  }
  return counts;
};
