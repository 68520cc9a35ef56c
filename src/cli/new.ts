import { loadContext, newLane, reportRecovery } from '../app/context.js';
import { startLaneAgent } from '../app/host-link.js';
import { assertLaneName } from '../git/lane-create.js';
import type { GlobalOptions } from './main.js';

export interface NewOptions {
  agent?: string;
  cmd?: string;
  base?: string;
  prompt?: string;
  scope?: string[];
}

/** `lanes new NAME`: create the worktree, branch and record, and start its agent in the lanes host. */
export const runNew = async (global: GlobalOptions, name: string, options: NewOptions, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global, ...(options.base === undefined ? {} : { base: options.base }) });
  // Bad input changes nothing: the name is checked before any recovery runs.
  assertLaneName(name);
  await reportRecovery(context);
  for (const notice of context.notices) process.stderr.write(`lanes: warning: ${notice}\n`);
  const { lane, warnings } = await newLane(
    context,
    {
      name,
      ...(options.agent === undefined ? {} : { agent: options.agent }),
      ...(options.cmd === undefined ? {} : { cmd: options.cmd }),
      ...(options.prompt === undefined ? {} : { prompt: options.prompt }),
      ...(options.base === undefined ? {} : { base: options.base }),
      ...(options.scope === undefined ? {} : { scope: options.scope }),
    },
    (line) => process.stdout.write(`  ${line}\n`),
  );
  process.stdout.write(`created lane ${lane.name}: branch ${lane.branch} off ${lane.base} at ${lane.forkPoint.slice(0, 10)}, worktree ${lane.worktree}\n`);
  for (const warning of warnings) process.stderr.write(`lanes: warning: ${warning}\n`);
  process.stdout.write(`${await startLaneAgent(context, lane, { resume: false })}\n`);
  return 0;
};

