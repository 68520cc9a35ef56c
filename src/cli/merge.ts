import { pausableOf, runningHost, withAgentPaused } from '../app/host-link.js';
import { createInterface } from 'node:readline/promises';
import { loadContext, reportRecovery } from '../app/context.js';
import { describeOutcome, findLane } from '../app/merge-text.js';
import { LanesError } from '../core/errors.js';
import { mergeLane, planMerge } from '../git/merge/index.js';
import type { GlobalOptions } from './main.js';

export interface MergeCliOptions {
  squash?: boolean;
  commitWip?: boolean;
  verify?: boolean;
  yes?: boolean;
}

/** `lanes merge NAME`: show the plan, ask (unless --yes), merge off-tree, verify, move the base. */
export const runMerge = async (global: GlobalOptions, name: string, options: MergeCliOptions, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  for (const notice of context.notices) process.stderr.write(`lanes: warning: ${notice}\n`);
  // A merge never skips its verification silently: an untrusted verify refuses the merge before
  // anything is read or touched (--no-verify is the user's explicit choice).
  const { untrusted } = context.config;
  if (options.verify !== false && untrusted?.keys.includes('verify')) throw new LanesError(untrusted.line);
  await reportRecovery(context);
  const { state } = await context.stateStore.load();
  const lane = findLane(state.lanes, name);
  const plan = await planMerge({ repo: context.repo, lane, ...(options.squash ? { squash: true } : {}) });
  if (plan.refusal) throw new LanesError(plan.refusal);
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`merge lane ${lane.name} (${lane.branch}) into ${plan.base}${options.squash ? ' as one squash commit' : ''}:`);
  out(`  ${plan.commits.length} commit${plan.commits.length === 1 ? '' : 's'}, ${plan.files.length} file${plan.files.length === 1 ? '' : 's'}`);
  for (const commit of plan.commits.slice(-10)) out(`    ${commit.sha.slice(0, 10)} ${commit.subject}`);
  if (plan.behind > 0) {
    out(`  behind ${plan.base} by ${plan.behind}; base commits touching this lane's files: ${plan.baseCommitsTouchingLane.length}`);
    for (const commit of plan.baseCommitsTouchingLane.slice(0, 5)) out(`    ${commit.sha.slice(0, 10)} ${commit.subject} (${commit.files.join(', ')})`);
  }
  if (plan.uncommitted.length > 0) {
    if (!options.commitWip) {
      throw new LanesError(`lane ${lane.name} has uncommitted changes (${plan.uncommitted.slice(0, 5).join(', ')}${plan.uncommitted.length > 5 ? ', …' : ''})`, {
        hint: 'commit them in the lane, or pass --commit-wip to commit them as work in progress',
      });
    }
    out(`  uncommitted: ${plan.uncommitted.length} file(s), committed first as work in progress`);
  }
  out(plan.prediction.clean ? '  predicted: merges cleanly' : `  predicted: conflicts in ${plan.prediction.conflicts.join(', ')}`);
  const verify = options.verify === false ? undefined : context.config.verify;
  if (verify) out(`  verify: ${verify}`);
  if (!options.yes) {
    if (!process.stdin.isTTY) throw new LanesError('merging needs a confirmation', { hint: 'pass --yes to merge without a terminal' });
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`merge into ${plan.base}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      out('not merged');
      return 1;
    }
  }
  // The agent is paused through the host while its work in progress is committed.
  const host = options.commitWip ? await runningHost(context).catch(() => undefined) : undefined;
  let outcome;
  try {
    outcome = await mergeLane({
      repo: context.repo,
      lane,
      stateStore: context.stateStore,
      aroundWip: (name, commit) => withAgentPaused(host ? pausableOf(host) : undefined, name, commit),
      ...(options.squash ? { squash: true } : {}),
      ...(options.commitWip ? { commitWip: true } : {}),
      ...(verify ? { verify, onVerifyOutput: (chunk: string) => process.stdout.write(chunk) } : {}),
      onNotice: (lines) => lines.forEach((line) => process.stderr.write(`lanes: ${line}\n`)),
    });
  } finally {
    await host?.close();
  }
  const text = describeOutcome(lane.name, plan.base, outcome);
  if (outcome.kind === 'merged') {
    out(text);
    return 0;
  }
  throw new LanesError(text);
};
