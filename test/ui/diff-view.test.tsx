import chalk from 'chalk';
import { render } from 'ink-testing-library';
import stringWidth from 'string-width';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DiffOverlay } from '../../src/app/store.js';
import { loadTheme, themesDirectory, type Theme } from '../../src/config/theme.js';
import { buildDiffDocument, diffBodyRows } from '../../src/core/diff-doc.js';
import type { LaneDiff } from '../../src/core/patch.js';
import { StoreContext } from '../../src/ui/context.js';
import { DiffView } from '../../src/ui/DiffView.js';
import { makeAppStore, renderWithStore, type Rendered } from '../helpers/ui-render.js';

const FORK = '1234567890abcdef1234567890abcdef12345678';

const newFile = (path: string, added: string[]): string[] => [
  `diff --git a/${path} b/${path}`,
  'new file mode 100644',
  'index 0000000..1111111',
  '--- /dev/null',
  `+++ b/${path}`,
  `@@ -0,0 +1,${added.length} @@`,
  ...added.map((l) => `+${l}`),
];

const DIFF: LaneDiff = {
  mergeBase: FORK,
  files: [
    { path: 'src/long.ts', added: 40, deleted: 0, binary: false },
    { path: 'edit.txt', added: 1, deleted: 1, binary: false },
    { path: 'logo.png', added: 0, deleted: 0, binary: true },
  ],
  patch: `${[
    ...newFile('src/long.ts', Array.from({ length: 40 }, (_, i) => `line ${i + 1} ${'x'.repeat(i === 0 ? 200 : 0)}`)),
    'diff --git a/edit.txt b/edit.txt',
    'index 2222222..3333333 100644',
    '--- a/edit.txt',
    '+++ b/edit.txt',
    '@@ -1,2 +1,2 @@ heading',
    ' same',
    '-old',
    '+new',
    'diff --git a/logo.png b/logo.png',
    'new file mode 100644',
    'index 0000000..4444444',
    'Binary files /dev/null and b/logo.png differ',
  ].join('\n')}\n`,
};

let rendered: Rendered | undefined;
let theme: Theme;

beforeAll(async () => {
  theme = await loadTheme('dark', { themesDir: themesDirectory(), env: {} });
});

afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

const overlay = (patch: Partial<DiffOverlay> = {}): DiffOverlay => ({ kind: 'diff', lane: 'alpha', forkPoint: FORK, scroll: 0, loading: false, diff: buildDiffDocument(DIFF), ...patch });

const view = (over: DiffOverlay, width = 80, height = 20): string[] => {
  rendered = renderWithStore(makeAppStore({ cols: width, rows: height + 1, state: { overlay: over } }), <DiffView width={width} height={height} />);
  return rendered.lines();
};

/** A row's text inside the box. */
const inside = (line: string): string => line.replace(/^│ ?/, '').replace(/ ?│$/, '').trimEnd();

