import { access } from 'node:fs/promises';
import { isLanesError } from '../../core/errors.js';
import { git, runGit, splitZ } from '../exec.js';
import { checkoutRefusal, findBaseCheckout, operationInProgress, type BaseCheckout } from './checkout.js';
import { commitsBetween, isAncestor, mergeMessage, mergeSides, mergeTree, refTip, treeOf } from './build.js';
import { readStatus, statusPaths } from './status.js';
import type { CommitSummary, MergePlan, PlanInput } from './types.js';

const short = (sha: string): string => sha.slice(0, 7);

/** The lane worktree's HEAD commit and symbolic ref (undefined when detached), or undefined when unreadable. */
const readWorktreeHead = async (worktree: string): Promise<{ head: string; ref: string | undefined } | undefined> => {
  if (!(await access(worktree).then(() => true, () => false))) return undefined;
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: worktree, readOnly: true });
  if (head.code !== 0) return undefined;
  const ref = await runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: worktree, readOnly: true });
  return { head: head.stdout.trim(), ref: ref.code === 0 ? ref.stdout.trim() : undefined };
};

/** Base commits in `range` (newest first) with the files each changed, keeping those that touch `paths`. */
const baseCommitsTouching = async (cwd: string, range: string[], paths: ReadonlySet<string>): Promise<Array<CommitSummary & { files: string[] }>> => {
  if (paths.size === 0) return [];
  const output = await git(['log', '-z', '--no-renames', '--diff-merges=first-parent', '--name-only', '--format=%x01%H%x1f%s', ...range, '--'], {
    cwd,
    readOnly: true,
  });
  const touching: Array<CommitSummary & { files: string[] }> = [];
  for (const chunk of output.split('\x01').slice(1)) {
    const [header = '', ...rest] = chunk.split('\0');
    const [sha = '', subject = ''] = header.split('\x1f');
    // After the header, git puts a newline before the first file name.
    const files = rest.map((path, index) => (index === 0 ? path.replace(/^\n/, '') : path)).filter((path) => path !== '');
    const hits = files.filter((path) => paths.has(path));
    if (hits.length > 0) touching.push({ sha, subject, files: hits });
  }
  return touching;
};

const checkoutPath = (checkout: BaseCheckout): string | undefined => (checkout.kind === 'nowhere' ? undefined : checkout.path);

const emptyPlan = (input: PlanInput, fields: Partial<MergePlan> & { refusal: string }): MergePlan => ({
  lane: input.lane,
  base: input.lane.base,
  baseTip: '',
  branchTip: '',
  worktreeHead: undefined,
  since: '',
  commits: [],
  files: [],
  behind: 0,
  baseCommitsTouchingLane: [],
  uncommitted: [],
  checkout: undefined,
  prediction: { clean: false, conflicts: [] },
  message: '',
  ...fields,
});

/**
 * What merging the lane into its base would do (SPEC §6.2), without changing anything: no ref, no
 * index and no worktree is written (only objects: `merge-tree --write-tree` writes the merged
 * tree). `refusal` says, in one line, why the merge cannot go ahead; uncommitted changes are listed
 * in `uncommitted` rather than refused, since the merge can commit them first.
 */
export const planMerge = async (input: PlanInput): Promise<MergePlan> => {
  const { repo, lane } = input;
  const cwd = repo.commonDir;
  const baseTip = await refTip(cwd, `refs/heads/${lane.base}`);
  if (!baseTip) return emptyPlan(input, { refusal: `the base branch ${lane.base} does not exist` });
  const branchTip = await refTip(cwd, `refs/heads/${lane.branch}`);
  if (!branchTip) return emptyPlan(input, { baseTip, refusal: `the lane's branch ${lane.branch} does not exist` });

  const worktree = await readWorktreeHead(lane.worktree);
  const uncommitted = worktree ? statusPaths(await readStatus(lane.worktree).catch(() => [])) : [];
  const checkout = await findBaseCheckout(repo, lane.base);

  let sides;
  try {
    sides = await mergeSides(cwd, lane, baseTip, branchTip);
  } catch (error) {
    if (!isLanesError(error)) throw error;
    return emptyPlan(input, { baseTip, branchTip, worktreeHead: worktree?.head, uncommitted, checkout: checkoutPath(checkout), refusal: error.line });
  }
  const { since } = sides;
  const exclude = since === lane.merged?.tip ? [baseTip, since] : [baseTip];
  const commits = await commitsBetween(cwd, branchTip, exclude);
  const files = splitZ(await git(['diff', '--name-only', '-z', '--no-renames', since, branchTip, '--'], { cwd, readOnly: true }));
  const behind = Number((await git(['rev-list', '--count', baseTip, `^${branchTip}`, '--'], { cwd, readOnly: true })).trim());
  const baseRange = since === lane.merged?.tip && lane.merged ? [baseTip, `^${branchTip}`, `^${lane.merged.result}`] : [baseTip, `^${branchTip}`];
  const baseCommitsTouchingLane = await baseCommitsTouching(cwd, baseRange, new Set([...files, ...uncommitted]));
  const prediction = await mergeTree(cwd, sides.ours, branchTip);

  const plan: MergePlan = {
    lane,
    base: lane.base,
    baseTip,
    branchTip,
    worktreeHead: worktree?.head,
    since,
    commits,
    files,
    behind,
    baseCommitsTouchingLane,
    uncommitted,
    checkout: checkoutPath(checkout),
    prediction,
    message: mergeMessage(lane, commits, input.squash ?? false),
  };
  const refusal = await planRefusal(plan, worktree, checkout, cwd);
  return refusal === undefined ? plan : { ...plan, refusal };
};

/** The first reason the merge cannot go ahead, in the order SPEC §6.1 lists them. */
const planRefusal = async (
  plan: MergePlan,
  worktree: { head: string; ref: string | undefined } | undefined,
  checkout: BaseCheckout,
  cwd: string,
): Promise<string | undefined> => {
  const { lane } = plan;
  if (!worktree) return `the lane's worktree ${lane.worktree} is missing or unreadable`;
  if (worktree.ref === undefined) return `the lane's worktree is on a detached HEAD (${short(worktree.head)}), not on ${lane.branch}; its real HEAD is what would be merged`;
  if (worktree.ref !== `refs/heads/${lane.branch}`) return `the lane's worktree is on ${worktree.ref.replace(/^refs\/heads\//, '')}, not on ${lane.branch}`;
  // Committing its work then would conclude a half-resolved merge, conflict markers and all.
  const operation = await operationInProgress(lane.worktree);
  if (operation) return `the lane's worktree is ${operation}; finish it there first`;
  if (plan.uncommitted.length === 0) {
    const isInBase = await isAncestor(cwd, plan.branchTip, plan.baseTip);
    const isNoOp = plan.prediction.clean && plan.prediction.tree === (await treeOf(cwd, plan.baseTip));
    if (isInBase || isNoOp) return `nothing to merge: ${lane.branch} has no changes that are not already in ${lane.base}`;
  }
  if (checkout.kind === 'missing') return `the base branch ${lane.base} is checked out in ${checkout.path}, which is missing`;
  if (checkout.kind === 'worktree') {
    if (checkout.state) return `the base checkout ${checkout.path} is ${checkout.state}; finish it there first`;
    return checkoutRefusal(checkout.path, lane.base);
  }
  return undefined;
};
