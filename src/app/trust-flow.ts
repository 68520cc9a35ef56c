import type { Config } from '../config/schema.js';
import { describeCommands, type RepoFileTrust } from '../config/trust.js';
import type { KeyEvent } from '../core/input.js';
import stringWidth from 'string-width';
import type { Controller } from './controller.js';
import { FOOTER_ROWS } from './selectors.js';
import { notify, type AppState, type TrustDialog } from './store.js';

/** What the start-up trust dialog offers: the file as judged, and how to trust it. */
export interface TrustOffer {
  file: RepoFileTrust;
  /** The one line that reports held-back commands (`config.untrusted.line`). */
  line: string;
  /** Record the trust of exactly `file.sha256` and return the configuration to run with now. */
  accept: () => Promise<Config>;
}

/** What the trust dialog shows in a terminal of `size`, and whether anything had to be cut. */
export interface TrustLayout {
  /** Width of a line inside the border. */
  inner: number;
  /** The command lines shown, the last one `… and N more` when not all fit. */
  shown: string[];
  /** The ignored presets' lines. */
  ignored: string[];
  /** True when a line was cut short or left out: what is shown is not all that would be trusted. */
  isCut: boolean;
}

export const trustDialogLayout = (overlay: Pick<TrustDialog, 'lines' | 'ignored'>, size: AppState['size']): TrustLayout => {
  const height = Math.max(0, size.rows - FOOTER_ROWS);
  const inner = Math.max(10, size.cols - 4);
  // Title, two lines of text, a blank line, the error, the spacer and the key line: 9 rows with the border.
  const room = Math.max(1, height - 9 - overlay.ignored.length);
  const shown = overlay.lines.length > room ? [...overlay.lines.slice(0, room - 1), `  … and ${overlay.lines.length - room + 1} more (lanes trust lists them all)`] : overlay.lines;
  const ignored = overlay.ignored.map((key) => `  ${key}: ignored (a repository cannot change a built-in or your own preset)`);
  const isCut =
    overlay.lines.length > room ||
    height < 9 + overlay.ignored.length + 1 ||
    overlay.lines.some((line) => stringWidth(line) > inner) ||
    overlay.ignored.some((key) => stringWidth(key) + 2 > inner);
  return { inner, shown, ignored, isCut };
};

/** Said when `t` is pressed while the dialog cannot show everything it would trust. */
export const CUT_REFUSAL = 'not all of the commands fit here: run lanes trust in a shell to see them all and trust them';

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
 * back (refused when the dialog had to cut what it shows: `lanes trust` in a shell shows it all); `n`, Esc or `q` is "not now": the commands stay skipped, reported with the one line.
 */
export const handleTrustKey = (controller: Controller, offer: TrustOffer | undefined, key: KeyEvent): void => {
  const current = dialog(controller);
  if (!current || current.phase === 'saving') return;
  if (key.name === 'n' || key.name === 'escape' || key.name === 'q' || !offer) {
    controller.store.setState({ overlay: undefined });
    if (offer) notify(controller.store, offer.line, 'warning');
    return;
  }
  if (key.name !== 't' && key.name !== 'y') return;
  // Trust only what was seen: a cut line or a "… and N more" hides part of what would run.
  if (trustDialogLayout(current, controller.store.getState().size).isCut) {
    controller.store.setState({ overlay: { ...current, error: CUT_REFUSAL } });
    return;
  }
  void accept(controller, offer);
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
