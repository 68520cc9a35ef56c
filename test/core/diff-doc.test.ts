import { describe, expect, it } from 'vitest';
import { buildDiffDocument, clampScroll, diffBodyRows, displayText, fileAt, fileJump, maxScroll } from '../../src/core/diff-doc.js';
import type { LaneDiff } from '../../src/core/patch.js';

const filePatch = (path: string, added: string[]): string =>
  [`diff --git a/${path} b/${path}`, 'new file mode 100644', 'index 0000000..1111111', '--- /dev/null', `+++ b/${path}`, `@@ -0,0 +1,${added.length} @@`, ...added.map((l) => `+${l}`)].join('\n');

const lines = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

const diff: LaneDiff = {
  mergeBase: 'f'.repeat(40),
  files: [
    { path: 'a.txt', added: 30, deleted: 0, binary: false },
    { path: 'b.txt', added: 2, deleted: 0, binary: false },
    { path: 'c.txt', added: 1, deleted: 0, binary: false, from: 'old c.txt' },
  ],
  patch: `${[filePatch('a.txt', lines(30, 'a')), filePatch('b.txt', lines(2, 'b')), filePatch('c.txt', ['c\there\x1b[31m'])].join('\n')}\n`,
};

describe('buildDiffDocument', () => {
  it('lists the files with counts, a blank line, then the patch; totals; where each file starts', () => {
    const doc = buildDiffDocument(diff);
    expect(doc.lines.slice(0, 4)).toEqual([
      { kind: 'file', text: 'a.txt', added: 30, deleted: 0, binary: false },
      { kind: 'file', text: 'b.txt', added: 2, deleted: 0, binary: false },
      { kind: 'file', text: 'old c.txt → c.txt', added: 1, deleted: 0, binary: false },
      { kind: 'blank', text: '' },
    ]);
    expect(doc.fileStarts).toEqual([4, 4 + 36, 4 + 36 + 8]);
    expect(doc.lines[doc.fileStarts[1]!]).toEqual({ kind: 'header', text: 'diff --git a/b.txt b/b.txt' });
    expect(doc.lines.at(-1)).toEqual({ kind: 'add', text: '+c      here^[[31m' });
    expect({ added: doc.added, deleted: doc.deleted }).toEqual({ added: 33, deleted: 0 });
  });

  it('cuts a huge diff with a note saying how much is left out', () => {
    const doc = buildDiffDocument(diff, 20);
    expect(doc.lines).toHaveLength(21);
    expect(doc.fileStarts).toEqual([4]);
    // 51 patch lines, 16 of them kept after the file list and the blank line.
    expect(doc.lines.at(-1)).toEqual({ kind: 'note', text: '… 35 more lines not shown (lanes diff prints all of them)' });
  });

  it('has no lines for an empty diff', () => {
    expect(buildDiffDocument({ mergeBase: 'f', files: [], patch: '' }).lines).toEqual([]);
  });
});

describe('displayText', () => {
  it('expands tabs to 8-column stops and shows control characters in caret notation', () => {
    expect(displayText('+a\tb')).toBe('+a      b');
    expect(displayText('\t')).toBe('        ');
    expect(displayText('x\x1b[2Jy\r\x7f\x9b')).toBe('x^[[2Jy^M^?\ufffd');
    expect(displayText('中\tx')).toBe('中       x');
  });
});

describe('scrolling the diff view', () => {
  const doc = buildDiffDocument(diff);
  const rows = 10;

  it('clamps to the first line and to the last page, or the last file at the top when further', () => {
    expect(doc.lines).toHaveLength(4 + 36 + 8 + 7);
    expect(doc.fileStarts).toEqual([4, 40, 48]);
    expect(maxScroll(doc, rows)).toBe(48);
    expect(maxScroll(doc, 3)).toBe(55 - 3);
    expect(clampScroll(doc, -3, rows)).toBe(0);
    expect(clampScroll(doc, 999, rows)).toBe(48);
    expect(maxScroll(buildDiffDocument({ ...diff, patch: '' }), 2)).toBe(1);
    expect(diffBodyRows(30)).toBe(26);
    expect(diffBodyRows(2)).toBe(1);
  });

  it('jumps to the next and previous file header, staying put at either end', () => {
    expect(fileJump(doc, 0, 1, rows)).toBe(4);
    expect(fileJump(doc, 4, 1, rows)).toBe(40);
    expect(fileJump(doc, 40, 1, rows)).toBe(48);
    expect(fileJump(doc, 48, 1, rows)).toBe(48);
    expect(fileJump(doc, 48, -1, rows)).toBe(40);
    expect(fileJump(doc, 40, -1, rows)).toBe(4);
    expect(fileJump(doc, 4, -1, rows)).toBe(4);
    expect(fileJump(doc, 10, -1, rows)).toBe(4);
    expect(fileJump(doc, 10, 1, rows)).toBe(40);
  });

  it('tells which file is at the top', () => {
    expect(fileAt(doc, 0)).toBe(-1);
    expect(fileAt(doc, 4)).toBe(0);
    expect(fileAt(doc, 39)).toBe(0);
    expect(fileAt(doc, 40)).toBe(1);
  });
});
