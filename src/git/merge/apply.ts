import { access, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { git, runGit, splitZ } from '../exec.js';
import type { Repo } from '../repo.js';
import { changedBetween } from '../touched.js';
import { refTip } from './build.js';
import { checkoutRefusal, findBaseCheckout, gitPaths, pathsInTheWay } from './checkout.js';
import { listForLine, processesIn, readStatus, statusPaths } from './status.js';

export type ApplyOutcome = { ok: true } | { ok: false; reason: string };

export interface ApplyInput {
  base: string;
  baseTip: string;
  result: string;
  /** Where the base was checked out when the merge was planned (null: nowhere). */
  checkout: string | null;
  /** Merge-commit reflog message for `update-ref`. */
  reflogMessage: string;
}

export const BASE_MOVED = 'the base moved during the merge; try again';

/**
 * Time limit of a fast-forward or a checkout of the result: far above what a checkout of a very
 * large tree takes, so git is not killed part way through one in normal use.
 */
export const CHECKOUT_TIMEOUT_MS = 30 * 60_000;

/** git's reason in one line: its `fatal:` line (the one that stopped it), else its first `error:`, else its first line. */
const firstLine = (text: string): string => {
  const lines = text.trim().split('\n');
  return lines.find((line) => line.startsWith('fatal:')) ?? lines.find((line) => line.startsWith('error:')) ?? lines[0] ?? '';
};

/**
 * Move the base to the result (SPEC §6.4): `merge --ff-only` in the checkout that has the base,
 * re-checked clean right before; or, when no worktree has it checked out, a compare-and-swap
 * `update-ref` from the old tip. Never `update-ref` of a checked-out branch (it would leave a
 * reverse diff there), never a forced update. A base that moved since it was read is reported as
 * such and left alone.
 */
export const applyResult = async (repo: Repo, input: ApplyInput): Promise<ApplyOutcome> => {
  const { base, baseTip, result } = input;
  const ref = `refs/heads/${base}`;
  const now = await findBaseCheckout(repo, base);
  const nowPath = now.kind === 'nowhere' ? null : now.path;
  if (nowPath !== input.checkout) return { ok: false, reason: `where ${base} is checked out changed during the merge; try again` };
  if ((await refTip(repo.commonDir, ref)) !== baseTip) return { ok: false, reason: BASE_MOVED };

  if (input.checkout === null) {
    const updated = await runGit(['update-ref', '-m', input.reflogMessage, ref, result, baseTip], { cwd: repo.commonDir });
    if (updated.code === 0) return { ok: true };
    if ((await refTip(repo.commonDir, ref)) !== baseTip) return { ok: false, reason: BASE_MOVED };
    return { ok: false, reason: `the merge failed: ${firstLine(updated.stderr) || `git update-ref exit ${updated.code}`}; the base is unchanged` };
  }

  const checkout = input.checkout;
  const refusal = now.kind === 'worktree' && now.state ? `the base checkout ${checkout} is ${now.state}` : await checkoutRefusal(checkout, base);
  if (refusal) return { ok: false, reason: refusal };
  const added = splitZ(await git(['diff', '--name-only', '-z', '--no-renames', '--diff-filter=A', baseTip, result, '--'], { cwd: repo.commonDir, readOnly: true }));
  const blocked = await pathsInTheWay(checkout, added);
  if (blocked.length > 0) return { ok: false, reason: `the base checkout ${checkout} has files where the merge adds files: ${listForLine(blocked)}; move them first` };

  const merged = await runGit(['merge', '--ff-only', '--quiet', result], { cwd: checkout, timeoutMs: CHECKOUT_TIMEOUT_MS });
  if (merged.code === 0) return { ok: true };
  const why = `the merge failed: ${firstLine(merged.stderr) || `git merge --ff-only exit ${merged.code}`}`;
  if ((await refTip(repo.commonDir, ref)) !== baseTip) return { ok: false, reason: BASE_MOVED };
  // git refused before it wrote anything (someone changed the checkout since it was proven clean):
  // what is there is theirs, and nothing is rolled back.
  if (REFUSED_BEFORE_WRITING.test(merged.stderr)) return { ok: false, reason: `${why}; the base is unchanged` };
  // What a fast-forward that started and then failed left there (a smudge filter that failed, a
  // reference-transaction hook that refused the ref update, a full disk, a git killed by its time
  // limit) is put back as at the old tip — but only paths whose content is the merge's (or the old
  // tip's): an edit saved meanwhile is the user's, reported and never touched.
  const rollback = await rollBackCheckout(checkout, baseTip, result, { onlyMergeContent: true });
  return { ok: false, reason: rollback.ok ? `${why}; the base is unchanged` : `${why}; ${rollback.reason}` };
};

/** After a move: the base is at the result and its checkout (if any) clean on it. One line when not. */
export const checkApplied = async (repo: Repo, input: ApplyInput): Promise<string | undefined> => {
  const tip = await refTip(repo.commonDir, `refs/heads/${input.base}`);
  if (tip !== input.result) return `after the merge ${input.base} is at ${tip ?? 'nothing'}, not at the result ${input.result}`;
  if (input.checkout === null) return undefined;
  const head = (await git(['rev-parse', 'HEAD'], { cwd: input.checkout, readOnly: true })).trim();
  if (head !== input.result) return `after the merge the base checkout ${input.checkout} is at ${head}, not at the result`;
  const dirty = statusPaths(await readStatus(input.checkout));
  return dirty.length > 0 ? `after the merge the base checkout ${input.checkout} has changes: ${listForLine(dirty)}` : undefined;
};

/** git's refusals that come before it writes a file: the checkout is as the user left it. */
const REFUSED_BEFORE_WRITING = /would be overwritten by merge|untracked working tree files would be/;

/** The blob `rev` has at `path`, or undefined. */
const blobAt = async (cwd: string, rev: string, path: string): Promise<string | undefined> => {
  const found = await runGit(['rev-parse', '--verify', '--quiet', `${rev}:${path}`], { cwd, readOnly: true, env: LITERAL });
  return found.code === 0 ? found.stdout.trim() : undefined;
};

/**
 * Of `paths`, those whose file on disk is neither missing nor byte for byte what `old` or `result`
 * has there: content nobody but a person (or a tool) after the check could have written.
 */
const notAsMergeLeftIt = async (checkout: string, paths: readonly string[], old: string, result: string): Promise<string[]> => {
  const foreign: string[] = [];
  for (const path of paths) {
    const onDisk = await runGit(['hash-object', '--no-filters', '--', path], { cwd: checkout, readOnly: true });
    if (onDisk.code !== 0) continue; // gone (or not a file): nothing of anyone's to keep there
    const sha = onDisk.stdout.trim();
    if (sha !== (await blobAt(checkout, result, path)) && sha !== (await blobAt(checkout, old, path))) foreign.push(path);
  }
  return foreign;
};

/** `restore` takes many paths per call; a bound keeps the argument list far below the system limit. */
const PATHS_PER_CALL = 500;
/** Paths are file names, never patterns (a file may be called `*`). */
const LITERAL = { GIT_LITERAL_PATHSPECS: '1' };

/**
 * Undo a fast-forward from `old` to `result` that did not finish in checkout `checkout`
 * (git-and-process-safety §1.5, §8 F1): remove a stale `index.lock` (only when no git process works
 * there), then, if every dirty path is one the merge changes, put those paths back as they are in
 * `old` (`git restore --source=old --staged --worktree`; files the merge added are deleted). Dirt
 * outside the merge's paths is the user's: nothing is touched and the reason says what is there.
 */
export const rollBackCheckout = async (
  checkout: string,
  old: string,
  result: string,
  options: { onlyMergeContent?: boolean } = {},
): Promise<{ ok: true; restored: number } | { ok: false; reason: string; isBusy?: boolean }> => {
  if (!(await access(checkout).then(() => true, () => false))) return { ok: false, reason: `the base checkout ${checkout} is missing` };
  const [lock] = (await gitPaths(checkout, ['index.lock'])) ?? [];
  if (lock && (await access(lock).then(() => true, () => false))) {
    const running = await processesIn(checkout, { gitOnly: true });
    if (running.length > 0) return { ok: false, isBusy: true, reason: `a git process (pid ${running.join(', ')}) is still working in ${checkout}` };
    await unlink(lock).catch(() => undefined);
  }
  const status = await readStatus(checkout);
  const dirty = statusPaths(status);
  if (dirty.length === 0) return { ok: true, restored: 0 };
  const ours = await changedBetween(checkout, old, result);
  const notMerges = options.onlyMergeContent ? await notAsMergeLeftIt(checkout, dirty, old, result) : [];
  const outside = dirty.filter((path) => !ours.has(path) || notMerges.includes(path));
  if (outside.length > 0) return { ok: false, reason: `${checkout} has changes that are not the merge's: ${listForLine(outside)}; left as they are` };

  const inOld = new Set(splitZ(await git(['ls-tree', '-r', '-z', '--name-only', old], { cwd: checkout, readOnly: true })));
  const untracked = new Set(status.filter((entry) => entry.kind === 'untracked').map((entry) => entry.path));
  const toRestore = dirty.filter((path) => inOld.has(path) || !untracked.has(path));
  for (let i = 0; i < toRestore.length; i += PATHS_PER_CALL) {
    await git(['restore', `--source=${old}`, '--staged', '--worktree', '--', ...toRestore.slice(i, i + PATHS_PER_CALL)], { cwd: checkout, env: LITERAL });
  }
  for (const path of dirty.filter((candidate) => !inOld.has(candidate) && untracked.has(candidate))) {
    await unlink(join(checkout, path)).catch(() => undefined);
  }
  const left = statusPaths(await readStatus(checkout));
  if (left.length > 0) return { ok: false, reason: `${checkout} still has changes after the roll-back: ${listForLine(left)}` };
  return { ok: true, restored: dirty.length };
};
