import { stripVTControlCharacters } from 'node:util';
import type { ReactElement } from 'react';
import { render } from 'ink-testing-library';
import { createAppStore, newLaneView, type AppState, type AppStore, type LaneView } from '../../src/app/store.js';
import { monochromeTheme, type Theme } from '../../src/config/theme.js';
import { buildKeymap, type Keymap } from '../../src/core/keymap.js';
import { StoreContext } from '../../src/ui/context.js';

/** The view of one lane as the chrome gets it; `status` busy, live, no title unless patched. */
export const laneView = (name: string, patch: Partial<LaneView> = {}): LaneView => ({
  ...newLaneView({ name, branch: `lanes/${name}`, agent: 'shell' }),
  status: { kind: 'busy' },
  ...patch,
});

/** A key map from overrides; fails the test when the overrides are not valid. */
export const keymapWith = (overrides: Record<string, string | string[]> = {}): Keymap => {
  const { keymap, errors } = buildKeymap(overrides);
  if (errors.length > 0) throw new Error(`invalid key overrides: ${errors.join('; ')}`);
  return keymap;
};

export interface StoreOptions {
  cols?: number;
  rows?: number;
  base?: string;
  keymap?: Keymap;
  theme?: Theme;
  state?: Partial<AppState>;
}

export const makeAppStore = (options: StoreOptions = {}): AppStore => {
  const store = createAppStore({
    repoName: 'repo',
    base: options.base ?? 'main',
    keymap: options.keymap ?? keymapWith(),
    theme: options.theme ?? monochromeTheme('test'),
    size: { cols: options.cols ?? 100, rows: options.rows ?? 30 },
  });
  if (options.state) store.setState(options.state);
  return store;
};

export interface Rendered {
  /** The last frame without escape sequences, one string per row. */
  lines(): string[];
  /** The last frame without escape sequences. */
  text(): string;
  unmount(): void;
}

/** Render `element` inside the store's provider (ink-testing-library: 100 columns). */
export const renderWithStore = (store: AppStore, element: ReactElement): Rendered => {
  const instance = render(<StoreContext.Provider value={store}>{element}</StoreContext.Provider>);
  const text = (): string => stripVTControlCharacters(instance.lastFrame() ?? '');
  return { text, lines: () => text().split('\n'), unmount: () => instance.unmount() };
};
