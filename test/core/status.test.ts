import { describe, expect, it } from 'vitest';
import { BUSY_WINDOW_MS, deriveStatus, emptyActivity, isAgentOutput, nextStatusChange, STARTING_GRACE_MS, type LaneActivity } from '../../src/core/status.js';

const activity = (patch: Partial<LaneActivity>): LaneActivity => ({ ...emptyActivity(), ...patch });

describe('deriveStatus', () => {
  it('is stopped when no agent was started', () => {
    expect(deriveStatus(activity({}), 1000)).toEqual({ kind: 'stopped' });
  });

  it('is starting right after start, then waiting when the agent stays silent', () => {
    const a = activity({ startedAt: 0 });
    expect(deriveStatus(a, 10).kind).toBe('starting');
    expect(deriveStatus(a, STARTING_GRACE_MS + 1).kind).toBe('waiting');
  });

  it('is busy while output keeps coming and waiting once it stops', () => {
    const a = activity({ startedAt: 0, lastOutputAt: 5000 });
    expect(deriveStatus(a, 5000 + BUSY_WINDOW_MS - 1).kind).toBe('busy');
    expect(deriveStatus(a, 5000 + BUSY_WINDOW_MS + 1).kind).toBe('waiting');
  });

  it('counts file activity in the worktree as busy', () => {
    expect(deriveStatus(activity({ startedAt: 0, lastFileAt: 9000 }), 9500).kind).toBe('busy');
  });

  it('is waiting at once when the agent rang the bell after its last output', () => {
    expect(deriveStatus(activity({ startedAt: 0, lastOutputAt: 100, bellAt: 120 }), 200).kind).toBe('waiting');
    expect(deriveStatus(activity({ startedAt: 0, lastOutputAt: 130, bellAt: 120 }), 200).kind).toBe('busy');
  });

  it('stays waiting after the bell when file activity is reported late, until the agent prints again', () => {
    // The usual end of a task: write files, ring the bell; the watcher reports the writes 150 ms later.
    const a = activity({ startedAt: 0, lastOutputAt: 5000, bellAt: 5010, lastFileAt: 5160 });
    expect(deriveStatus(a, 5200).kind).toBe('waiting');
    expect(deriveStatus({ ...a, lastOutputAt: 5300 }, 5310).kind).toBe('busy');
  });

  it('orders terminal states: missing, failed, exited, paused', () => {
    const base = { startedAt: 0, lastOutputAt: 10 };
    expect(deriveStatus(activity({ ...base, isMissing: true, failure: 'x' }), 20)).toEqual({ kind: 'missing' });
    expect(deriveStatus(activity({ ...base, failure: 'command not found: x' }), 20)).toEqual({ kind: 'failed', reason: 'command not found: x' });
    expect(deriveStatus(activity({ ...base, exit: { code: 3, signal: 0 } }), 20)).toEqual({ kind: 'exited', code: 3 });
    expect(deriveStatus(activity({ ...base, exit: { code: 0, signal: 9 } }), 20)).toEqual({ kind: 'exited', code: 0, signal: 9 });
    expect(deriveStatus(activity({ ...base, isPaused: true }), 20)).toEqual({ kind: 'paused' });
  });
});

describe('echo and re-check timing', () => {
  it('treats output right after a keystroke as echo', () => {
    expect(isAgentOutput(1000, 950)).toBe(false);
    expect(isAgentOutput(1000, 500)).toBe(true);
    expect(isAgentOutput(1000, undefined)).toBe(true);
  });

  it('schedules the re-check when busy turns into waiting', () => {
    expect(nextStatusChange(activity({ startedAt: 0, lastOutputAt: 1000 }), 1500)).toBe(1000 + BUSY_WINDOW_MS);
    expect(nextStatusChange(activity({ startedAt: 0, lastOutputAt: 1000 }), 1000 + BUSY_WINDOW_MS)).toBeUndefined();
    expect(nextStatusChange(activity({ startedAt: 0 }), 10)).toBe(STARTING_GRACE_MS);
    expect(nextStatusChange(activity({ startedAt: 0, exit: { code: 0, signal: 0 } }), 10)).toBeUndefined();
  });
});
