/**
 * Pure parsers for git's diff output: `--numstat -z` (per-file counts) and the unified patch
 * (`git diff` with `a/` and `b/` prefixes), for the diff view and `lanes diff`.
 */

/** One changed file of a lane's diff, with its line counts (`--numstat`). */
export interface DiffFile {
  /** Path relative to the repository root (the new path of a rename). */
  path: string;
  /** The old path of a rename. */
  from?: string;
  added: number;
  deleted: number;
  /** Git found no text lines to count (both counts are 0). */
  binary: boolean;
}

/** A lane's changes since its merge base with the base: what the lane did (three-dot). */
export interface LaneDiff {
  /** The commit the diff starts from. */
  mergeBase: string;
  files: DiffFile[];
  /** The unified patch, plain (no colour); empty when only the summary was asked for. */
  patch: string;
}

export type PatchLineKind = 'header' | 'hunk' | 'add' | 'del' | 'ctx';

export interface PatchLine {
  kind: PatchLineKind;
  text: string;
}

/** One file's section of a patch. */
export interface PatchFile {
  path: string;
  /** The old path of a rename or copy. */
  from?: string;
  /** The `@@ … @@` line of each hunk. */
  hunks: string[];
  /** Every line of the section, from its `diff --git` line on. */
  lines: PatchLine[];
}

/** Split `-z` output into records, dropping the empty record after the final NUL. */
const records = (output: string): string[] => {
  const parts = output.split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
};

/**
 * Parse `git diff --numstat -z`: `added TAB deleted TAB path NUL`, or for a rename
 * `added TAB deleted TAB NUL old NUL new NUL`; a binary file has `-` for both counts.
 */
export const parseNumstatZ = (output: string): DiffFile[] => {
  const parts = records(output);
  const files: DiffFile[] = [];
  for (let i = 0; i < parts.length; i++) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(parts[i] as string);
    if (!match) break;
    const [, added = '', deleted = '', path = ''] = match;
    const binary = added === '-' && deleted === '-';
    const counts = { added: binary ? 0 : Number(added), deleted: binary ? 0 : Number(deleted), binary };
    if (path !== '') {
      files.push({ path, ...counts });
      continue;
    }
    const from = parts[i + 1];
    const to = parts[i + 2];
    i += 2;
    if (from === undefined || to === undefined) break;
    files.push({ path: to, from, ...counts });
  }
  return files;
};

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/**
 * Undo git's C-style quoting of a path (`"a/tab\there"`, `"\303\274"` for UTF-8 bytes). Text
 * without surrounding quotes is returned as it is.
 */
export const unquotePath = (text: string): string => {
  if (text.length < 2 || !text.startsWith('"') || !text.endsWith('"')) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      bytes.push(...encoder.encode(ch));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (next in ESCAPES) {
      bytes.push(ESCAPES[next] as number);
      i += 1;
    } else bytes.push(92);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
};

/** The first path token of `text` (quoted or up to the end), and what follows it. */
const quotedToken = (text: string): { token: string; rest: string } | undefined => {
  if (!text.startsWith('"')) return undefined;
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '\\') i += 1;
    else if (text[i] === '"') return { token: unquotePath(text.slice(0, i + 1)), rest: text.slice(i + 1) };
  }
  return undefined;
};

const stripPrefix = (path: string, prefix: string): string => (path.startsWith(prefix) ? path.slice(prefix.length) : path);

/**
 * The path of a `diff --git a/X b/Y` line. Unambiguous when quoted or when both names are the same
 * (the usual case); a rename's names come from its `rename from/to` lines instead.
 */
const gitLinePath = (rest: string): string => {
  const first = quotedToken(rest);
  if (first) {
    const second = first.rest.trimStart();
    return stripPrefix(quotedToken(second)?.token ?? second, 'b/');
  }
  const half = (rest.length - 5) / 2;
  if (Number.isInteger(half) && half > 0 && rest.startsWith('a/') && rest.slice(2 + half, 5 + half) === ' b/' && rest.slice(2, 2 + half) === rest.slice(5 + half)) {
    return rest.slice(5 + half);
  }
  const secondQuoted = rest.indexOf(' "b/');
  if (secondQuoted >= 0) return stripPrefix(unquotePath(rest.slice(secondQuoted + 1)), 'b/');
  const at = rest.indexOf(' b/');
  return at >= 0 ? rest.slice(at + 3) : stripPrefix(rest, 'a/');
};

