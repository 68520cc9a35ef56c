import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { linkLauncher } from '../app/launcher-link.js';
import { RESTORE_SEQUENCE } from '../app/tty.js';
import { systemErrorLine } from '../core/errors.js';
import { PAUSE_LEDGER_ENV, claimLedgerPath, ledgerDirs, ledgerPath, thawLedger, thawOrphanedLedgers } from '../term/pause-ledger.js';

/** Marks the UI process started by the launcher below. */
const CHILD_MARK = 'LANES_UI_CHILD';
/** Global options that take a value: their value is not the subcommand. */
const VALUE_OPTIONS = new Set(['--repo', '--base', '--theme', '--config']);

/** True when the arguments open the full-screen UI (`lanes`, `lanes demo`). */
const opensUi = (argv: string[]): boolean => {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h' || arg === '--help' || arg === '-v' || arg === '--version') return false;
    if (VALUE_OPTIONS.has(arg)) {
      i += 1;
      continue;
    }
    if (arg.startsWith('-')) continue;
    return arg === 'demo';
  }
  return true;
};

/**
 * The full-screen UI runs in a child process watched by this small launcher. If the UI dies in a
 * way it cannot clean up after (SIGKILL, a native crash, out of memory), the launcher gives the
 * terminal back: normal screen, cursor, no mouse or paste modes, cooked input; and it resumes the
 * processes of paused agents the UI had stopped, so none is left stopped.
 */
const launch = async (argv: string[]): Promise<number> => {
  const dirs = await ledgerDirs();
  // A launcher killed with its UI could not resume what the UI had paused: this one does.
  await thawOrphanedLedgers(dirs);
  const dir = dirs[0];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...argv], {
      // The IPC channel is the UI's way to notice this launcher's death, SIGKILL included (see
      // app/launcher-link.ts); no messages go over it.
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [CHILD_MARK]: '1', ...(dir === undefined ? {} : { [PAUSE_LEDGER_ENV]: dir }) },
    });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    // Keys like Ctrl-C reach the UI as bytes (raw mode). A hang-up may reach only the launcher
    // (when it leads the session): it is passed on, so the UI ends its agents cleanly. The
    // launcher stays alive until the UI is gone so it can clean up after it.
    process.on('SIGINT', () => undefined);
    process.on('SIGHUP', forward('SIGHUP'));
    process.on('SIGTERM', forward('SIGTERM'));
    // The terminal may be gone when the launcher writes its last words.
    process.stdout.on('error', () => undefined);
    process.stderr.on('error', () => undefined);
    const ended = async (code: number | null, signal: NodeJS.Signals | null): Promise<void> => {
      // A process the UI left behind may hold the UI's end: the launcher must not wait for it.
      if (child.connected) child.disconnect();
      if (signal !== null) {
        try {
          process.stdout.write(RESTORE_SEQUENCE);
          if (process.stdin.isTTY) process.stdin.setRawMode(false);
        } catch {
          // The terminal itself may be gone.
        }
      }
      // After a clean exit the UI has resumed everything and the ledger is gone; otherwise the
      // processes it stopped get SIGCONT (each checked to be the same process).
      const resumed = dir === undefined || child.pid === undefined ? 0 : await thawLedger(ledgerPath(dir, process.pid, child.pid));
      const thawed = resumed > 0 ? `; ${resumed} paused process${resumed === 1 ? ' was' : 'es were'} resumed` : '';
      if (signal === null) {
        if (resumed > 0) process.stderr.write(`lanes: the UI ended with code ${code ?? 1}${thawed}\n`);
        resolve(code ?? 1);
        return;
      }
      process.stderr.write(`lanes: the UI was ended by ${signal}; its agents keep running in the lanes host${thawed}: run lanes to attach again\n`);
      resolve(128 + (constants.signals[signal] ?? 15));
    };
    child.on('exit', (code, signal) => void ended(code, signal));
  });
};

// `lanes ls | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/** False when the folder lanes was started in has been deleted (or moved) since. */
const hasCwd = (): boolean => {
  try {
    process.cwd();
    return true;
  } catch {
    return false;
  }
};

const run = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  // Checked first: libraries loaded below read the current folder as they load.
  if (!hasCwd()) {
    process.stderr.write('lanes: the current folder no longer exists (deleted or moved): cd into a folder that exists\n');
    process.exitCode = 1;
    return;
  }
  if (process.env[CHILD_MARK] !== '1' && process.stdin.isTTY && opensUi(argv)) {
    process.exitCode = await launch(argv);
    return;
  }
  delete process.env[CHILD_MARK];
  linkLauncher();
  claimLedgerPath();
  // Loaded only here: the launcher stays a small process (no Ink, React or terminals in it).
  const { main } = await import('./main.js');
  process.exitCode = await main(argv);
};

// What fails before main() can report it (loading its modules with too few file descriptors left,
// a launcher that cannot start the UI) ends in one line too, never a stack trace.
await run().catch((error: unknown) => {
  const line = systemErrorLine(error);
  if (line === undefined) throw error;
  process.stderr.write(`lanes: ${line}\n`);
  process.exitCode = 1;
});
