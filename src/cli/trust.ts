import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../config/load.js';
import { describeCommands, recordTrust, revokeTrust } from '../config/trust.js';
import { LanesError } from '../core/errors.js';
import { discoverRepo } from '../git/repo.js';
import type { GlobalOptions } from './main.js';

export interface TrustOptions {
  yes?: boolean;
  revoke?: boolean;
  json?: boolean;
}

/**
 * `lanes trust`: show which keys of the repository's `.lanes.json` define commands and what they
 * run, then record that file's exact content as trusted (asks on a terminal; `--yes` for scripts;
 * without either it prints and refuses). `--revoke` forgets it; `--json` only reports.
 */
export const runTrust = async (global: GlobalOptions, options: TrustOptions, cwd = process.cwd()): Promise<number> => {
  if (options.revoke && options.yes) throw new LanesError('--revoke takes no --yes', { exitCode: 2 });
  // --json only reports: with --revoke or --yes it would either change nothing silently or change without a report.
  if (options.json && (options.revoke || options.yes)) throw new LanesError(`--json only reports: use --json or ${options.revoke ? '--revoke' : '--yes'}, not both`, { exitCode: 2 });
  const env = process.env;
  const repo = await discoverRepo(global.repo ?? cwd);
  const loaded = await loadConfig({
    repoRoot: repo.mainWorktree,
    ...(global.config === undefined ? {} : { configFile: global.config }),
    flags: { ...(global.base === undefined ? {} : { base: global.base }), ...(global.theme === undefined ? {} : { theme: global.theme }) },
    env,
    cwd,
  });
  const file = loaded.repoFile;
  const path = file?.path ?? join(await realpath(repo.mainWorktree), '.lanes.json');
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  if (options.json) {
    out(
      JSON.stringify({
        file: path,
        exists: file !== undefined,
        sha256: file?.sha256 ?? null,
        trusted: file?.isTrusted ?? false,
        commands: file?.commands ?? [],
        ignored: file?.ignored ?? [],
      }),
    );
    return 0;
  }
  for (const notice of loaded.notices) process.stderr.write(`lanes: warning: ${notice}\n`);
  if (options.revoke) {
    const had = await revokeTrust(env, path);
    out(had ? `revoked: lanes no longer runs the commands of ${path}` : `${path} was not trusted: nothing to revoke`);
    return 0;
  }
  if (!file) {
    out(`there is no ${path}: nothing to trust`);
    return 0;
  }
  if (file.commands.length === 0) {
    out(`${file.label} defines no commands: nothing to trust`);
    return 0;
  }
  out(`${file.label} (sha256 ${file.sha256.slice(0, 12)}) defines commands lanes would run on this machine:`);
  for (const line of describeCommands(file)) out(line);
  if (file.isTrusted) {
    out('already trusted with this content');
    return 0;
  }
  if (!options.yes) {
    if (!process.stdin.isTTY) throw new LanesError('trusting needs a confirmation', { hint: 'pass --yes to trust without a terminal' });
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question('trust them? [y/N] ');
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      out('not trusted');
      return 1;
    }
  }
  // The hash of the bytes shown above, not of the file as it may be now.
  await recordTrust(env, file.path, file.sha256, file.commandsSha256);
  out(`trusted ${file.label}: lanes runs these commands until the file changes (lanes trust --revoke undoes it)`);
  return 0;
};
