/**
 * How a lane's agent is started. `preset` names a configured agent preset; `cmd` is a command line
 * run with the user's shell (`lanes new --cmd`). `command`/`args` are resolved at creation time so a
 * lane keeps working when the configuration changes later.
 */
export type AgentSpec =
  | { kind: 'preset'; preset: string; command: string; args: string[]; env?: Record<string, string> }
  | { kind: 'cmd'; cmd: string };

/** One lane as recorded in `<git-common-dir>/lanes/state.json` (SPEC §1). */
export interface LaneRecord {
  name: string;
  /** Full branch name, e.g. `lanes/fix-login`. */
  branch: string;
  /** Absolute path of the lane's worktree. */
  worktree: string;
  agent: AgentSpec;
  /** Base branch name (short, e.g. `main`). */
  base: string;
  /** The base commit the lane was cut from. */
  forkPoint: string;
  /** ISO timestamp. */
  createdAt: string;
  ready: boolean;
  /** ISO time the lane was marked ready: the merge queue takes lanes in this order. */
  readyAt?: string;
  scope?: string[];
  /** A first task prompt, delivered once when the agent first starts. */
  prompt?: string;
  /** True once the prompt has been delivered (so a restart does not send it again). */
  promptDelivered?: boolean;
  /** True once an agent ran for the lane: later starts use the preset's `resumeArgs`. */
  hasStarted?: boolean;
  /** Set while the process with this pid is still running the lane's setup; agents wait for it. */
  setupPid?: number;
  /**
   * Set by the last successful merge: the lane's branch tip that was merged (`tip`), when, and the
   * base commit it produced (`result`). Work after a squash merge is `tip..branch`.
   */
  merged?: { tip: string; at: string; result: string };
  /** Files the last merge attempt conflicted on; cleared by a successful merge. */
  conflict?: string[];
}

/** Runtime status of a lane's agent (SPEC §1, §10). `stopped`: no agent is running for it. */
export type LaneStatus =
  | { kind: 'starting' }
  | { kind: 'busy' }
  | { kind: 'waiting' }
  | { kind: 'paused' }
  | { kind: 'exited'; code: number; signal?: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'missing' }
  | { kind: 'stopped' };

export const statusLabel = (status: LaneStatus): string => {
  switch (status.kind) {
    case 'exited':
      return status.signal ? `exited (signal ${status.signal})` : status.code < 0 ? 'exited' : `exited (${status.code})`;
    case 'failed':
      return `failed (${status.reason})`;
    default:
      return status.kind;
  }
};

/**
 * A record read from the state file, keeping what a running UI already knows to be true: a read
 * that started before the UI's own write landed must not make the agent look never started or its
 * prompt undelivered (a restart would then type the prompt again).
 */
export const keepKnownFacts = (known: LaneRecord, read: LaneRecord): LaneRecord => ({
  ...read,
  ...(known.hasStarted === true ? { hasStarted: true } : {}),
  ...(known.promptDelivered === true && known.prompt === read.prompt ? { promptDelivered: true } : {}),
});

/** The variable every process of a lane inherits from its agent (app/controller.ts sets it). */
export const LANE_MARKER_VARIABLE = 'LANES_WORKTREE';

/** The exact environment entry that marks a process as started in the lane with this worktree. */
export const laneMarker = (worktree: string): string => `${LANE_MARKER_VARIABLE}=${worktree}`;
