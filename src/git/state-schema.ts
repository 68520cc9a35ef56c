import { z } from 'zod';
import type { LaneRecord } from '../core/lane.js';

const agentSchema = z.discriminatedUnion('kind', [
  z.looseObject({
    kind: z.literal('preset'),
    preset: z.string().min(1),
    command: z.string().min(1),
    args: z.array(z.string()),
    env: z.record(z.string(), z.string()).optional(),
  }),
  z.looseObject({ kind: z.literal('cmd'), cmd: z.string().min(1) }),
]);

/**
 * One lane record. Loose: fields written by a newer lanes survive a read-modify-write by this one
 * instead of being dropped.
 */
export const laneRecordSchema = z.looseObject({
  name: z.string().min(1),
  branch: z.string().min(1),
  worktree: z.string().min(1),
  agent: agentSchema,
  base: z.string(),
  forkPoint: z.string(),
  createdAt: z.string(),
  ready: z.boolean(),
  readyAt: z.string().optional(),
  scope: z.array(z.string()).optional(),
  prompt: z.string().optional(),
  promptDelivered: z.boolean().optional(),
  hasStarted: z.boolean().optional(),
  setupPid: z.number().int().optional(),
  merged: z.looseObject({ tip: z.string().min(1), at: z.string(), result: z.string().min(1) }).optional(),
  conflict: z.array(z.string()).optional(),
});

/** The state file: `<git-common-dir>/lanes/state.json`. */
export interface LanesState {
  version: 1;
  lanes: LaneRecord[];
}

const topLevelSchema = z.looseObject({ version: z.literal(1), lanes: z.array(z.unknown()) });

export const emptyState = (): LanesState => ({ version: 1, lanes: [] });

/** What a state file's text turned out to be. */
export type ParsedState =
  | { kind: 'ok'; state: LanesState }
  /** The top level is fine but some lane records are not: `valid` keeps the others with their data. */
  | { kind: 'partial'; valid: LaneRecord[]; invalid: number }
  | { kind: 'corrupt'; reason: string };

/**
 * Parse and validate a state file, one lane record at a time, so one bad record never drops the
 * others. A repeated name keeps its first record.
 */
export const parseState = (text: string): ParsedState => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `not JSON (${(error as Error).message})` };
  }
  const top = topLevelSchema.safeParse(json);
  if (!top.success) return { kind: 'corrupt', reason: 'not a lanes state (version 1)' };
  const valid: LaneRecord[] = [];
  const names = new Set<string>();
  let invalid = 0;
  for (const raw of top.data.lanes) {
    const lane = laneRecordSchema.safeParse(raw);
    if (!lane.success || names.has(lane.data.name)) {
      invalid += 1;
      continue;
    }
    names.add(lane.data.name);
    valid.push(lane.data as LaneRecord);
  }
  return invalid === 0 ? { kind: 'ok', state: { version: 1, lanes: valid } } : { kind: 'partial', valid, invalid };
};

/** Validate a state before writing it; throws on a programming error in a caller's update. */
export const checkState = (state: LanesState): LanesState => {
  const parsed = z.looseObject({ version: z.literal(1), lanes: z.array(laneRecordSchema) }).parse(state);
  const names = new Set<string>();
  for (const lane of parsed.lanes) {
    if (names.has(lane.name)) throw new Error(`lanes state: two lanes named ${lane.name}`);
    names.add(lane.name);
  }
  return state;
};
