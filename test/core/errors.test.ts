import { describe, expect, it } from 'vitest';
import { systemErrorLine } from '../../src/core/errors.js';

const systemError = (code: string, path?: string): Error => Object.assign(new Error(`${code}: something, open '${path}'`), { code, ...(path === undefined ? {} : { path }) });

describe('systemErrorLine: one line for system errors only the user can fix (issue 7, smaller)', () => {
  it('EMFILE and ENFILE: too many open files, with what to do', () => {
    expect(systemErrorLine(systemError('EMFILE', '/r/.git/lanes/state.json'))).toBe('too many open files (/r/.git/lanes/state.json): raise the limit (ulimit -n) or close other programs, then try again');
    expect(systemErrorLine(systemError('ENFILE'))).toBe('too many open files: raise the limit (ulimit -n) or close other programs, then try again');
  });

  it('EROFS: a read-only file system, naming the path', () => {
    expect(systemErrorLine(systemError('EROFS', '/r/.git/lanes/state.lock'))).toMatch(/^a file lanes must write is on a read-only file system \(\/r\/\.git\/lanes\/state\.lock\): .*writable$/);
  });

  it('anything else stays an internal error', () => {
    expect(systemErrorLine(new Error('a bug'))).toBeUndefined();
    expect(systemErrorLine(systemError('EINVAL'))).toBeUndefined();
    expect(systemErrorLine('EMFILE')).toBeUndefined();
  });
});