describe('DiffView', () => {
  it('shows the lane, its fork point, the file count and +added -deleted, then the file list with counts', () => {
    const lines = view(overlay());
    expect(inside(lines[1]!)).toBe('Diff · lane alpha · fork point 1234567890 · 3 files · +41 -1');
    expect(lines.slice(2, 5).map(inside)).toEqual(['src/long.ts +40 -0', 'edit.txt    +1 -1', 'logo.png    binary'].map((l) => `  ${l}`));
    expect(inside(lines[6]!)).toBe('diff --git a/src/long.ts b/src/long.ts');
  });

  it('fills exactly its box, never wrapping: long lines are cut to the width', () => {
    const lines = view(overlay(), 80, 20);
    expect(lines).toHaveLength(20);
    for (const line of lines) expect(stringWidth(line)).toBe(80);
    const long = lines.find((l) => l.includes('+line 1 '));
    expect(long).toMatch(/x… │$/);
    expect(lines.filter((l) => l.includes('+line ')).length).toBe(diffBodyRows(20) - 10);
  });

  it('draws only the lines from the scroll position, and says where it is', () => {
    const doc = buildDiffDocument(DIFF);
    const scroll = doc.fileStarts[1]!;
    const lines = view(overlay({ diff: doc, scroll }), 100, 12);
    expect(lines.slice(2, 10).map(inside)).toEqual(['diff --git a/edit.txt b/edit.txt', 'index 2222222..3333333 100644', '--- a/edit.txt', '+++ b/edit.txt', '@@ -1,2 +1,2 @@ heading', ' same', '-old', '+new']);
    expect(lines.join('\n')).not.toContain('+line 40');
    expect(inside(lines[10]!)).toBe(`lines ${scroll + 1}–${scroll + 8} of ${doc.lines.length} · file 2/3 edit.txt · j k scroll · ] [ file · g G top/bottom · q close`);
  });

  it('keeps a scroll position past the end at the last file (after a resize), blank below it', () => {
    const doc = buildDiffDocument(DIFF);
    const lines = view(overlay({ diff: doc, scroll: 10_000 }), 80, 20);
    expect(inside(lines[2]!)).toBe('diff --git a/logo.png b/logo.png');
    expect(inside(lines[5]!)).toBe('Binary files /dev/null and b/logo.png differ');
    expect(lines.slice(6, 18).map(inside)).toEqual(Array(12).fill(''));
  });

  it('says when it is loading, when git failed and when there is nothing to show', () => {
    const loading = view(overlay({ loading: true, diff: undefined }));
    expect(inside(loading[1]!)).toBe('Diff · lane alpha · fork point 1234567890');
    expect(inside(loading[2]!)).toBe('Reading the diff of lane alpha…');
    rendered?.unmount();
    const failed = view(overlay({ diff: undefined, error: 'cannot read the diff of lane alpha: git diff failed' }));
    expect(inside(failed[2]!)).toBe('cannot read the diff of lane alpha: git diff failed');
    rendered?.unmount();
    const empty = view(overlay({ diff: buildDiffDocument({ mergeBase: FORK, files: [], patch: '' }) }));
    expect(inside(empty[1]!)).toBe('Diff · lane alpha · fork point 1234567890 · 0 files · +0 -0');
    expect(inside(empty[2]!)).toBe('No changes: lane alpha has not changed anything since it forked.');
  });

  it('names the merge base when it is not the fork point (the lane merged its base)', () => {
    const lines = view(overlay({ diff: buildDiffDocument({ ...DIFF, mergeBase: 'abcdefabcdef0000' }) }), 100);
    expect(inside(lines[1]!)).toBe('Diff · lane alpha · fork point 1234567890 · from abcdefabcd · 3 files · +41 -1');
  });

  it('colours lines with the theme: headers, hunks, added and deleted lines', () => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      const doc = buildDiffDocument(DIFF);
      const store = makeAppStore({ cols: 80, rows: 21, theme, state: { overlay: overlay({ diff: doc, scroll: doc.fileStarts[1]! }) } });
      const instance = render(
        <StoreContext.Provider value={store}>
          <DiffView width={80} height={20} />
        </StoreContext.Provider>,
      );
      const frame = instance.lastFrame() ?? '';
      instance.unmount();
      // dark theme: diffAdd green, diffRemove red, diffHunk cyan, diffHeader bold whiteBright.
      expect(frame).toContain('\x1b[32m+new');
      expect(frame).toContain('\x1b[31m-old');
      expect(frame).toContain('\x1b[36m@@ -1,2 +1,2 @@ heading');
      expect(frame).toMatch(/\x1b\[1m\x1b\[97mdiff --git a\/edit\.txt|\x1b\[97m\x1b\[1mdiff --git a\/edit\.txt/);
      expect(frame).not.toMatch(/\x1b\[3\dm same/);
    } finally {
      chalk.level = level;
    }
  });
});
