import { describe, expect, it } from 'vitest';
import { branchPrefixProblem, worktreeDirProblem } from '../../src/config/checks.js';

describe('branchPrefixProblem', () => {
  it('accepts prefixes that make valid branch names', () => {
    for (const prefix of ['lanes/', 'team/agents/', 'agent-', 'x', 'a.b/', 'feat.lock-', 'ai@work/']) {
      expect(branchPrefixProblem(prefix), prefix).toBeUndefined();
    }
  });

  it('refuses what git check-ref-format refuses', () => {
    const cases: [string, string][] = [
      ['my lanes/', 'no spaces or control characters'],
      ['tab\t/', 'no spaces or control characters'],
      ['a~b/', "no '~'"],
      ['a^b/', "no '^'"],
      ['a:b/', "no ':'"],
      ['a?/', "no '?'"],
      ['a*/', "no '*'"],
      ['a[/', "no '['"],
      ['a\\b/', "no '\\'"],
      ['a..b/', "no '..'"],
      ['a@{b/', "no '@{'"],
      ['-lanes/', "must not start with '-'"],
      ['/lanes/', "must not start with '/'"],
      ['a//b/', "no '//'"],
      ['.hidden/', "no part may start with '.'"],
      ['a/.b/', "no part may start with '.'"],
      ['a/.', "no part may start with '.'"],
      ['x.lock/', "no part may end with '.lock'"],
    ];
    for (const [prefix, problem] of cases) expect(branchPrefixProblem(prefix), prefix).toBe(problem);
  });
});

describe('worktreeDirProblem', () => {
  it('accepts templates with {name} and known placeholders', () => {
    expect(worktreeDirProblem('{repoParent}/{repo}.lanes/{name}')).toBeUndefined();
    expect(worktreeDirProblem('/srv/wt/{name}')).toBeUndefined();
  });

  it('refuses templates without {name} or with unknown placeholders', () => {
    expect(worktreeDirProblem('{repoParent}/lanes')).toBe('must contain {name} so every lane gets its own folder');
    expect(worktreeDirProblem('{home}/{name}')).toBe('unknown placeholder {home} (use {repo}, {repoParent}, {name})');
    expect(worktreeDirProblem('{}/{name}')).toBe('unknown placeholder {} (use {repo}, {repoParent}, {name})');
  });
});
