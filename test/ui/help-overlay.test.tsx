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

/** True when one line shows `keys` followed (after padding) by `description`. */
const showsRow = (lines: string[], keys: string, description: string): boolean =>
  lines.some((line) => {
    const at = line.indexOf(` ${keys} `);
    return at >= 0 && line.indexOf(description, at + keys.length) > at;
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
