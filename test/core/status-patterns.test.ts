import { describe, expect, it } from 'vitest';
import { builtinPresets } from '../../src/config/presets.js';
import { columnMark } from '../../src/core/screen.js';
import { compilePatterns, refineStatus, screenTail } from '../../src/core/status-patterns.js';

const claude = compilePatterns(builtinPresets({}).claude?.status);

/** Screens as agents draw them (recorded text, colours as they come from the snapshot). */
const CLAUDE_WORKING = [
  '\x1b[1m> \x1b[0mfix the failing checkout test',
  '',
  '\x1b[38;5;174m✻\x1b[0m Reticulating… (12s · ↑ 1.2k tokens · esc to interrupt)',
  '',
  '╭──────────────────────────────────────────╮',
  '│ >                                        │',
  '╰──────────────────────────────────────────╯',
  '',
  '',
];
const CLAUDE_ASKING = [
  '● Bash(npm test)',
  '',
  ' Do you want to proceed?',
  ' ❯ 1. Yes',
  '   2. No, and tell Claude what to do differently (esc)',
  '',
];
const CLAUDE_IDLE = ['● Done: the test passes now.', '', '╭────────────╮', '│ >          │', '╰────────────╯'];

describe('status patterns of presets', () => {
  it('keeps a quiet agent busy while its screen says it works', () => {
    expect(refineStatus({ kind: 'waiting' }, screenTail(CLAUDE_WORKING), claude)).toEqual({ kind: 'busy' });
  });

  it('says waiting when the agent asks a question, even while output moves', () => {
    expect(refineStatus({ kind: 'busy' }, screenTail(CLAUDE_ASKING), claude)).toEqual({ kind: 'waiting' });
  });

  it('reads the text of rows, without their style or column marks', () => {
    expect(screenTail([`\x1b[1m⚠️${columnMark(2)} Do you want to proceed?\x1b[0m`, '  '])).toEqual(['⚠️ Do you want to proceed?']);
  });

  it('leaves the activity-derived status when nothing matches', () => {
    expect(refineStatus({ kind: 'waiting' }, screenTail(CLAUDE_IDLE), claude)).toEqual({ kind: 'waiting' });
    expect(refineStatus({ kind: 'busy' }, screenTail(CLAUDE_IDLE), claude)).toEqual({ kind: 'busy' });
  });

  it('never overrides exited, failed, paused or starting', () => {
    for (const status of [{ kind: 'exited', code: 1 }, { kind: 'paused' }, { kind: 'starting' }, { kind: 'failed', reason: 'x' }] as const) {
      expect(refineStatus(status, screenTail(CLAUDE_ASKING), claude)).toBe(status);
    }
  });

  it('looks only at the last lines, without colours', () => {
    const old = ['Do you want to proceed?', ...Array.from({ length: 12 }, (_, i) => `line ${i}`)];
    expect(refineStatus({ kind: 'busy' }, screenTail(old), claude)).toEqual({ kind: 'busy' });
    expect(screenTail(['\x1b[31mred\x1b[0m   ', '', ''])).toEqual(['red']);
  });

  it('compiles nothing for presets without patterns', () => {
    expect(compilePatterns(undefined)).toBeUndefined();
    expect(compilePatterns({ busy: [] })).toBeUndefined();
  });
});
