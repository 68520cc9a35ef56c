import { shellQuote } from '../core/shell-quote.js';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { loadContext } from '../app/context.js';
import { runUi } from '../app/run-ui.js';
import { runningHost } from '../app/host-link.js';
import { DEMO_ROLES, demoAgentCommand } from '../demo/roles.js';
import { makeDemoRepo } from '../demo/repo.js';
import { createLane } from '../git/lane-create.js';
import { LanesError } from '../core/errors.js';
import { loadConfig } from '../config/load.js';
import type { GlobalOptions } from './main.js';

/**
 * `lanes demo`: a throwaway repository under the OS temp folder with three lanes whose agents are
 * scripted (no network, no keys), opened in the UI. Prints where the repository is on exit.
 */
export const runDemo = async (global: GlobalOptions): Promise<number> => {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new LanesError('lanes demo needs a terminal for its full-screen UI', { hint: 'run it in a terminal' });
  }
  // A bad --theme or user configuration is refused before anything is made.
  await loadConfig({ ...(global.theme === undefined ? {} : { flags: { theme: global.theme } }) });
  const repoDir = await makeDemoRepo(tmpdir());
  const context = await loadContext({ cwd: repoDir, ...(global.theme === undefined ? {} : { theme: global.theme }) });
  for (const role of DEMO_ROLES) {
    await createLane({
      repo: context.repo,
      config: context.config,
      store: context.stateStore,
      name: role.lane,
      agent: { kind: 'preset', preset: 'demo', ...demoAgentCommand(role.id) },
    });
  }
  const code = await runUi({
    context,
    ...(global.theme === undefined ? {} : { themeName: global.theme }),
    greeting: `demo repository: ${repoDir} — Enter types into a lane, ? shows every key`,
  });
  process.stdout.write(`The demo repository is at ${repoDir}\n`);
  process.stdout.write(`Its lanes' worktrees are in ${repoDir}.lanes/. Look around with: cd ${shellQuote(repoDir)} && lanes ls\n`);
  const host = await runningHost(context).catch(() => undefined);
  const running = host?.welcome.terminals.filter((t) => t.state === 'running').length ?? 0;
  await host?.close();
  if (running > 0) {
    process.stdout.write(`Its ${running} agent${running === 1 ? ' keeps' : 's keep'} running in the lanes host: lanes --repo ${shellQuote(repoDir)} attaches again, lanes --repo ${shellQuote(repoDir)} host stop --yes ends ${running === 1 ? 'it' : 'them'}\n`);
  }
  process.stdout.write(`Remove it all with: ${running > 0 ? `lanes --repo ${shellQuote(repoDir)} host stop --yes && ` : ''}rm -rf ${shellQuote(dirname(repoDir))}\n`);
  return code;
};
