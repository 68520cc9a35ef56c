import { describe, expect, it } from 'vitest';
import { parseNumstatZ, parsePatch, unquotePath } from '../../src/core/patch.js';

// Recorded from git 2.39.5 (`-c core.quotePath=false diff --find-renames --src-prefix=a/
// --dst-prefix=b/`): deleted lines that look like `---`/`+++` headers, a missing newline at the
// end, an empty new file, a mode change, a rename with an edit (git adds a tab after names with
// spaces), a name with a tab (quoted) and a non-ASCII name.
const PATCH = [
  'diff --git a/dash.txt b/dash.txt',
  'index a086ffe..99e74cc 100644',
  '--- a/dash.txt',
  '+++ b/dash.txt',
  '@@ -1,4 +1,2 @@',
  ' keep',
  '--- x',
  '-++ y',
  '-end',
  '\\ No newline at end of file',
  '+end',
  'diff --git a/empty.txt b/empty.txt',
  'new file mode 100644',
  'index 0000000..e69de29',
  'diff --git a/mode.sh b/mode.sh',
  'old mode 100644',
  'new mode 100755',
  'diff --git a/old name.txt b/new name.txt',
  'similarity index 83%',
  'rename from old name.txt',
  'rename to new name.txt',
  'index 0fdf397..e0318ee 100644',
  '--- a/old name.txt\t',
  '+++ b/new name.txt\t',
  '@@ -3,4 +3,4 @@ b',
  ' c',
  ' d',
  ' e',
  '-f',
  '+F',
  'diff --git "a/tab\\there.txt" "b/tab\\there.txt"',
  'new file mode 100644',
  'index 0000000..bca70f3',
  '--- /dev/null',
  '+++ "b/tab\\there.txt"',
  '@@ -0,0 +1 @@',
  '+q',
  'diff --git a/ü.txt b/ü.txt',
  'deleted file mode 100644',
  'index be761e0..0000000',
  '--- a/ü.txt',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-ü',
  '',
].join('\n');

describe('parsePatch', () => {
  it('splits a recorded patch into files with their paths, renames and hunks', () => {
    const files = parsePatch(PATCH);
    expect(files.map((f) => ({ path: f.path, from: f.from, hunks: f.hunks }))).toEqual([
      { path: 'dash.txt', from: undefined, hunks: ['@@ -1,4 +1,2 @@'] },
      { path: 'empty.txt', from: undefined, hunks: [] },
      { path: 'mode.sh', from: undefined, hunks: [] },
      { path: 'new name.txt', from: 'old name.txt', hunks: ['@@ -3,4 +3,4 @@ b'] },
      { path: 'tab\there.txt', from: undefined, hunks: ['@@ -0,0 +1 @@'] },
      { path: 'ü.txt', from: undefined, hunks: ['@@ -1 +0,0 @@'] },
    ]);
  });

  it('classifies every line, following hunk counts: a deleted `--- x` is not a header', () => {
    const [dash] = parsePatch(PATCH);
    expect(dash?.lines).toEqual([
      { kind: 'header', text: 'diff --git a/dash.txt b/dash.txt' },
      { kind: 'header', text: 'index a086ffe..99e74cc 100644' },
      { kind: 'header', text: '--- a/dash.txt' },
      { kind: 'header', text: '+++ b/dash.txt' },
      { kind: 'hunk', text: '@@ -1,4 +1,2 @@' },
      { kind: 'ctx', text: ' keep' },
      { kind: 'del', text: '--- x' },
      { kind: 'del', text: '-++ y' },
      { kind: 'del', text: '-end' },
      { kind: 'ctx', text: '\\ No newline at end of file' },
      { kind: 'add', text: '+end' },
    ]);
  });

  it('keeps every line of the patch, in order', () => {
    const lines = parsePatch(PATCH).flatMap((f) => f.lines.map((l) => l.text));
    expect(`${lines.join('\n')}\n`).toBe(PATCH);
  });

  it('reads several hunks of one file, and an empty context line some tools write without its space', () => {
    const patch = ['diff --git a/x b/x', '--- a/x', '+++ b/x', '@@ -1,3 +1,3 @@', ' a', '', '-b', '+B', '@@ -10,2 +10,2 @@ fn', '-y', '+Y', ' z', ''].join('\n');
    const [file] = parsePatch(patch);
    expect(file?.hunks).toEqual(['@@ -1,3 +1,3 @@', '@@ -10,2 +10,2 @@ fn']);
    expect(file?.lines.map((l) => l.kind)).toEqual(['header', 'header', 'header', 'hunk', 'ctx', 'ctx', 'del', 'add', 'hunk', 'del', 'add', 'ctx']);
  });

  it('names a binary file from its diff --git line, and returns nothing for an empty patch', () => {
    const patch = 'diff --git a/img one.png b/img one.png\nnew file mode 100644\nindex 0000000..1b2c3d4\nBinary files /dev/null and b/img one.png differ\n';
    expect(parsePatch(patch)).toEqual([
      {
        path: 'img one.png',
        hunks: [],
        lines: [
          { kind: 'header', text: 'diff --git a/img one.png b/img one.png' },
          { kind: 'header', text: 'new file mode 100644' },
          { kind: 'header', text: 'index 0000000..1b2c3d4' },
          { kind: 'header', text: 'Binary files /dev/null and b/img one.png differ' },
        ],
      },
    ]);
    expect(parsePatch('')).toEqual([]);
  });
});

describe('unquotePath', () => {
  it('undoes C quoting: escapes and octal UTF-8 bytes', () => {
    expect(unquotePath('"tab\\there"')).toBe('tab\there');
    expect(unquotePath('"\\303\\274ber \\"q\\" back\\\\slash\\nnl"')).toBe('über "q" back\\slash\nnl');
    expect(unquotePath('plain name')).toBe('plain name');
  });
});

describe('parseNumstatZ', () => {
  it('parses recorded output with a rename, a binary file and odd names', () => {
    // The format of git 2.39.5 `diff --numstat -z --find-renames` (checked against its output).
    const output = '1\t1\tdash.txt\u00000\t0\tempty.txt\u0000-\t-\timg.bin\u00001\t1\t\u0000old name.txt\u0000new name.txt\u00001\t0\tnl\nname.txt\u0000';
    expect(parseNumstatZ(output)).toEqual([
      { path: 'dash.txt', added: 1, deleted: 1, binary: false },
      { path: 'empty.txt', added: 0, deleted: 0, binary: false },
      { path: 'img.bin', added: 0, deleted: 0, binary: true },
      { path: 'new name.txt', from: 'old name.txt', added: 1, deleted: 1, binary: false },
      { path: 'nl\nname.txt', added: 1, deleted: 0, binary: false },
    ]);
    expect(parseNumstatZ('')).toEqual([]);
  });

  it('stops at a truncated rename record instead of inventing a path', () => {
    expect(parseNumstatZ('2\t0\ta.txt\u00001\t1\t\u0000old.txt\u0000')).toEqual([{ path: 'a.txt', added: 2, deleted: 0, binary: false }]);
  });
});
