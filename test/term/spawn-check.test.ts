import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findSpawnProblem, parseHelperFailure } from '../../src/term/spawn-check.js';
import type { SpawnRequest } from '../../src/term/types.js';

const dir = mkdtempSync(join(tmpdir(), 'lanes-spawn-check-'));
mkdirSync(join(dir, 'bin'));
writeFileSync(join(dir, 'bin', 'agent'), '#!/bin/sh\n');
chmodSync(join(dir, 'bin', 'agent'), 0o755);
writeFileSync(join(dir, 'bin', 'notes'), 'text\n');
chmodSync(join(dir, 'bin', 'notes'), 0o644);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const request = (command: string, overrides: Partial<SpawnRequest> = {}): SpawnRequest => ({
  id: 'a',
  command,
  args: [],
  cwd: dir,
  env: { PATH: join(dir, 'bin') },
  cols: 80,
  rows: 24,
  scrollback: 0,
  ...overrides,
});

describe('findSpawnProblem', () => {
  it('accepts commands found on the request’s PATH or by path', async () => {
    expect(await findSpawnProblem(request('agent'))).toBeUndefined();
    expect(await findSpawnProblem(request('./bin/agent'))).toBeUndefined();
    expect(await findSpawnProblem(request(join(dir, 'bin', 'agent')))).toBeUndefined();
  });

  it('names what is wrong in one line', async () => {
    expect(await findSpawnProblem(request('claude'))).toBe('command not found: claude');
    expect(await findSpawnProblem(request('./bin/missing'))).toBe('command not found: ./bin/missing');
    expect(await findSpawnProblem(request('notes'))).toBe('not executable: notes');
    expect(await findSpawnProblem(request('bin'))).toBe('command not found: bin');
    expect(await findSpawnProblem(request(' '))).toBe('no command given');
    expect(await findSpawnProblem(request('agent', { cwd: join(dir, 'gone') }))).toBe(`working directory not found: ${join(dir, 'gone')}`);
  });
});

describe('parseHelperFailure', () => {
  it('reads node-pty’s spawn-helper messages and nothing else', () => {
    expect(parseHelperFailure('execvp(3) failed.: No such file or directory\r\n', request('x'))).toBe('command not found: x');
    expect(parseHelperFailure('execvp(3) failed.: Permission denied\r\n', request('x'))).toBe('cannot start x: Permission denied');
    expect(parseHelperFailure('chdir(2) failed.: No such file or directory\r\n', request('x'))).toBe(`working directory not found: ${dir}`);
    expect(parseHelperFailure('hello execvp(3) failed.: x', request('x'))).toBeUndefined();
  });
});
