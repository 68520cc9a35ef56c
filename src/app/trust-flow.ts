import type { Config } from '../config/schema.js';
import { describeCommands, type RepoFileTrust } from '../config/trust.js';
import type { KeyEvent } from '../core/input.js';
import type { Controller } from './controller.js';
import { notify, type TrustDialog } from './store.js';

/** What the start-up trust dialog offers: the file as judged, and how to trust it. */
export interface TrustOffer {
  file: RepoFileTrust;
  /** The one line that reports held-back commands (`config.untrusted.line`). */
  line: string;
  /** Record the trust of exactly `file.sha256` and return the configuration to run with now. */
  accept: () => Promise<Config>;
}

const dialog = (controller: Controller): TrustDialog | undefined => {
  const { overlay } = controller.store.getState();
  return overlay?.kind === 'trust' ? overlay : undefined;
};

/** Open the trust dialog (the UI does at start when the repository file is not trusted). */
export const openTrust = (controller: Controller, offer: TrustOffer): void => {
  controller.store.setState({
    overlay: { kind: 'trust', label: offer.file.label, lines: describeCommands(offer.file), ignored: offer.file.ignored, phase: 'ask', error: undefined },
  });
};

/**
 * Keys of the trust dialog: `t` (or `y`) trusts the file's content and starts what was held
 * back; `n`, Esc or `q` is "not now": the commands stay skipped, reported with the one line.
 */
export const handleTrustKey = (controller: Controller, offer: TrustOffer | undefined, key: KeyEvent): void => {
  const current = dialog(controller);
  if (!current || current.phase === 'saving') return;
  if (key.name === 'n' || key.name === 'escape' || key.name === 'q' || !offer) {
    controller.store.setState({ overlay: undefined });
    if (offer) notify(controller.store, offer.line, 'warning');
    return;
  }
  if (key.name === 't' || key.name === 'y') void accept(controller, offer);
};

const accept = async (controller: Controller, offer: TrustOffer): Promise<void> => {
  const current = dialog(controller);
  if (!current) return;
  controller.store.setState({ overlay: { ...current, phase: 'saving', error: undefined } });
  try {
    controller.setConfig(await offer.accept());
  } catch (error) {
    const text = error instanceof Error ? ((error as { line?: string }).line ?? error.message) : String(error);
    controller.store.setState({ overlay: { ...current, phase: 'ask', error: `could not record the trust: ${text}` } });
    return;
  }
  controller.store.setState({ overlay: undefined });
  notify(controller.store, `trusted ${offer.file.label}: its commands run until the file changes`);
  // Lanes whose agent was held back start now.
  await controller.sync();
};
