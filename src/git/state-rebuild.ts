import { validateLaneName } from '../core/names.js';
import type { LaneRecord } from '../core/lane.js';
import { runGit, splitZ } from './exec.js';
import { resolveWorktreePath } from './paths.js';
import { mainBranch, type Repo } from './repo.js';
import { listWorktrees } from './worktrees.js';

export interface RebuildOptions {
  branchPrefix: string;
  /** Base recorded for rebuilt lanes; default: the branch checked out in the main worktree. */
  baseFallback?: string;
  /** `worktreeDir` template for lanes whose branch has no worktree. */
  worktreeDir: string;
  /** Clock, for tests. */
  now?: () => Date;
}

const HEADS = 'refs/heads/';

/** `refs/heads/<prefix>*` branches with their tips. */
const laneBranches = async (repo: Repo, prefix: string): Promise<Map<string, string>> => {
  const result = await runGit(['for-each-ref', '--format=%(refname)%00%(objectname)%00', `${HEADS}${prefix}`], {
    cwd: repo.commonDir,
    readOnly: true,
  });
  const tips = new Map<string, string>();
  if (result.code !== 0) return tips;
  // for-each-ref ends each record with a newline after the format; ref names cannot contain one.
  const fields = splitZ(result.stdout).map((field) => field.replace(/^\n/, ''));
  for (let index = 0; index + 1 < fields.length; index += 2) {
    const ref = fields[index] ?? '';
    const tip = fields[index + 1] ?? '';
    if (ref.startsWith(`${HEADS}${prefix}`)) tips.set(ref, tip);
  }
  return tips;
};

const mergeBase = async (repo: Repo, base: string | undefined, tip: string): Promise<string> => {
  if (base === undefined) return tip;
  const result = await runGit(['merge-base', `${HEADS}${base}`, tip], { cwd: repo.commonDir, readOnly: true });
  // No common history (or no such base): the tip is the only honest fork point left.
  return result.code === 0 ? result.stdout.trim() : tip;
};

/**
 * Reconstruct lane records from git alone (SPEC §1): every linked worktree on a
 * `refs/heads/<prefix><name>` branch, plus every such branch without a worktree (recorded at the
 * default path, where the UI shows it as missing). The main worktree never becomes a lane.
 */
export const rebuildLanesFromGit = async (repo: Repo, options: RebuildOptions): Promise<LaneRecord[]> => {
  const prefix = `${HEADS}${options.branchPrefix}`;
  const [worktrees, tips, checkedOut] = await Promise.all([
    listWorktrees(repo),
    laneBranches(repo, options.branchPrefix),
    mainBranch(repo),
  ]);
  const base = options.baseFallback ?? checkedOut;
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  const agent = { kind: 'preset' as const, preset: 'shell', command: process.env.SHELL || '/bin/sh', args: [] };

  const found = new Map<string, { branch: string; worktree: string; tip: string }>();
  for (const entry of worktrees.slice(1)) {
    if (!entry.branch?.startsWith(prefix) || entry.bare) continue;
    const name = entry.branch.slice(prefix.length);
    if (validateLaneName(name) !== undefined || found.has(name)) continue;
    const tip = entry.head ?? tips.get(entry.branch) ?? '';
    found.set(name, { branch: entry.branch.slice(HEADS.length), worktree: entry.path, tip });
  }
  const mainRef = worktrees[0]?.branch;
  for (const [ref, tip] of tips) {
    const name = ref.slice(prefix.length);
    if (ref === mainRef || validateLaneName(name) !== undefined || found.has(name)) continue;
    found.set(name, { branch: ref.slice(HEADS.length), worktree: resolveWorktreePath(repo, options.worktreeDir, name), tip });
  }

  const lanes: LaneRecord[] = [];
  for (const [name, lane] of found) {
    lanes.push({
      name,
      branch: lane.branch,
      worktree: lane.worktree,
      agent,
      base: base ?? '',
      forkPoint: await mergeBase(repo, base, lane.tip),
      createdAt,
      ready: false,
    });
  }
  return lanes.sort((a, b) => a.name.localeCompare(b.name));
};
