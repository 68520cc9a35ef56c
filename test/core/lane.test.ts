import { describe, expect, it } from 'vitest';
import { keepKnownFacts, type LaneRecord } from '../../src/core/lane.js';

const record = (patch: Partial<LaneRecord> = {}): LaneRecord => ({
  name: 'a',
  branch: 'lanes/a',
  worktree: '/w/a',
  agent: { kind: 'preset', preset: 'shell', command: 'sh', args: [] },
  base: 'main',
  forkPoint: 'f'.repeat(40),
  createdAt: '2026-01-01T00:00:00.000Z',
  ready: false,
  ...patch,
});

describe('keepKnownFacts', () => {
  it('keeps a started agent and a delivered prompt that a stale read does not show yet', () => {
    const known = record({ prompt: 'fix it', promptDelivered: true, hasStarted: true });
    const read = record({ prompt: 'fix it', ready: true });
    expect(keepKnownFacts(known, read)).toEqual({ ...read, promptDelivered: true, hasStarted: true });
  });

  it('takes everything else from the read, and a new prompt is not delivered yet', () => {
    const known = record({ prompt: 'old', promptDelivered: true });
    const read = record({ prompt: 'new', ready: true });
    expect(keepKnownFacts(known, read)).toEqual(read);
    expect(keepKnownFacts(record(), record({ hasStarted: true }))).toEqual(record({ hasStarted: true }));
  });
});
