import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { AgentIo } from './agent-io.js';
import { applyEdit, diffExcerpt, type AgentScript, type FileEdit } from './agent-scripts.js';
import { MAX_COLUMNS, box, paint, truncate, wrap } from './agent-style.js';
import type { DemoRole } from './roles.js';

const run = promisify(execFile);

/** Demo-time durations of the scripted steps (ms at speed 1): about ten seconds in all. */
const STEP_MS = { banner: 400, read: 900, plan: 2000, bullet: 250, edit: 1200, test: 1000, commit: 900 } as const;
/** Lines of the diff excerpt shown after the first source edit. */
const EXCERPT_LINES = 6;
/** Real commands get this long before the agent reports them as failed. */
const COMMAND_TIMEOUT_MS = 60_000;

const runGit = async (args: string[], cwd: string): Promise<string> => {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true', LC_ALL: 'C' };
  const { stdout } = await run('git', args, { cwd, env, timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' });
  return stdout.trim();
};

const firstLine = (error: unknown): string => {
  const stderr = (error as { stderr?: unknown }).stderr;
  const text = typeof stderr === 'string' && stderr.trim() ? stderr : error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0] ?? 'failed';
};

/** A ✓ line; `detail` is dimmed after the text (keep it short: only `text` is truncated). */
const done = (text: string, detail = ''): string => {
  const room = MAX_COLUMNS - 2 - (detail ? detail.length + 1 : 0);
  return `${paint('green', '✓')} ${truncate(text, room)}${detail ? ` ${paint('dim', detail)}` : ''}`;
};
const note = (text: string): string => `${paint('blue', '•')} ${truncate(text, MAX_COLUMNS - 2)}`;
const fail = (text: string): string => `${paint('red', '✗')} ${truncate(text, MAX_COLUMNS - 2)}`;

const readText = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
};

const showBanner = async (io: AgentIo, role: DemoRole, cwd: string): Promise<void> => {
  const branch = await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], cwd).catch(() => '');
  const rows = [`◆ demo agent · ${role.id}`, role.task, branch ? `on branch ${branch}` : `in ${cwd}`];
  const tones = [['bold', 'magenta'], ['bold'], ['dim']] as const;
  for (const row of box(rows, MAX_COLUMNS - 2, 'magenta', (text, index) => paint(tones[index] ?? 'dim', text))) {
    io.line(row);
  }
  io.line();
  await io.pause(STEP_MS.banner);
};

const showExcerpt = (io: AgentIo, edit: FileEdit): void => {
  io.line(`  ${paint('cyan', `@@ ${edit.path}`)}`);
  for (const { sign, line } of diffExcerpt(edit, EXCERPT_LINES)) {
    io.line(`  ${paint(sign === '+' ? 'green' : 'red', truncate(`${sign} ${line}`, MAX_COLUMNS - 4))}`);
  }
};

/** Apply the script's edits; returns the paths that changed. */
const makeEdits = async (io: AgentIo, script: AgentScript, cwd: string): Promise<string[]> => {
  const changed: string[] = [];
  let isExcerptShown = false;
  for (const edit of script.edits) {
    await io.spin(`Editing ${edit.path}`, STEP_MS.edit);
    const target = join(cwd, edit.path);
    const before = await readText(target);
    const result = applyEdit(before, edit);
    if (result.kind === 'missing') {
      io.line(fail(`Could not find the code to change in ${edit.path}`));
      continue;
    }
    if (result.kind === 'already') {
      io.line(note(`${edit.path} already has this change`));
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, result.text);
    changed.push(edit.path);
    const lines = diffExcerpt(edit, Infinity);
    const added = lines.filter((line) => line.sign === '+').length;
    const removed = lines.length - added;
    const verb = before === undefined ? 'Created' : 'Edited';
    io.line(done(`${verb} ${edit.path}`, `(+${added} -${removed})`));
    if (!isExcerptShown && edit.path.startsWith('src/')) {
      showExcerpt(io, edit);
      isExcerptShown = true;
    }
  }
  return changed;
};

const runTests = async (io: AgentIo, script: AgentScript, cwd: string): Promise<void> => {
  const args = ['--test', '--test-reporter=tap', ...script.tests];
  const work = run(process.execPath, args, { cwd, timeout: COMMAND_TIMEOUT_MS, encoding: 'utf8' }).then(
    ({ stdout }) => ({ stdout, isOk: true }),
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '', isOk: false }),
  );
  const { stdout, isOk } = await io.spinWhile(`Running node --test ${script.tests.join(' ')}`, STEP_MS.test, work);
  const count = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(stdout)?.[1] ?? 0);
  const passed = count('pass');
  if (isOk) io.line(done(`${passed} tests passed`));
  else io.line(fail(`${count('fail')} of ${passed + count('fail')} tests failed`));
};

const commit = async (io: AgentIo, script: AgentScript, paths: string[], cwd: string): Promise<void> => {
  const work = (async () => {
    await runGit(['add', '--', ...paths], cwd);
    await runGit(['commit', '-q', '-m', script.commitMessage], cwd);
    const summary = await runGit(['log', '-1', '--format=%h %s'], cwd);
    const stat = await runGit(['show', '--shortstat', '--format=', 'HEAD'], cwd);
    return { summary, stat };
  })();
  try {
    const { summary, stat } = await io.spinWhile('Committing', STEP_MS.commit, work);
    const [first = '', ...rest] = wrap(`Committed ${summary}`, MAX_COLUMNS - 2);
    io.line(done(first));
    for (const line of rest) io.line(`  ${line}`);
    if (stat) io.line(`  ${paint('dim', truncate(stat, MAX_COLUMNS - 2))}`);
  } catch (error) {
    io.line(fail(`git commit failed: ${firstLine(error)}`));
  }
};

/**
 * The scripted part of a demo agent: banner, reading, a plan, real edits in the worktree (`cwd`),
 * a real run of the touched tests and a real commit. Never throws for a failed step: it reports
 * it like an agent would and carries on.
 */
export const runTask = async (io: AgentIo, role: DemoRole, script: AgentScript, cwd: string): Promise<void> => {
  await showBanner(io, role, cwd);
  for (const path of script.reads) {
    await io.spin(`Reading ${path}`, STEP_MS.read);
    const text = await readText(join(cwd, path));
    io.line(text === undefined ? fail(`${path} not found`) : done(`Read ${path}`, `(${text.split('\n').length - 1} lines)`));
  }
  await io.spin('Planning…', STEP_MS.plan);
  io.line(`${paint('blue', '•')} ${paint('bold', 'Plan')}`);
  for (const step of script.plan) {
    io.line(`  ${paint('blue', '•')} ${truncate(step, MAX_COLUMNS - 4)}`);
    await io.pause(STEP_MS.bullet);
  }
  const changed = await makeEdits(io, script, cwd);
  await runTests(io, script, cwd);
  if (changed.length > 0) await commit(io, script, changed, cwd);
  else io.line(note('Nothing new to commit'));
  io.line();
  io.line(`${paint(['bold', 'green'], '✨ done')} ${paint('dim', '· 完了 ·')} ${truncate(role.task, MAX_COLUMNS - 18)}`);
};
