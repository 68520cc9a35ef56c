import { diffTotals } from './diff-stat.js';
import { parsePatch, type DiffFile, type LaneDiff, type PatchLineKind } from './patch.js';

/**
 * The diff view's content, built once when a diff arrives: the file list, then the patch, as
 * lines ready to draw (tabs expanded, control characters made visible). Scrolling and drawing
 * only ever slice it.
 */
export type DocLine =
  | { kind: PatchLineKind | 'blank' | 'note'; text: string }
  | { kind: 'file'; text: string; added: number; deleted: number; binary: boolean };

export interface DiffDocument {
  mergeBase: string;
  files: DiffFile[];
  added: number;
  deleted: number;
  lines: DocLine[];
  /** Index in `lines` of each file's `diff --git` line, in order. */
  fileStarts: number[];
}

/**
 * Lines kept for the view. A diff longer than this (a generated file, a lock file) is cut with a
 * note; `lanes diff` prints all of it. 200,000 short lines are a few tens of MB in memory.
 */
export const MAX_DOC_LINES = 200_000;
/** Tab stops every 8 columns, as terminals and `less` show them. */
const TAB_WIDTH = 8;

/** Caret notation for control characters (`^[` for ESC), so file content cannot drive the terminal. */
const caret = (code: number): string => (code === 0x7f ? '^?' : code < 0x20 ? `^${String.fromCharCode(code + 64)}` : '\ufffd');

/** Expand tabs to spaces and replace control characters: what a diff line looks like on screen. */
export const displayText = (text: string): string => {
  let out = '';
  let column = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\t') {
      const spaces = TAB_WIDTH - (column % TAB_WIDTH);
      out += ' '.repeat(spaces);
      column += spaces;
    } else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) {
      const shown = caret(code);
      out += shown;
      column += shown.length;
    } else {
      out += ch;
      column += 1;
    }
  }
  return out;
};

/** Label of a file in the list: its path, or `old → new` for a rename. */
export const fileLabel = (file: DiffFile): string => displayText(file.from === undefined ? file.path : `${file.from} → ${file.path}`);

/**
 * The first `count` lines of `text` (with their newlines), and how many lines follow them —
 * counted without splitting the rest, so a huge patch costs little beyond what is shown.
 */
const headLines = (text: string, count: number): { head: string; rest: number } => {
  let at = 0;
  for (let n = 0; n < count && at < text.length; n++) {
    const next = text.indexOf('\n', at);
    at = next < 0 ? text.length : next + 1;
  }
  let rest = 0;
  for (let i = at; i < text.length; rest++) {
    const next = text.indexOf('\n', i);
    i = next < 0 ? text.length : next + 1;
  }
  return { head: text.slice(0, at), rest };
};

export const buildDiffDocument = (diff: LaneDiff, maxLines = MAX_DOC_LINES): DiffDocument => {
  const { added, deleted } = diffTotals(diff.files);
  const lines: DocLine[] = diff.files.map((file) => ({ kind: 'file', text: fileLabel(file), added: file.added, deleted: file.deleted, binary: file.binary }));
  const fileStarts: number[] = [];
  if (diff.patch !== '') lines.push({ kind: 'blank', text: '' });
  const { head, rest } = headLines(diff.patch, Math.max(0, maxLines - lines.length));
  for (const file of parsePatch(head)) {
    fileStarts.push(lines.length);
    for (const line of file.lines) lines.push({ kind: line.kind, text: displayText(line.text) });
  }
  if (rest > 0) lines.push({ kind: 'note', text: `… ${rest} more lines not shown (lanes diff prints all of them)` });
  return { mergeBase: diff.mergeBase, files: diff.files, added, deleted, lines, fileStarts };
};

/**
 * Rows of the diff view's box that are not diff lines: the top and bottom border, the title row
 * and the position row.
 */
export const DIFF_VIEW_CHROME_ROWS = 4;

/** Diff lines visible in a view `height` rows tall. */
export const diffBodyRows = (height: number): number => Math.max(1, height - DIFF_VIEW_CHROME_ROWS);

/**
 * The largest scroll position: the last line at the bottom of the view, or the last file's header
 * at the top when that is further (so `]` always brings the next file's header to the top, and the
 * rest of the view stays blank).
 */
export const maxScroll = (doc: DiffDocument, rows: number): number => Math.max(0, doc.lines.length - rows, doc.fileStarts.at(-1) ?? 0);

export const clampScroll = (doc: DiffDocument, scroll: number, rows: number): number => Math.max(0, Math.min(maxScroll(doc, rows), scroll));

/**
 * Scroll position of the next (`1`) or previous (`-1`) file's header from `scroll`, which puts that
 * header at the top; the same position when there is none that way.
 */
export const fileJump = (doc: DiffDocument, scroll: number, direction: 1 | -1, rows: number): number => {
  const current = clampScroll(doc, scroll, rows);
  const target = direction === 1 ? doc.fileStarts.find((start) => start > current) : doc.fileStarts.findLast((start) => start < current);
  return target === undefined ? current : clampScroll(doc, target, rows);
};

/** Index in `doc.files` of the file whose patch is at the top of the view; -1 above the first. */
export const fileAt = (doc: DiffDocument, scroll: number): number => {
  let index = -1;
  for (const [i, start] of doc.fileStarts.entries()) {
    if (start <= scroll) index = i;
    else break;
  }
  return index;
};
