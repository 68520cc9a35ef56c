import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

const importsOf = (folder: string): Array<{ file: string; spec: string }> =>
  readdirSync(join(SRC, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .flatMap((entry) => {
      const file = join(entry.parentPath, entry.name);
      const text = readFileSync(file, 'utf8');
      return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => ({ file, spec: m[1] as string }));
    });

describe('the dependency rule of STYLE.md', () => {
  it('keeps core pure: no node built-ins, no Ink, no other layer', () => {
    const bad = importsOf('core').filter(({ spec }) => spec.startsWith('node:') || spec === 'ink' || spec === 'react' || (spec.startsWith('..') && !spec.startsWith('../core')));
    expect(bad).toEqual([]);
  });

  it('keeps ui away from git, terminals, host and watchers', () => {
    const bad = importsOf('ui').filter(({ spec }) => /^\.\.\/(git|term|host|watch)\//.test(spec) || ['node-pty', 'simple-git', 'chokidar'].includes(spec) || spec.startsWith('@xterm/'));
    expect(bad).toEqual([]);
  });
});
