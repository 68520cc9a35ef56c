import { afterEach, describe, expect, it } from 'vitest';
import { helpRows } from '../../src/core/keymap.js';
import { HelpOverlay } from '../../src/ui/HelpOverlay.js';
import { keymapWith, makeAppStore, renderWithStore, type Rendered } from '../helpers/ui-render.js';

let rendered: Rendered | undefined;

afterEach(() => {
  rendered?.unmount();
  rendered = undefined;
});

const helpLines = (overrides: Record<string, string | string[]> = {}, width = 100, height = 29): string[] => {
  rendered = renderWithStore(makeAppStore({ keymap: keymapWith(overrides) }), <HelpOverlay width={width} height={height} />);
  return rendered.lines();
};

/** A row's text inside the box: no border, no padding. */
const inside = (line: string): string => line.replace(/^│ ?/, '').replace(/ ?│$/, '');

/**
 * True when one line shows `keys` followed (after padding) by `description` (or text starting
 * with it), which may continue
 * on the next lines (wrapped under itself, with the key column blank).
 */
const showsRow = (lines: string[], keys: string, description: string): boolean =>
  lines.some((line, i) => {
    const at = inside(line).indexOf(`${keys} `);
    if (at !== 0) return false;
    let text = inside(line).slice(keys.length).trim();
    for (let j = i + 1; j < lines.length && text !== description && description.startsWith(`${text} `); j++) {
      const next = inside(lines[j] ?? '');
      if (!next.startsWith(' ') || next.trim() === '') break;
      text += ` ${next.trim()}`;
    }
    return text.startsWith(description);
  });

describe('HelpOverlay', () => {
  it('lists every row of the key map, each key next to its description', () => {
    const lines = helpLines();
    const rows = helpRows(keymapWith());
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(showsRow(lines, row.keys, row.description), `${row.keys}: ${row.description}\n${lines.join('\n')}`).toBe(true);
  });

  it('is generated from the configured keys', () => {
    const lines = helpLines({ zoom: 'Z', quit: ['ctrl+x', 'Q'] });
    expect(showsRow(lines, 'Z', 'zoom / unzoom the focused lane')).toBe(true);
    expect(showsRow(lines, 'Ctrl-x Q', 'quit')).toBe(true);
    expect(showsRow(lines, 'z', 'zoom / unzoom the focused lane')).toBe(false);
  });

  it('wraps a description longer than its column under itself, and cuts none', () => {
    const lines = helpLines({}, 100, 29);
    const first = lines.findIndex((line) => inside(line).startsWith('d '));
    expect(inside(lines[first]!)).toMatch(/^d {16}diff of the focused lane \(full-screen; j k scroll,/);
    // The rest goes on the next row, in the description column.
    expect(inside(lines[first + 1]!)).toMatch(/^ {17}\S/);
    expect(showsRow(lines, 'd', 'diff of the focused lane (full-screen; j k scroll, ] [ next/previous file, q/Esc close)')).toBe(true);
    expect(lines.join('\n')).not.toContain('…');
  });

  it('names the leave key of type mode and how to close the help', () => {
    const text = helpLines({ 'leave-type': 'ctrl+g' }).join('\n');
    expect(text).toContain('Ctrl-g comes back here');
    expect(text).toContain('Esc, q or ? closes this help.');
  });

  it('fills exactly its box', () => {
    const lines = helpLines({}, 80, 24);
    expect(lines).toHaveLength(24);
    expect(lines[0]).toMatch(/^╭─+╮$/);
    expect(lines[23]).toMatch(/^╰─+╯$/);
    expect(lines[0]).toHaveLength(80);
  });
});
