import { describe, expect, it } from 'vitest';
import { branchNameFor, validateLaneName, worktreePathFor } from '../../src/core/names.js';

describe('validateLaneName', () => {
  it.each(['a', 'fix-login', 'v1.2', 'snake_case', '0day', 'a'.repeat(40), 'a.b-c_d'])('accepts %j', (name) => {
    expect(validateLaneName(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['a'.repeat(41), /at most 40 characters \(this one has 41\)/],
    ['x$(touch pwned)', /'\$' is not allowed/],
    ['with space', /a space is not allowed/],
    ['ünï', /'ü' is not allowed/],
    ['Upper', /'U' is not allowed/],
    ['a/b', /cannot contain '\/'/],
    ['-rf', /start with a letter or a digit/],
    ['.hidden', /start with a letter or a digit/],
    ['_x', /start with a letter or a digit/],
    ['a..b', /cannot contain '\.\.'/],
    ['foo.lock', /cannot end in '\.lock'/],
    ['foo.', /cannot end in '\.'/],
    ['a`id`b', /'`' is not allowed/],
    ['new\nline', /\\x0a is not allowed/],
    ['a@{1}', /'@' is not allowed/],
  ])('rejects %j', (name, problem) => {
    expect(validateLaneName(name)).toMatch(problem);
  });

  it('counts characters, not UTF-16 units, for the length limit', () => {
    expect(validateLaneName('😀'.repeat(20))).toMatch(/is not allowed/);
    expect(validateLaneName('😀'.repeat(41))).toMatch(/has 41\)/);
  });
});

describe('branchNameFor', () => {
  it('puts the prefix in front of the name', () => {
    expect(branchNameFor('lanes/', 'fix')).toBe('lanes/fix');
    expect(branchNameFor('agent-', 'fix')).toBe('agent-fix');
  });
});

describe('worktreePathFor', () => {
  const vars = { repo: 'app', repoParent: '/home/u/src', name: 'fix' };

  it('fills the default template', () => {
    expect(worktreePathFor('{repoParent}/{repo}.lanes/{name}', vars)).toBe('/home/u/src/app.lanes/fix');
  });

  it('replaces every occurrence and leaves unknown braces alone', () => {
    expect(worktreePathFor('/w/{name}/{name}-{other}', vars)).toBe('/w/fix/fix-{other}');
  });

  it('does not substitute inside substituted values', () => {
    const odd = { repo: '{name}', repoParent: '/p/{repo}', name: 'x' };
    expect(worktreePathFor('{repoParent}/{repo}/{name}', odd)).toBe('/p/{repo}/{name}/x');
  });

  it('leaves a relative template relative (the caller resolves it)', () => {
    expect(worktreePathFor('lanes/{name}', vars)).toBe('lanes/fix');
  });
});
