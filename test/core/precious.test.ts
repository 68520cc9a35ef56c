import { describe, expect, it } from 'vitest';
import { isPrecious, isRegenerable, preciousFiles, regenerableExcludePathspecs, REGENERABLE_DIRS } from '../../src/core/precious.js';

describe('isPrecious: ignored files that look like work', () => {
  it.each(['.env', '.env.local', 'config/.env.production', 'notes.log', 'notes.md', 'secrets/key.pem', 'TODO.txt', 'scratch/plan', 'distribution/x', 'my-build.sh', 'builder/a', '.o', 'vendor/lib.c', 'main.swp'])(
    'keeps %j',
    (path) => {
      expect(isPrecious(path)).toBe(true);
      expect(isRegenerable(path)).toBe(false);
    },
  );

  it.each([
    'node_modules/x/index.js',
    'packages/a/node_modules/.bin/tsc',
    'dist/cli.js',
    'build/out.o',
    'target/debug/app',
    'src/__pycache__/m.cpython-311.pyc',
    'coverage/lcov.info',
    '.cache/x',
    '.venv/bin/python',
    'lib/m.pyc',
    'a/b/Main.class',
    'tsconfig.tsbuildinfo',
    '.DS_Store',
    'docs/Thumbs.db',
    'node_modules/',
    'web/.next/',
  ])('lets %j go', (path) => {
    expect(isRegenerable(path)).toBe(true);
    expect(isPrecious(path)).toBe(false);
  });

  it('judges folders by whole names, never by prefixes or the file name alone', () => {
    expect(isPrecious('node_modules_backup/notes')).toBe(true);
    expect(isPrecious('build')).toBe(true);
    expect(isRegenerable('build/')).toBe(true);
  });

  it('filters a list in order', () => {
    expect(preciousFiles(['dist/a.js', '.env', 'node_modules/x', 'notes.log'])).toEqual(['.env', 'notes.log']);
  });

  it('has one exclude pathspec per regenerable folder, at any depth', () => {
    expect(regenerableExcludePathspecs()).toHaveLength(REGENERABLE_DIRS.length);
    expect(regenerableExcludePathspecs()).toContain(':(exclude,glob)**/node_modules/**');
  });
});
