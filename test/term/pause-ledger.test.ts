import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PAUSE_LEDGER_ENV, PauseLedger, claimLedgerPath, ensurePrivateDir, isPrivateDir, ledgerDirPath, thawLedger, thawOrphanedLedgers } from '../../src/term/pause-ledger.js';
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
  it('holds what every lane has stopped, and is gone once nothing is', async () => {
    const ledger = new PauseLedger(join(dir, 'ledger.json'));
    await ledger.set('alpha', [{ pid: 11, startTime: 1 }]);
    await ledger.set('beta', [{ pid: 22, startTime: 2 }, { pid: 23, startTime: 3 }]);
    expect(JSON.parse(readFileSync(ledger.path, 'utf8'))).toEqual({
      ui: process.pid,
      stopped: [
        { pid: 11, startTime: 1 },
        { pid: 22, startTime: 2 },
        { pid: 23, startTime: 3 },
      ],
    });
    await ledger.set('alpha', []);
    expect(JSON.parse(readFileSync(ledger.path, 'utf8'))).toEqual({
      ui: process.pid,
      stopped: [
        { pid: 22, startTime: 2 },
        { pid: 23, startTime: 3 },
      ],
    });
    await ledger.set('beta', []);
    expect(existsSync(ledger.path)).toBe(false);
  });

  it('is claimed from the environment once, which then no longer holds it', () => {
    const env: NodeJS.ProcessEnv = { [PAUSE_LEDGER_ENV]: '/x/y.json', OTHER: '1' };
    claimLedgerPath(env);
    expect(env).toEqual({ OTHER: '1' });
    expect(PauseLedger.claimed()?.path).toBe('/x/y.json');
  });

  it('lives in a folder only this user can enter, made when first written, and refuses one others can', async () => {
    expect(ledgerDirPath({ XDG_RUNTIME_DIR: '/run/user/7' })).toBe('/run/user/7/lanes');
    expect(ledgerDirPath({ XDG_RUNTIME_DIR: 'relative' })).toBe(join(tmpdir(), `lanes-${process.getuid?.()}`));
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
    const orphan = await stopped(sleeper());
    const ofLiveUi = await stopped(sleeper());
    const ofLiveLauncher = await stopped(sleeper());
    const write = (launcher: number, id: string, ui: number, entry: { pid: number; startTime: number }): void =>
      writeFileSync(join(dir, `lanes-paused-${launcher}-${id}.json`), JSON.stringify({ ui, stopped: [entry] }));
    write(gone, 'aaaaaaaa', gone, orphan);
    write(gone, 'bbbbbbbb', process.pid, ofLiveUi);
    write(process.pid, 'cccccccc', gone, ofLiveLauncher);
    writeFileSync(join(dir, 'lanes-paused-notes.json'), '[]');

    expect(await thawOrphanedLedgers(dir)).toBe(1);
    await waitFor(async () => (await readProcessStat(orphan.pid))?.state !== 'T', 2_000, 'the orphan to run');
    expect((await readProcessStat(ofLiveUi.pid))?.state).toBe('T');
    expect((await readProcessStat(ofLiveLauncher.pid))?.state).toBe('T');
    expect(readdirSync(dir).sort()).toHaveLength(3);
  });
});

/** A pid that names no process: one of a child that has exited. */
const deadPid = async (): Promise<number> => {
  const child = spawn('true', [], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
};
