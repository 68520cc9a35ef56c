import { withAgentPaused, type Pausable } from './host-link.js';
import type { KeyEvent } from '../core/input.js';
import type { LaneRecord } from '../core/lane.js';
import { mergeLane, planMerge, type MergeOutcome, type MergePlan } from '../git/merge/index.js';
import type { Controller } from './controller.js';
import { conflictRequest, describeOutcome } from './merge-text.js';
import { notify, type MergeDialog } from './store.js';

/** Verify output kept for the dialog: its last lines, enough to see why it failed. */
const OUTPUT_LINES = 200;

const dialog = (controller: Controller): MergeDialog | undefined => {
  const { overlay } = controller.store.getState();
  return overlay?.kind === 'merge' ? overlay : undefined;
};

const update = (controller: Controller, patch: Partial<MergeDialog>): void => {
  const current = dialog(controller);
  if (current) controller.store.setState({ overlay: { ...current, ...patch } });
};

const summarize = (plan: MergePlan): string[] => {
  const lines = [`${plan.commits.length} commit${plan.commits.length === 1 ? '' : 's'}, ${plan.files.length} file${plan.files.length === 1 ? '' : 's'} → ${plan.base}`];
  for (const commit of plan.commits.slice(-6)) lines.push(`  ${commit.sha.slice(0, 8)} ${commit.subject}`);
  if (plan.commits.length > 6) lines.push(`  … and ${plan.commits.length - 6} earlier`);
  if (plan.behind > 0) {
    lines.push(`behind ${plan.base} by ${plan.behind}; ${plan.baseCommitsTouchingLane.length} of those commits touch this lane's files`);
    for (const commit of plan.baseCommitsTouchingLane.slice(0, 3)) lines.push(`  ${commit.sha.slice(0, 8)} ${commit.subject} (${commit.files.join(', ')})`);
  }
  if (plan.uncommitted.length > 0) lines.push(`uncommitted in the lane: ${plan.uncommitted.slice(0, 4).join(', ')}${plan.uncommitted.length > 4 ? ', …' : ''}`);
  lines.push(plan.prediction.clean ? 'predicted: merges cleanly' : `predicted: conflicts in ${plan.prediction.conflicts.join(', ')}`);
  return lines;
};

/** `m` (one lane) or `M` (every ready lane, in the order marked): open the dialog with the plan. */
export const openMerge = async (controller: Controller, names: string[]): Promise<void> => {
  const { repo } = controller.deps;
  if (!repo) return;
  if (names.length === 0) {
    notify(controller.store, 'no lane is marked ready: r marks the focused lane', 'warning');
    return;
  }
  controller.store.setState({
    overlay: { kind: 'merge', lanes: names, phase: 'loading', squash: false, commitWip: false, summary: [], refusal: undefined, uncommitted: 0, output: [], result: undefined },
  });
  await replan(controller);
};

const recordOf = (controller: Controller, name: string): LaneRecord | undefined => controller.lanes.get(name)?.record;

const replan = async (controller: Controller): Promise<void> => {
  const current = dialog(controller);
  const { repo } = controller.deps;
  if (!current || !repo) return;
  const first = recordOf(controller, current.lanes[0] ?? '');
  if (!first) return;
  try {
    const plan = await planMerge({ repo, lane: first, squash: current.squash });
    const summary = current.lanes.length > 1 ? [`${current.lanes.length} ready lanes, one after another: ${current.lanes.join(', ')}`, `first, ${first.name}:`, ...summarize(plan)] : summarize(plan);
    // A merge never skips its verification silently: an untrusted verify refuses it.
    const { untrusted } = controller.deps.config;
    const refusal = plan.refusal ?? (untrusted?.keys.includes('verify') ? untrusted.line : undefined);
    update(controller, { phase: 'plan', summary, refusal, uncommitted: plan.uncommitted.length });
  } catch (error) {
    update(controller, { phase: 'plan', refusal: error instanceof Error ? error.message : String(error) });
  }
};

