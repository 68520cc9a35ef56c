import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IgnoreRules, listGitIgnored, sameIgnoredDirs } from '../../src/watch/ignore-rules.js';
import { makeTempRepo, writeFiles, type TempRepo } from '../helpers/temp-repo.js';

const ROOT = '/w/repo';
const rules = (extra: string[] = [], dirs: string[] = [], files: string[] = []): IgnoreRules => new IgnoreRules(ROOT, extra, { dirs: new Set(dirs), files: new Set(files) });

describe('IgnoreRules', () => {
  it('always ignores .git and node_modules at any depth, never the root or paths outside it', () => {
    const r = rules();
    for (const path of ['.git', '.git/index', 'node_modules', 'a/b/node_modules/c.js', 'sub/.git']) expect(r.isIgnored(join(ROOT, path)), path).toBe(true);
    for (const path of ['src', 'src/a.ts', '.github/x.yml', 'node_modules2/a', '..foo/x']) expect(r.isIgnored(join(ROOT, path)), path).toBe(false);
    expect(r.isIgnored(ROOT)).toBe(false);
    expect(r.isIgnored('/w')).toBe(false);
    expect(r.isIgnored('/elsewhere/node')).toBe(false);
  });

  it('ignores folders and files git listed, and everything inside those folders', () => {
    const r = rules([], ['build', 'pkg/dist'], ['pkg/debug.log']);
    expect(r.isIgnored(join(ROOT, 'build'))).toBe(true);
    expect(r.isIgnored(join(ROOT, 'build/a/b.js'))).toBe(true);
    expect(r.isIgnored(join(ROOT, 'pkg/dist/x'))).toBe(true);
    expect(r.isIgnored(join(ROOT, 'pkg/debug.log'))).toBe(true);
    expect(r.isIgnored(join(ROOT, 'pkg/src'))).toBe(false);
    expect(r.isIgnored(join(ROOT, 'builder'))).toBe(false);
  });

  it('applies watch.ignore in gitignore syntax; folder-only patterns need a folder or an unknown type', () => {
    const r = rules(['tmp/', '*.swp', 'docs/**']);
    expect(r.isIgnored(join(ROOT, 'a/tmp'), true)).toBe(true);
    expect(r.isIgnored(join(ROOT, 'a/tmp'))).toBe(true);
    expect(r.isIgnored(join(ROOT, 'a/tmp'), false)).toBe(false);
    expect(r.isIgnored(join(ROOT, 'a/tmp/x.txt'), false)).toBe(true);
    expect(r.isIgnored(join(ROOT, 'src/.a.ts.swp'), false)).toBe(true);
    expect(r.isIgnored(join(ROOT, 'docs/guide/x.md'), false)).toBe(true);
    expect(r.isIgnored(join(ROOT, 'src/a.ts'), false)).toBe(false);
  });
});

describe('listGitIgnored', () => {
  let temp: TempRepo | undefined;
  afterEach(async () => {
    await temp?.cleanup();
    temp = undefined;
  });

  it('lists wholly ignored folders once and ignored files, with odd names', async () => {
    temp = await makeTempRepo({ files: { '.gitignore': 'build/\n*.log\nsecret dir/\n', 'src/a.ts': 'a\n', 'sub/.gitignore': 'gen/\n' } });
    await writeFiles(temp.dir, { 'build/a/b.js': '1', 'build/c.js': '1', 'src/x.log': '1', 'secret dir/ü.txt': '1', 'sub/gen/out.js': '1', 'src/new.ts': '1' });
    const listed = await listGitIgnored(temp.dir);
    expect(listed).toEqual({ dirs: new Set(['build', 'secret dir', 'sub/gen']), files: new Set(['src/x.log']) });
    expect(sameIgnoredDirs(listed!, { dirs: new Set(['build', 'secret dir', 'sub/gen']), files: new Set() })).toBe(true);
    expect(sameIgnoredDirs(listed!, { dirs: new Set(['build', 'secret dir']), files: new Set() })).toBe(false);
    expect(await listGitIgnored(join(temp.dir, '..'))).toBeUndefined();
  });
});
