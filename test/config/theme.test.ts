import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isThemeColor,
  listThemes,
  loadTheme,
  THEME_TOKENS,
  themesDirectory,
  type Theme,
} from '../../src/config/theme.js';
import { LanesError } from '../../src/core/errors.js';
import { makeTempDir, writeFileIn } from './temp-dir.js';

const rejected = async (promise: Promise<unknown>): Promise<LanesError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LanesError);
    return error as LanesError;
  }
  throw new Error('expected the promise to reject');
};

const darkFile = async (): Promise<{ colors: Record<string, unknown> }> =>
  JSON.parse(await readFile(join(themesDirectory(), 'dark.json'), 'utf8')) as { colors: Record<string, unknown> };

/** A themes folder holding one theme `custom` with the given content. */
const customTheme = async (content: unknown) => {
  const dir = await makeTempDir();
  const file = await writeFileIn(join(dir, 'custom.json'), content);
  return { dir, file, load: () => loadTheme('custom', { themesDir: dir, env: {} }) };
};

describe('the shipped themes', () => {
  it('are found next to the sources', async () => {
    expect(themesDirectory()).toBe(join(import.meta.dirname, '..', '..', 'themes'));
    expect(await listThemes(themesDirectory())).toEqual(expect.arrayContaining(['dark', 'light', 'high-contrast']));
  });

  it.each(['dark', 'light', 'high-contrast'])('%s validates and sets every token', async (name) => {
    const theme: Theme = await loadTheme(name, { themesDir: themesDirectory(), env: {} });
    expect(theme.name).toBe(name);
    expect(theme.isMonochrome).toBe(false);
    expect(Object.keys(theme.colors).sort()).toEqual([...THEME_TOKENS].sort());
    for (const token of THEME_TOKENS) expect(isThemeColor(theme.colors[token] ?? ''), token).toBe(true);
    // The states a user must tell apart at a glance never share a colour.
    const { border, borderFocused, borderTyping, statusBusy, statusWaiting, diffAdd, diffRemove } = theme.colors;
    expect(new Set([border, borderFocused, borderTyping]).size).toBe(3);
    expect(statusBusy).not.toBe(statusWaiting);
    expect(diffAdd).not.toBe(diffRemove);
  });
});

describe('loadTheme', () => {
  it('honours a non-empty NO_COLOR with a theme without colours', async () => {
    const monochrome = await loadTheme('dark', { themesDir: themesDirectory(), env: { NO_COLOR: '1' } });
    expect(monochrome.isMonochrome).toBe(true);
    expect(monochrome.name).toBe('dark');
    expect(Object.keys(monochrome.colors).sort()).toEqual([...THEME_TOKENS].sort());
    for (const token of THEME_TOKENS) expect(monochrome.colors[token], token).toBeUndefined();
    const coloured = await loadTheme('dark', { themesDir: themesDirectory(), env: { NO_COLOR: '' } });
    expect(coloured.isMonochrome).toBe(false);
    expect(coloured.colors.borderFocused).toBeTruthy();
  });

  it('lists the available themes for an unknown name, also for names that look like paths', async () => {
    for (const name of ['solarized', '../themes/dark', 'dark.json']) {
      const error = await rejected(loadTheme(name, { themesDir: themesDirectory(), env: {} }));
      expect(error.message).toMatch(new RegExp(`^unknown theme '${name.replace(/\./g, '\\.')}': available: .*dark`));
    }
    const t = await customTheme(await darkFile());
    await writeFileIn(join(t.dir, 'another.json'), '{}');
    await writeFileIn(join(t.dir, 'notes.txt'), 'not a theme');
    expect((await rejected(loadTheme('x', { themesDir: t.dir, env: {} }))).message).toBe(
      "unknown theme 'x': available: another, custom",
    );
  });

  it('names the theme file and key of a bad colour', async () => {
    const dark = await darkFile();
    const t = await customTheme({ ...dark, colors: { ...dark.colors, border: 'cyann' } });
    expect((await rejected(t.load())).message).toBe(
      `${t.file}: colors.border: expected a colour name like 'cyan', 'gray' or 'yellowBright', or '#rrggbb'`,
    );
    for (const bad of ['#12345', 'bold', 'bgRed', 42]) {
      await writeFileIn(t.file, { ...dark, colors: { ...dark.colors, diffAdd: bad } });
      expect((await rejected(t.load())).message, String(bad)).toMatch(/: colors\.diffAdd: expected /);
    }
    await writeFileIn(t.file, { ...dark, colors: { ...dark.colors, diffAdd: '#12ab9F' } });
    expect((await t.load()).colors.diffAdd).toBe('#12ab9F');
  });

  it('names unknown and missing tokens', async () => {
    const dark = await darkFile();
    const t = await customTheme({ ...dark, colors: { ...dark.colors, bordr: 'red' } });
    expect((await rejected(t.load())).message).toBe(`${t.file}: colors: unknown key 'bordr'`);
    const { statusBusy: _omitted, ...withoutBusy } = dark.colors;
    await writeFileIn(t.file, { colors: withoutBusy });
    expect((await rejected(t.load())).message).toBe(
      `${t.file}: colors.statusBusy: missing, expected a colour name like 'cyan', 'gray' or 'yellowBright', or '#rrggbb'`,
    );
  });

  it('reports invalid JSON in a theme file', async () => {
    const t = await customTheme('{ "colors": ');
    const message = (await rejected(t.load())).message;
    expect(message.startsWith(`${t.file}: not valid JSON (`)).toBe(true);
    expect(message).toMatch(/\(.+\)$/);
  });
});

describe('isThemeColor', () => {
  it('accepts Ink colour names and #rrggbb only', () => {
    for (const ok of ['cyan', 'gray', 'grey', 'yellowBright', 'blackBright', '#000000', '#A0b1C2']) expect(isThemeColor(ok), ok).toBe(true);
    for (const bad of ['', 'Cyan', 'bold', 'bgRed', '#fff', '#1234567', 'rgb(1,2,3)', 'orange']) expect(isThemeColor(bad), bad).toBe(false);
  });
});
