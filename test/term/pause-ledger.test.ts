import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAUSE_LEDGER_ENV, PauseLedger, claimLedgerPath, ensurePrivateDir, isPrivateDir, ledgerDirs, ledgerPath, thawLedger, thawOrphanedLedgers } from '../../src/term/pause-ledger.js';
import { processStartTime, readProcessStat } from '../../src/term/process-tree.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string;
let children: ChildProcess[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lanes-ledger-'));
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

const sleeper = (): ChildProcess => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child;
};

const stopped = async (child: ChildProcess): Promise<{ pid: number; startTime: number }> => {
  const pid = child.pid as number;
  process.kill(pid, 'SIGSTOP');
  await waitFor(async () => (await readProcessStat(pid))?.state === 'T', 2_000, 'the process to stop');
  return { pid, startTime: (await processStartTime(pid)) as number };
};

describe('the pause ledger', () => {
  it('holds what every lane has stopped and their agents, and is gone once nothing is', async () => {
    const ledger = new PauseLedger(join(dir, 'ledger.json'));
    await ledger.set('alpha', [{ pid: 11, startTime: 1 }], 11);
    await ledger.set('beta', [{ pid: 22, startTime: 2 }, { pid: 23, startTime: 3 }], 22);
    expect(JSON.parse(readFileSync(ledger.path, 'utf8'))).toEqual({
      ui: process.pid,
      stopped: [
        { pid: 11, startTime: 1 },
        { pid: 22, startTime: 2 },
        { pid: 23, startTime: 3 },
      ],
      roots: [
        { pid: 11, startTime: 1 },
        { pid: 22, startTime: 2 },
      ],
    });
    await ledger.set('alpha', []);
    expect(JSON.parse(readFileSync(ledger.path, 'utf8'))).toEqual({
      ui: process.pid,
      stopped: [
        { pid: 22, startTime: 2 },
        { pid: 23, startTime: 3 },
      ],
      roots: [{ pid: 22, startTime: 2 }],
    });
    // A temporary file a failed rename left is cleared with it.
    writeFileSync(`${ledger.path}.tmp`, '{}');
    await ledger.set('beta', []);
    expect(existsSync(ledger.path)).toBe(false);
    expect(existsSync(`${ledger.path}.tmp`)).toBe(false);
  });

  it('is claimed from the environment once, which then no longer holds it, and named after its launcher and UI', () => {
    const env: NodeJS.ProcessEnv = { [PAUSE_LEDGER_ENV]: '/x/lanes', OTHER: '1' };
    claimLedgerPath(env, 10, 20);
    expect(env).toEqual({ OTHER: '1' });
    expect(PauseLedger.claimed()?.path).toBe('/x/lanes/lanes-paused-10-20.json');
    expect(ledgerPath('/x/lanes', 10, 20)).toBe('/x/lanes/lanes-paused-10-20.json');
  });

  it('lives in a folder only this user can enter, made when first written, and refuses one others can', async () => {
    const inTmp = join(tmpdir(), `lanes-${process.getuid?.()}`);
    expect(await ledgerDirs({ XDG_RUNTIME_DIR: dir })).toEqual([join(dir, 'lanes'), inTmp]);
    // A runtime folder that is gone (a session that outlived its login), or a relative one, is skipped.
    expect(await ledgerDirs({ XDG_RUNTIME_DIR: join(dir, 'gone') })).toEqual([inTmp]);
    expect(await ledgerDirs({ XDG_RUNTIME_DIR: 'relative' })).toEqual([inTmp]);
    const folder = join(dir, 'lanes');
    const ledger = new PauseLedger(join(folder, 'lanes-paused-1-0000abcd.json'));
    expect(existsSync(folder)).toBe(false);
    await ledger.set('alpha', [{ pid: 11, startTime: 1 }]);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(await isPrivateDir(folder)).toBe(true);
    // Opened up to others: neither written nor trusted.
    await chmod(folder, 0o755);
    await expect(ledger.set('alpha', [{ pid: 12, startTime: 1 }])).rejects.toThrow('not a folder only this user can enter');
    expect(await thawLedger(ledger.path)).toBe(0);
    expect(existsSync(ledger.path)).toBe(true);
    // A link to a private folder is not the folder.
    await rm(folder, { recursive: true });
    await mkdir(join(dir, 'real'), { mode: 0o700 });
    await symlink(join(dir, 'real'), folder);
    expect(await ensurePrivateDir(folder)).toBe(false);
  });

  it('never writes through a link planted where its temporary file goes', async () => {
    const ledger = new PauseLedger(join(dir, 'ledger.json'));
    writeFileSync(join(dir, 'victim.txt'), 'keep\n');
    await symlink(join(dir, 'victim.txt'), `${ledger.path}.tmp`);
    await ledger.set('alpha', [{ pid: 11, startTime: 1 }]);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('keep\n');
    expect(JSON.parse(readFileSync(ledger.path, 'utf8')).stopped).toEqual([{ pid: 11, startTime: 1 }]);
  });

  it('thawing resumes the stopped processes it lists, skips a reused pid, and deletes the file', async () => {
    const first = sleeper();
    const second = sleeper();
    const a = await stopped(first);
    const b = await stopped(second);
    const ledger = new PauseLedger(join(dir, 'ledger.json'));
    // b's entry carries another start time: the pid names a different process now.
    await ledger.set('alpha', [a, { pid: b.pid, startTime: b.startTime + 1 }]);
    expect(await thawLedger(ledger.path)).toBe(1);
    await waitFor(async () => (await readProcessStat(a.pid))?.state !== 'T', 2_000, 'the listed process to run');
    expect((await readProcessStat(b.pid))?.state).toBe('T');
    expect(existsSync(ledger.path)).toBe(false);
  });

  it('thawing also reads the temporary file of a write cut short, and signals before deleting', async () => {
    const a = await stopped(sleeper());
    const path = join(dir, 'ledger.json');
    writeFileSync(`${path}.tmp`, JSON.stringify({ ui: 1, stopped: [a] }));
    expect(await thawLedger(path)).toBe(1);
    await waitFor(async () => (await readProcessStat(a.pid))?.state !== 'T', 2_000, 'the process to run');
    expect(existsSync(`${path}.tmp`)).toBe(false);
  });

  it('counts only processes that were really stopped', async () => {
    const running = sleeper();
    const path = join(dir, 'ledger.json');
    writeFileSync(path, JSON.stringify({ ui: 1, stopped: [{ pid: running.pid, startTime: await processStartTime(running.pid as number) }] }));
    expect(await thawLedger(path)).toBe(0);
  });

  it('thawing a missing or damaged ledger resumes nothing', async () => {
    expect(await thawLedger(join(dir, 'none.json'))).toBe(0);
    writeFileSync(join(dir, 'bad.json'), '{"pid": 1');
    expect(await thawLedger(join(dir, 'bad.json'))).toBe(0);
    writeFileSync(join(dir, 'odd.json'), JSON.stringify({ ui: 'x', stopped: [{ pid: -1, startTime: 0 }, { pid: 'x' }, null] }));
    expect(await thawLedger(join(dir, 'odd.json'))).toBe(0);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });

  it('at a launcher\'s start, thaws only the ledgers whose launcher and UI are both gone', async () => {
    const gone = await deadPid();
    const live = sleeper().pid as number;
    const orphan = await stopped(sleeper());
    const ofLiveUi = await stopped(sleeper());
    const ofLiveLauncher = await stopped(sleeper());
    const ofOwnPid = await stopped(sleeper());
    const write = (launcher: number, ui: number, entry: { pid: number; startTime: number }): void =>
      writeFileSync(ledgerPath(dir, launcher, ui), JSON.stringify({ ui, stopped: [entry], roots: [] }));
    write(gone, gone, orphan);
    write(gone, live, ofLiveUi);
    write(live, gone, ofLiveLauncher);
    // A dead launcher whose pid the starting launcher now has: that is not a live launcher.
    write(process.pid, await deadPid(), ofOwnPid);
    writeFileSync(join(dir, 'lanes-paused-notes.json'), '[]');

    expect(await thawOrphanedLedgers([join(dir, 'missing'), dir])).toBe(2);
    await waitFor(async () => (await readProcessStat(orphan.pid))?.state !== 'T', 2_000, 'the orphan to run');
    await waitFor(async () => (await readProcessStat(ofOwnPid.pid))?.state !== 'T', 2_000, 'the other orphan to run');
    expect((await readProcessStat(ofLiveUi.pid))?.state).toBe('T');
    expect((await readProcessStat(ofLiveLauncher.pid))?.state).toBe('T');
    const left = [ledgerPath(dir, gone, live), ledgerPath(dir, live, gone), join(dir, 'lanes-paused-notes.json')];
    expect(readdirSync(dir).map((name) => join(dir, name)).sort()).toEqual(left.sort());
  });

  it('resumes the process group of an agent, members it does not list included', async () => {
    const leader = spawn('sh', ['-c', 'sleep 60 & wait'], { stdio: 'ignore', detached: true });
    children.push(leader);
    const pid = leader.pid as number;
    await waitFor(async () => (await readProcessStat(pid))?.state === 'S', 2_000, 'the group to start');
    process.kill(-pid, 'SIGSTOP');
    await waitFor(async () => (await readProcessStat(pid))?.state === 'T', 2_000, 'the group to stop');
    const root = { pid, startTime: (await processStartTime(pid)) as number };
    const path = join(dir, 'ledger.json');
    writeFileSync(path, JSON.stringify({ ui: 1, stopped: [root], roots: [root] }));
    expect(await thawLedger(path)).toBe(1);
    await waitFor(async () => {
      const states = await Promise.all(readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(async (p) => readProcessStat(Number(p))));
      return states.filter((stat) => stat?.pgrp === pid).every((stat) => stat?.state !== 'T');
    }, 2_000, 'every member of the group to run');
    process.kill(-pid, 'SIGKILL');
  });
});

/** A pid that names no process: one of a child that has exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
};
