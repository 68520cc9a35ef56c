import { Command, CommanderError, Option } from 'commander';
import { isLanesError, systemErrorLine, usageError } from '../core/errors.js';
import { GitError } from '../git/exec.js';
import { version } from './version.js';

// Each command's module is loaded when it runs: the host never loads Ink, the UI never loads the
// terminal emulator, and `lanes ls` loads neither.

/** Exit codes (SPEC §2). */
const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

export interface GlobalOptions {
  repo?: string;
  base?: string;
  theme?: string;
  config?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

const buildProgram = (setCode: (code: number) => void): Command => {
  const program = new Command();
  program
    .name('lanes')
    .description('Run several AI coding agents side by side, each in its own git worktree and branch.')
    .version(version(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--repo <dir>', 'the repository (default: the one around the current folder)')
    .option('--base <branch>', 'base branch lanes fork from and merge into')
    .option('--theme <name>', 'colour theme: dark, light, high-contrast')
    .option('--config <file>', 'an extra configuration file (read after the user and repository files)')
    .showHelpAfterError(false)
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`lanes: ${text.replace(/^error: /, '').trim()} (see lanes --help)\n`),
    })
    .allowExcessArguments(true)
    .action(async () => {
      const [unknown] = program.args;
      if (unknown !== undefined) throw usageError(`unknown command '${unknown}'`, 'see lanes --help');
      setCode(await (await import('./ui.js')).runUiCommand(program.opts<GlobalOptions>()));
    });

  program
    .command('demo')
    .description('a throwaway repository with three scripted demo agents, opened in the UI')
    .action(async () => setCode(await (await import('./demo.js')).runDemo(program.opts<GlobalOptions>())));

  program
    .command('new')
    .description('create a lane: a worktree on a new branch off the base, with its agent')
    .argument('<name>', 'lane name: 1-40 of a-z 0-9 . _ -, starting with a letter or digit')
    .addOption(new Option('--agent <preset>', 'agent preset (shell, claude, codex, aider, gemini, opencode, or your own)').conflicts('cmd'))
    .addOption(new Option('--cmd <command>', "any command, run with your shell").conflicts('agent'))
    .option('--base <branch>', 'base branch for this lane')
    .option('--prompt <text>', 'a first task for the agent')
    .option('--scope <glob>', 'files this lane is meant to touch (repeatable)', collect)
    .action(async (name: string, options: { agent?: string; cmd?: string; base?: string; prompt?: string; scope?: string[] }) =>
      setCode(await (await import('./new.js')).runNew(program.opts<GlobalOptions>(), name, options)),
    );

  program
    .command('ls')
    .description('lanes with status, branch, ahead/behind, changed files and overlaps')
    .option('--json', 'machine-readable output (documented in the README)')
    .option('--archived', 'the archives of torn-down lanes instead')
    .action(async (options: { json?: boolean; archived?: boolean }) => setCode(await (await import('./ls.js')).runLs(program.opts<GlobalOptions>(), options)));

