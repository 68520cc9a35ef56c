import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { statusLabel, type LaneStatus } from '../core/lane.js';
import { readRegularFile } from '../git/regular-file.js';
import type { AppStore } from './store.js';

/** Status changes are published after this much quiet: a burst of changes is one write. */
const PUBLISH_DEBOUNCE_MS = 250;

/** File in the state folder where a running UI publishes lane statuses for `lanes ls`. */
const FILE = 'ui.json';

export interface UiStatusFile {
  pid: number;
  updatedAt: string;
  statuses: Record<string, string>;
}

let pending: Promise<void> = Promise.resolve();

/** Write (or, with `lanes` undefined, remove) the status file; writes are serialised. */
export const writeUiStatus = (dir: string, lanes: Array<{ name: string; status: LaneStatus }> | undefined): Promise<void> => {
  pending = pending.then(async () => {
    const path = join(dir, FILE);
    if (!lanes) {
      await rm(path, { force: true });
      return;
    }
    const body: UiStatusFile = {
      pid: process.pid,
      updatedAt: new Date().toISOString(),
      statuses: Object.fromEntries(lanes.map((l) => [l.name, statusLabel(l.status)])),
    };
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(body));
    await rename(temp, path);
  });
  return pending;
};

/** Statuses published by a running UI, or undefined when none runs. */
export const readUiStatus = async (dir: string): Promise<UiStatusFile | undefined> => {
  try {
    // Never a FIFO (it would block `lanes ls`) or a symlink.
    const read = await readRegularFile(join(dir, FILE));
    if (read.kind !== 'file') return undefined;
    const body = JSON.parse(read.text) as UiStatusFile;
    process.kill(body.pid, 0);
    return body;
  } catch {
    return undefined;
  }
};

/**
 * Keep the status file in step with the store: written when a status label changes (not for
 * titles or scrolling), debounced. Returns the unsubscribe function.
 */
export const publishStatuses = (store: AppStore, dir: string): (() => void) => {
  let last = '';
  let timer: NodeJS.Timeout | undefined;
  const publish = (): void => {
    timer = undefined;
    const { lanes } = store.getState();
    const key = lanes.map((l) => `${l.name}\0${statusLabel(l.status)}`).join('\0');
    if (key === last) return;
    last = key;
    writeUiStatus(dir, lanes).catch(() => undefined);
  };
  publish();
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.lanes !== previous.lanes && !timer) timer = setTimeout(publish, PUBLISH_DEBOUNCE_MS);
  });
  return () => {
    if (timer) clearTimeout(timer);
    unsubscribe();
  };
};