/** The path of a `--- a/x` or `+++ b/x` line; undefined for /dev/null. Git adds a tab after names with spaces. */
const markerPath = (text: string, prefix: string): string | undefined => {
  const name = text.endsWith('\t') ? text.slice(0, -1) : text;
  if (name === '/dev/null') return undefined;
  return stripPrefix(unquotePath(name), prefix);
};

interface Building extends PatchFile {
  gitPath: string;
  minus?: string;
  plus?: string;
  renameTo?: string;
}

const finish = (file: Building): PatchFile => {
  const path = file.renameTo ?? file.plus ?? file.minus ?? file.gitPath;
  return { path, ...(file.from === undefined ? {} : { from: file.from }), hunks: file.hunks, lines: file.lines };
};

const HUNK = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * Split a unified patch (git's format, `a/` and `b/` prefixes) into files, and classify every
 * line: file headers (`diff --git`, `index`, `---`, `+++`, renames, modes, `Binary files…`),
 * hunk lines (`@@`), added, deleted and context lines (`\ No newline at end of file` counts as
 * context). Hunk line counts are followed, so a deleted line `--- x` is never taken for a header.
 */
export const parsePatch = (patch: string): PatchFile[] => {
  const files: PatchFile[] = [];
  if (patch === '') return files;
  const text = patch.endsWith('\n') ? patch.slice(0, -1) : patch;
  let file: Building | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of text.split('\n')) {
    // Lines inside a hunk always start with ' ', '+', '-' or '\\': this is a new file's section.
    if (line.startsWith('diff --git ')) {
      if (file) files.push(finish(file));
      file = { path: '', gitPath: gitLinePath(line.slice('diff --git '.length)), hunks: [], lines: [{ kind: 'header', text: line }] };
      oldLeft = 0;
      newLeft = 0;
      continue;
    }
    // Text before the first `diff --git` line (not something git writes) is kept as a nameless section.
    file ??= { path: '', gitPath: '', hunks: [], lines: [] };
    const current = file;
    if (oldLeft > 0 || newLeft > 0) {
      const c = line.charAt(0);
      if (c === '+' && newLeft > 0) {
        newLeft -= 1;
        current.lines.push({ kind: 'add', text: line });
        continue;
      }
      if (c === '-' && oldLeft > 0) {
        oldLeft -= 1;
        current.lines.push({ kind: 'del', text: line });
        continue;
      }
      if (c === ' ' || c === '\\' || line === '') {
        if (c !== '\\') {
          oldLeft -= 1;
          newLeft -= 1;
        }
        current.lines.push({ kind: 'ctx', text: line });
        continue;
      }
      // A malformed hunk: fall through and read the line as a header.
      oldLeft = 0;
      newLeft = 0;
    }
    if (line.startsWith('\\')) {
      current.lines.push({ kind: 'ctx', text: line });
      continue;
    }
    const hunk = HUNK.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      current.hunks.push(line);
      current.lines.push({ kind: 'hunk', text: line });
      continue;
    }
    if (line.startsWith('--- ')) current.minus = markerPath(line.slice(4), 'a/');
    else if (line.startsWith('+++ ')) current.plus = markerPath(line.slice(4), 'b/');
    else if (line.startsWith('rename from ')) current.from = unquotePath(line.slice('rename from '.length));
    else if (line.startsWith('rename to ')) current.renameTo = unquotePath(line.slice('rename to '.length));
    else if (line.startsWith('copy from ')) current.from = unquotePath(line.slice('copy from '.length));
    else if (line.startsWith('copy to ')) current.renameTo = unquotePath(line.slice('copy to '.length));
    current.lines.push({ kind: 'header', text: line });
  }
  if (file) files.push(finish(file));
  return files;
};
