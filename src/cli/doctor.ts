import { shellQuote } from '../core/shell-quote.js';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { loadContext } from '../app/context.js';
import { readUiStatus } from '../app/ui-status.js';
import { runningHost } from '../app/host-link.js';
import { checkAgentCommand, resolveAgent } from '../config/agent.js';
import { isLanesError } from '../core/errors.js';
import { runGit } from '../git/exec.js';
import { halfMadeWorktrees, listWorktrees } from '../git/worktrees.js';
import type { GlobalOptions } from './main.js';

interface Check {
  ok: boolean;
  text: string;
  fix?: string;
}

const line = (check: Check): string => `${check.ok ? '✓' : '✗'} ${check.text}${check.fix ? `\n    fix: ${check.fix}` : ''}\n`;

/** `lanes doctor`: check what lanes depends on and print a fix for each problem. Exit 1 on any. */
export const runDoctor = async (global: GlobalOptions, cwd = process.cwd()): Promise<number> => {
  const checks: Check[] = [];
  const version = await runGit(['version'], { cwd });
  checks.push(version.code === 0 ? { ok: true, text: version.stdout.trim() } : { ok: false, text: 'git not found', fix: 'install git 2.38 or newer' });

  const term = process.env.TERM;
  const isTty = Boolean(process.stdout.isTTY && process.stdin.isTTY);
  checks.push(isTty ? { ok: true, text: `terminal: ${term ?? 'unknown TERM'}, ${process.stdout.columns}×${process.stdout.rows}` } : { ok: false, text: 'not running in a terminal', fix: 'the UI needs a terminal; lanes ls/new work anywhere' });
  if (isTty && ((process.stdout.columns ?? 0) < 20 || (process.stdout.rows ?? 0) < 7)) checks.push({ ok: false, text: 'terminal smaller than 20×7', fix: 'make the window larger' });
  if (process.env.NO_COLOR) checks.push({ ok: true, text: 'NO_COLOR is set: lanes draws without colour' });

  try {
    const pty = await import('node-pty');
    checks.push({ ok: typeof pty.spawn === 'function', text: 'node-pty loads' });
  } catch (error) {
    checks.push({ ok: false, text: `node-pty does not load: ${String(error)}`, fix: 'reinstall lanes (npm install) so node-pty is compiled for this Node.js' });
  }

  try {
    const context = await loadContext({ cwd, ...global });
    checks.push({ ok: true, text: `repository ${context.repo.mainWorktree}, base ${context.base.branch}` });
    checks.push({ ok: true, text: 'configuration is valid' });
    for (const notice of context.notices) checks.push({ ok: false, text: notice, fix: 'see "Trusting a repository\'s commands" in the README' });
    const { untrusted } = context.config;
    if (untrusted) checks.push({ ok: false, text: untrusted.line, fix: 'lanes trust (it shows what they run first)' });
    if (!untrusted?.agents.includes(context.config.defaultAgent)) {
      try {
        await checkAgentCommand(resolveAgent(context.config, {}), context.env);
        checks.push({ ok: true, text: `default agent '${context.config.defaultAgent}' found` });
      } catch (error) {
        checks.push({ ok: false, text: isLanesError(error) ? error.message : String(error), fix: 'set defaultAgent in your config to an installed agent' });
      }
    }
    const { state, recoveredFrom } = await context.stateStore.load();
    if (recoveredFrom) checks.push({ ok: false, text: `state file was unreadable; backed up to ${recoveredFrom} and rebuilt`, fix: 'check the rebuilt lanes with lanes ls' });
    else checks.push({ ok: true, text: `state: ${state.lanes.length} lane(s) in ${context.stateStore.path}` });
    for (const lane of state.lanes) {
      const exists = await access(lane.worktree).then(
        () => true,
        () => false,
      );
      if (!exists) checks.push({ ok: false, text: `lane ${lane.name}: worktree missing at ${lane.worktree}`, fix: `if you moved it, run git worktree repair <new path>; its branch ${lane.branch} is kept` });
    }
    const worktrees = await listWorktrees(context.repo);
    for (const entry of worktrees) {
      if (entry.prunable) checks.push({ ok: false, text: `worktree entry ${entry.path} is prunable (${entry.prunable})`, fix: `git worktree remove ${shellQuote(entry.path)} (only that entry; never a global prune)` });
    }
    for (const { entry, why } of await halfMadeWorktrees(context.repo, worktrees)) {
      const lane = state.lanes.find((candidate) => candidate.worktree === entry.path);
      checks.push({
        ok: false,
        text: `worktree ${entry.path} is incomplete: ${why}`,
        fix: `if no git worktree add is running: starting lanes rolls back an interrupted lane creation; otherwise, once you checked it holds no work, git worktree remove --force ${shellQuote(entry.path)}${lane ? `, then lanes rm ${shellQuote(lane.name)}` : ''}`,
      });
    }
    const lock = join(context.stateStore.dir, 'state.lock');
    if (await access(lock).then(() => true, () => false)) checks.push({ ok: false, text: `a state lock exists: ${lock}`, fix: 'if no lanes command is running, remove it' });
    const ui = await readUiStatus(context.stateStore.dir);
    if (ui) checks.push({ ok: true, text: `a lanes UI is running (pid ${ui.pid})` });
    const host = await runningHost(context).catch((error: unknown) => {
      checks.push({ ok: false, text: `the lanes host cannot be reached: ${isLanesError(error) ? error.line : String(error)}` });
      return undefined;
    });
    if (host) {
      const running = host.welcome.terminals.filter((t) => t.state === 'running').length;
      checks.push({ ok: true, text: `the lanes host runs (pid ${host.welcome.pid}, lanes ${host.welcome.version}): ${running} agent${running === 1 ? '' : 's'}` });
      await host.close();
    }
  } catch (error) {
    checks.push({ ok: false, text: isLanesError(error) ? error.line : String(error) });
  }
  for (const check of checks) process.stdout.write(line(check));
  return checks.every((c) => c.ok) ? 0 : 1;
};
