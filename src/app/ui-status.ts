import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { statusLabel, type LaneStatus } from '../core/lane.js';

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
    const body = JSON.parse(await readFile(join(dir, FILE), 'utf8')) as UiStatusFile;
    process.kill(body.pid, 0);
    return body;
  } catch {
    return undefined;
  }
};
