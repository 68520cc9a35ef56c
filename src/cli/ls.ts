import { access } from 'node:fs/promises';
import { loadContext } from '../app/context.js';
import { readUiStatus } from '../app/ui-status.js';
import { runningHost } from '../app/host-link.js';
import { OtherProtocolError } from '../host/connect.js';
import type { TerminalInfo } from '../protocol/messages.js';
import { readLaneOverlaps } from '../app/lane-overlaps.js';
import { aheadBehind, branchTip, sharesHistory, unrelatedHistory } from '../git/lane-info.js';
import { listArchives } from '../git/teardown/index.js';
import { halfMadeWorktrees } from '../git/worktrees.js';
import type { GlobalOptions } from './main.js';

/** One lane in `lanes ls --json` (documented in the README; keep stable). */
export interface LaneJson {
  name: string;
  branch: string;
  worktree: string;
  agent: string;
  base: string;
  forkPoint: string;
  status: string;
  ready: boolean;
  merged: boolean;
  ahead: number;
  behind: number;
  dirty: number;
  touched: string[];
  overlaps: string[];
  conflict: string[];
  outOfScope: string[];
  /** The agent's pid while the host runs it, else null. */
  pid: number | null;
}

/**
 * A lane's status without a UI: what the host says of its agent (running, paused, exited with its
 * code, failed), or `stopped` when the host holds none.
 */
const hostStatus = (info: TerminalInfo | undefined): string => {
  if (!info) return 'stopped';
  if (info.state === 'running') return info.isPaused ? 'paused' : 'running';
  if (info.state === 'failed') return `failed (${info.failure ?? 'unknown'})`;
  if (info.state === 'exited') return info.exit?.signal ? `exited (signal ${info.exit.signal})` : `exited (${info.exit?.code ?? '?'})`;
  return 'starting';
};

/** `lanes ls [--json]`. */
export const runLs = async (global: GlobalOptions, options: { json?: boolean; archived?: boolean }, cwd = process.cwd()): Promise<number> => {
  const context = await loadContext({ cwd, ...global });
  if (options.archived) {
    const archives = await listArchives(context.repo);
    if (options.json) process.stdout.write(`${JSON.stringify(archives.map(({ lane, ref, commit, at }) => ({ lane, ref, commit, at })), null, 2)}\n`);
    else if (archives.length === 0) process.stdout.write('no archives: lanes rm writes one before every teardown\n');
    else for (const a of archives) process.stdout.write(`${a.lane}  ${a.at}  ${a.commit.slice(0, 10)}  ${a.ref}\n`);
    return 0;
  }
  const { state, recoveredFrom } = await context.stateStore.load();
  if (recoveredFrom) process.stderr.write(`lanes: warning: the state file was unreadable; backed up to ${recoveredFrom} and rebuilt from git\n`);
  const ui = await readUiStatus(context.stateStore.dir);
  // A host that cannot be reached shows its lanes as stopped; one of another protocol version is
  // said in one line (its agents run: "stopped" would be wrong).
  const host = await runningHost(context).catch((error: unknown) => {
    if (error instanceof OtherProtocolError) throw error;
    return undefined;
  });
  const held = host?.welcome.terminals ?? [];
  await host?.close();
  const { touched, overlaps, outOfScope } = await readLaneOverlaps(context.repo.mainWorktree, state.lanes);
  const halfMade = await halfMadeWorktrees(context.repo);
  const isHalfMade = (path: string): boolean => halfMade.some(({ entry }) => entry.path === path);
  for (const lane of state.lanes) {
    if (!(await sharesHistory(context.repo.mainWorktree, lane))) process.stderr.write(`lanes: warning: ${unrelatedHistory(lane).line}\n`);
  }
  const json: LaneJson[] = await Promise.all(
    state.lanes.map(async (lane) => {
      const exists = await access(lane.worktree).then(
        () => true,
        () => false,
      );
      const files = touched.get(lane.name) ?? [];
      const mine = overlaps.filter((o) => o.lanes.includes(lane.name));
      const { ahead, behind } = await aheadBehind(context.repo.mainWorktree, lane);
      const tip = await branchTip(context.repo.mainWorktree, lane.branch);
      return {
        name: lane.name,
        branch: lane.branch,
        worktree: lane.worktree,
        agent: lane.agent.kind === 'preset' ? lane.agent.preset : lane.agent.cmd,
        base: lane.base,
        forkPoint: lane.forkPoint,
        status: !exists ? 'missing' : isHalfMade(lane.worktree) ? 'incomplete' : (ui?.statuses[lane.name] ?? hostStatus(held.find((t) => t.id === lane.name))),
        ready: lane.ready,
        // Merged: its last merge took the branch as it is now (no work added since).
        merged: lane.merged !== undefined && lane.merged.tip === tip,
        ahead,
        behind,
        dirty: files.filter((f) => !f.committed).length,
        touched: files.map((f) => f.path),
        overlaps: mine.map((o) => o.path),
        conflict: [...new Set([...(lane.conflict ?? []), ...mine.filter((o) => o.conflict === true).map((o) => o.path)])].sort(),
        outOfScope: outOfScope.get(lane.name) ?? [],
        pid: held.find((t) => t.id === lane.name && t.state === 'running')?.pid ?? null,
      };
    }),
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return 0;
  }
  const unrecorded = halfMade.filter(({ entry }) => !state.lanes.some((lane) => lane.worktree === entry.path));
  for (const { entry, why } of unrecorded) process.stderr.write(`lanes: worktree ${entry.path} is incomplete: ${why}; lanes doctor says what to do\n`);
  if (json.length === 0) {
    process.stdout.write('no lanes yet: lanes new NAME creates one\n');
    return 0;
  }
  const table = [
    ['NAME', 'STATUS', 'PID', 'BRANCH', 'AGENT', '↑AHEAD ↓BEHIND', 'DIRTY', 'OVERLAPS', 'WORKTREE'],
    ...json.map((l) => [l.name, l.status, l.pid === null ? '-' : String(l.pid), l.branch, l.agent, `↑${l.ahead} ↓${l.behind}`, String(l.dirty), String(l.overlaps.length), l.worktree]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...(row[i] ?? '')].length)));
  for (const row of table) {
    process.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}\n`);
  }
  return 0;
};