/** Keys of the merge dialog. */
export const handleMergeKey = (controller: Controller, key: KeyEvent): void => {
  const current = dialog(controller);
  if (!current) return;
  if (current.phase === 'running' || current.phase === 'loading') return;
  if (key.name === 'escape' || key.name === 'q' || (current.phase === 'done' && key.name === 'enter')) {
    controller.store.setState({ overlay: undefined });
    return;
  }
  if (current.phase === 'done') {
    const conflict = current.result?.conflict;
    const record = conflict ? recordOf(controller, conflict.lane) : undefined;
    if (key.name === 'a' && conflict && record) {
      // The resolution happens in the lane's worktree, by its agent: lanes only asks.
      if (controller.host.write(record.name, `${conflictRequest(record, conflict.files)}\r`)) notify(controller.store, `asked lane ${record.name}'s agent to merge ${record.base} and resolve`);
      else notify(controller.store, `lane ${record.name}'s agent is not running or paused: start it, then ask again`, 'warning');
      controller.store.setState({ overlay: undefined });
    }
    return;
  }
  if (key.name === 's') {
    update(controller, { squash: !current.squash, phase: 'loading' });
    void replan(controller);
  } else if (key.name === 'c' && current.uncommitted > 0) update(controller, { commitWip: !current.commitWip });
  else if ((key.name === 'enter' || key.name === 'y') && !current.refusal && (current.uncommitted === 0 || current.commitWip)) void run(controller);
};

const run = async (controller: Controller): Promise<void> => {
  const current = dialog(controller);
  const { repo, config, stateStore } = controller.deps;
  if (!current || !repo || current.refusal) return;
  update(controller, { phase: 'running', output: [] });
  let output: string[] = [];
  const onVerifyOutput = (chunk: string): void => {
    output = [...output, ...chunk.replace(/\r/g, '').split('\n')].slice(-OUTPUT_LINES);
    update(controller, { output });
  };
  const merged: string[] = [];
  let last: { name: string; base: string; outcome: MergeOutcome } | undefined;
  for (const name of current.lanes) {
    const lane = recordOf(controller, name);
    if (!lane) continue;
    const outcome = await mergeLane({
      repo,
      lane,
      stateStore,
      squash: current.squash,
      commitWip: current.commitWip,
      aroundWip: (lane, commit) => withAgentPaused(pausableHost(controller), lane, commit),
      ...(config.verify ? { verify: config.verify, onVerifyOutput } : {}),
      onNotice: (lines) => lines.forEach((line) => notify(controller.store, line, 'warning')),
    }).catch((error: unknown): MergeOutcome => ({ kind: 'refused', reason: error instanceof Error ? error.message : String(error) }));
    last = { name, base: lane.base, outcome };
    if (outcome.kind !== 'merged') break;
    merged.push(name);
    // The next lane sees the base this merge produced.
    await controller.sync();
  }
  await controller.afterMerge();
  if (!last) return;
  const text = describeOutcome(last.name, last.base, last.outcome);
  const prefix = current.lanes.length > 1 ? `merged ${merged.length} of ${current.lanes.length}${merged.length < current.lanes.length ? `; stopped at ${last.name}: ` : ': '}` : '';
  const isSuccess = last.outcome.kind === 'merged';
  update(controller, {
    phase: 'done',
    result: { text: prefix + text, isSuccess, ...(last.outcome.kind === 'conflict' ? { conflict: { lane: last.name, files: last.outcome.files } } : {}) },
  });
  notify(controller.store, prefix + text, isSuccess ? 'info' : 'warning');
};

/** The UI's host as {@link Pausable}: the merge's work-in-progress commit pauses the agent. */
const pausableHost = (controller: Controller): Pausable => ({
  isRunning: (lane) => controller.host.running().includes(lane),
  isPaused: (lane) => controller.host.isPaused(lane),
  pause: (lane) => controller.host.pause(lane),
  resume: (lane) => controller.host.resume(lane),
});