  program
    .command('merge')
    .description('merge a lane into its base: computed off to the side, verified, then the base moves')
    .argument('<name>', 'the lane')
    .option('--squash', 'one commit on the base listing the lane\'s commits, instead of a merge commit')
    .option('--commit-wip', 'commit the lane\'s uncommitted changes first, as work in progress')
    .option('--no-verify', 'skip the configured verify command')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, options: { squash?: boolean; commitWip?: boolean; verify?: boolean; yes?: boolean }) =>
      setCode(await (await import('./merge.js')).runMerge(program.opts<GlobalOptions>(), name, options)),
    );

  program
    .command('diff')
    .description("the lane's changes since its fork point, committed or not (coloured on a terminal)")
    .argument('<name>', 'the lane')
    .option('--stat', 'a summary: changed lines per file and the total')
    .action(async (name: string, options: { stat?: boolean }) => setCode(await (await import('./diff.js')).runDiff(program.opts<GlobalOptions>(), name, options)));

  program
    .command('rm')
    .description('tear a lane down: archived first; refuses to lose work without --force')
    .argument('<name>', 'the lane')
    .option('--force', 'tear down even when work would be lost (it is archived first)')
    .action(async (name: string, options: { force?: boolean }) => setCode(await (await import('./rm.js')).runRm(program.opts<GlobalOptions>(), name, options)));

  program
    .command('restore')
    .description('bring back a torn-down lane from its newest archive, files and all')
    .argument('<name>', 'the lane')
    .action(async (name: string) => setCode(await (await import('./rm.js')).runRestore(program.opts<GlobalOptions>(), name)));

  program
    .command('overlaps')
    .description('files touched by more than one lane, and by the base since a lane forked')
    .option('--json', 'machine-readable output (documented in the README)')
    .action(async (options: { json?: boolean }) => setCode(await (await import('./overlaps.js')).runOverlaps(program.opts<GlobalOptions>(), options)));

  program
    .command('trust')
    .description("allow the commands of the repository's .lanes.json (setup.run, verify, its presets): shows them first")
    .option('--yes', 'do not ask for confirmation')
    .option('--revoke', 'take the trust back')
    .option('--json', 'only report the file, its commands and whether they are trusted')
    .action(async (options: { yes?: boolean; revoke?: boolean; json?: boolean }) => setCode(await (await import('./trust.js')).runTrust(program.opts<GlobalOptions>(), options)));

  program
    .command('send')
    .description("type text into a lane's agent (with Enter), through the lanes host")
    .argument('<name>', 'the lane')
    .argument('<text>', 'what to type')
    .option('--no-enter', 'do not press Enter after the text')
    .action(async (name: string, text: string, options: { enter?: boolean }) => setCode(await (await import('./send.js')).runSend(program.opts<GlobalOptions>(), name, text, options)));

  const host = program.command('host').description("the background process that holds the agents' terminals (agents outlive the UI)");
  host
    .command('status')
    .description('what the lanes host of this repository runs')
    .option('--json', 'machine-readable output (documented in the README)')
    .action(async (options: { json?: boolean }) => setCode(await (await import('./host.js')).runHostStatus(program.opts<GlobalOptions>(), options)));
  host
    .command('stop')
    .description('end every agent, then the host (after a confirmation); worktrees and branches are kept')
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: { yes?: boolean }) => setCode(await (await import('./host.js')).runHostStop(program.opts<GlobalOptions>(), options)));
  host
    .command('serve', { hidden: true })
    .description('run the host in this process (lanes starts it by itself)')
    .option('--common-dir <dir>', "the repository's git common folder")
    .action(async (options: { commonDir?: string }) => setCode(await (await import('./host.js')).runHostServe(options)));
  host.action(() => {
    throw usageError('lanes host needs a subcommand: status or stop', 'see lanes host --help');
  });

  program
    .command('doctor')
    .description('check git, the terminal, the configuration and the lanes state; print fixes')
    .action(async () => setCode(await (await import('./doctor.js')).runDoctor(program.opts<GlobalOptions>())));

  for (const command of program.commands) {
    command.exitOverride().showSuggestionAfterError(false).configureOutput({
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`lanes ${command.name()}: ${text.replace(/^error: /, '').trim()} (see lanes ${command.name()} --help)\n`),
    });
  }
  return program;
};

/** Run the command line; resolves with the process exit code. */
export const main = async (argv: string[]): Promise<number> => {
  let code = 0;
  const program = buildProgram((c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      return EXIT_USAGE;
    }
    if (isLanesError(error)) {
      process.stderr.write(`lanes: ${error.line}\n`);
      return error.exitCode;
    }
    if (error instanceof GitError) {
      process.stderr.write(`lanes: ${error.message}\n`);
      return EXIT_REFUSED;
    }
    const systemLine = systemErrorLine(error);
    if (systemLine !== undefined) {
      process.stderr.write(`lanes: ${systemLine}\n`);
      return EXIT_REFUSED;
    }
    process.stderr.write(`lanes: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 70;
  }
};
