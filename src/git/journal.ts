import { randomBytes } from 'node:crypto';
import { processStartTime } from '../term/process-tree.js';
import { isAlive } from './file-lock.js';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeFileAtomic } from './atomic-file.js';
import { stateDir } from './paths.js';
import { readRegularFile } from './regular-file.js';
import type { Repo } from './repo.js';

/**
 * One multi-step git operation (create, merge, teardown) as recorded before each of its steps, so
 * that a crash at any step can be finished or rolled back on the next start (SPEC §8). `data`
 * holds what recovery needs (old and new SHAs, paths, the lane), `step` the last step begun.
 */
export interface JournalEntry<Data = Record<string, unknown>> {
  id: string;
  op: 'create' | 'merge' | 'teardown';
  lane: string;
  /** pid of the process running the operation: a live owner's entry is never recovered. */
  pid: number;
  /** That process's start time (term/process-tree.ts), so a reused pid is not taken for the owner. */
  pidStart?: number;
  startedAt: string;
  step: string;
  data: Data;
}

/** Folder of journal entries: one file per operation in flight. */
export const journalDir = (repo: Repo): string => join(stateDir(repo), 'journal');

/**
 * The journal of one repository. Every write is atomic and durable (temp file, fsync, rename,
 * folder fsync) and happens *before* the step it describes; `finish` removes the entry once the
 * operation is complete or rolled back.
 */
export class Journal {
  readonly dir: string;

  constructor(repo: Repo) {
    this.dir = journalDir(repo);
  }

  /** Record a new operation about to take its first step. */
  async begin<Data extends Record<string, unknown>>(op: JournalEntry['op'], lane: string, step: string, data: Data): Promise<JournalEntry<Data>> {
    await mkdir(this.dir, { recursive: true });
    const ownStart = await processStartTime(process.pid);
    const entry: JournalEntry<Data> = {
      id: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      op,
      lane,
      pid: process.pid,
      ...(ownStart === undefined ? {} : { pidStart: ownStart }),
      startedAt: new Date().toISOString(),
      step,
      data,
    };
    await this.write(entry);
    return entry;
  }

  /** Record the next step (and any data it adds) before taking it. */
  async step<Data extends Record<string, unknown>>(entry: JournalEntry<Data>, step: string, data: Partial<Data> = {}): Promise<JournalEntry<Data>> {
    const next = { ...entry, step, data: { ...entry.data, ...data } };
    await this.write(next);
    return next;
  }

  /** The operation is complete (or fully rolled back): forget it. */
  async finish(entry: JournalEntry): Promise<void> {
    await unlink(this.pathOf(entry.id)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await syncDirectory(this.dir);
  }

  /** Every recorded operation, oldest first. Unreadable entries are returned as `undefined` data. */
  async entries(): Promise<JournalEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: JournalEntry[] = [];
    for (const name of names.sort()) {
      try {
        // Never a FIFO or a symlink: one would block every command, the other point anywhere.
        const read = await readRegularFile(join(this.dir, name));
        if (read.kind === 'file') entries.push(JSON.parse(read.text) as JournalEntry);
      } catch {
        // A half-written entry cannot exist (atomic writes); a foreign file is not ours to touch.
      }
    }
    return entries;
  }

  /** Entries whose owner process is gone: operations a crash interrupted. */
  async interrupted(): Promise<JournalEntry[]> {
    const entries = await this.entries();
    const owned = await Promise.all(entries.map((entry) => entry.pid === process.pid || isOwnerAlive(entry)));
    return entries.filter((_entry, index) => !owned[index]);
  }

  private pathOf(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private write(entry: JournalEntry): Promise<void> {
    return writeFileAtomic(this.pathOf(entry.id), `${JSON.stringify(entry, null, 2)}\n`);
  }
}

/**
 * True while the process that wrote `entry` still runs: same pid and, when recorded, same start
 * time (a pid reused after the owner died, or after a reboot, is not the owner).
 */
export const isOwnerAlive = async (entry: JournalEntry): Promise<boolean> => {
  if (!isAlive(entry.pid)) return false;
  if (entry.pidStart === undefined) return true;
  const start = await processStartTime(entry.pid);
  return start === entry.pidStart;
};
