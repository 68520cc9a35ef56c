import { ensureBuilt } from '../helpers/built.js';
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { git } from '../../src/git/exec.js';
import { PROMPT_HINT } from '../../src/demo/agent-chat.js';
import { MAX_COLUMNS, displayWidth } from '../../src/demo/agent-style.js';
import { makeDemoRepo } from '../../src/demo/repo.js';
import { DEMO_AGENT_SCRIPT, DEMO_ROLES, type DemoRoleId } from '../../src/demo/roles.js';
import { waitFor } from '../helpers/wait-for-demo.js';

const run = promisify(execFile);
/** A full scripted run at speed 50 takes well under a second; this allows for a loaded machine. */
const RUN_MS = 15_000;

interface AgentRun {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const startAgent = (role: string, cwd: string, speed = '50'): AgentRun => {
  const env = { ...process.env, LANES_DEMO_SPEED: speed, NO_COLOR: undefined };
  const child = spawn(process.execPath, [DEMO_AGENT_SCRIPT, role], { cwd, env });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exit };
};

const waitForOutput = (agent: AgentRun, text: string): Promise<void> =>
  waitFor(() => agent.output().includes(text), RUN_MS, () => `waiting for ${JSON.stringify(text)} in:\n${agent.output()}`);

const withoutOsc = (text: string): string => text.replace(/\x1b\][^\x07]*\x07/g, '');
/** Output without colours and cursor moves, for matching text. */
const plain = (text: string): string => withoutOsc(text).replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '');

let root: string;
let repo: string;
const worktreeOf = (id: DemoRoleId): string => join(root, `wt-${id}`);
const inWorktree = async (id: DemoRoleId, args: string[]): Promise<string> => (await git(args, { cwd: worktreeOf(id) })).trim();

beforeAll(async () => {
  // The agent runs as its own compiled process, as lanes starts it (npm test builds dist/ first).
  await ensureBuilt('dist/demo/agent.js');
  root = await mkdtemp(join(tmpdir(), 'lanes-demo-agent-'));
  repo = await makeDemoRepo(root);
  for (const role of DEMO_ROLES) {
    await git(['worktree', 'add', '-q', '-b', role.lane, worktreeOf(role.id)], { cwd: repo });
  }
}, 60_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

test('the build puts the agent where demoAgentCommand points', () => {
  expect(existsSync(DEMO_AGENT_SCRIPT)).toBe(true);
});

describe.each(DEMO_ROLES.map((role) => [role.id, role] as const))('the %s agent', (id, role) => {
  let agent: AgentRun;

  test('commits exactly one commit with its files, then waits at its prompt', async () => {
    agent = startAgent(id, worktreeOf(id));
    await waitForOutput(agent, PROMPT_HINT);
    expect(await inWorktree(id, ['rev-list', '--count', 'main..HEAD'])).toBe('1');
    const changed = (await inWorktree(id, ['diff', '--name-only', 'main', 'HEAD'])).split('\n').sort();
    expect(changed).toEqual([...role.files].sort());
    expect(await inWorktree(id, ['log', '-1', '--format=%s'])).toMatch(new RegExp(`^${id}: `));
    expect(await inWorktree(id, ['status', '--porcelain'])).toBe('');
    expect(plain(agent.output())).toMatch(/✓ \d+ tests passed/);
    expect(plain(agent.output())).toMatch(new RegExp(`✓ Committed [0-9a-f]{7,} ${id}: `));
  });

  test('sets its title, rings the bell once and stays within the pane width', () => {
    const output = agent.output();
    expect(output).toContain(`\x1b]0;demo: ${id}\x07`);
    expect(withoutOsc(output).split('\x07')).toHaveLength(2);
    expect(output).toContain('\x1b[');
    const lines = output.split(/[\r\n]/).map((line) => displayWidth(line));
    expect(Math.max(...lines)).toBeLessThanOrEqual(MAX_COLUMNS);
  });

  test('answers a typed line quoting it and shows the prompt again', async () => {
    const hints = agent.output().split(PROMPT_HINT).length;
    agent.child.stdin.write(`please check ${id} edge cases\n`);
    await waitForOutput(agent, `You asked: "please check ${id} edge cases".`);
    await waitFor(() => agent.output().split(PROMPT_HINT).length === hints + 1, RUN_MS, agent.output);
  });

  test('exits 0 when told exit', async () => {
    agent.child.stdin.write('exit\n');
    expect(await agent.exit).toEqual({ code: 0, signal: null });
  });
});

test('the three lanes merge into main cleanly and the merged tests pass', async () => {
  const lanes = DEMO_ROLES.map((role) => role.lane);
  await git(['merge', '-q', '--no-edit', ...lanes], { cwd: repo });
  const { stdout } = await run(process.execPath, ['--test', '--test-reporter=tap'], { cwd: repo });
  expect(stdout).toMatch(/^# fail 0$/m);
  expect(Number(/^# pass (\d+)$/m.exec(stdout)?.[1])).toBeGreaterThan(7);
});

test('run again, an agent finds its work done, commits nothing and exits 0 at end of input', async () => {
  const head = await inWorktree('discounts', ['rev-parse', 'HEAD']);
  const agent = startAgent('discounts', worktreeOf('discounts'));
  await waitForOutput(agent, PROMPT_HINT);
  expect(agent.output()).toContain('Nothing new to commit');
  expect(await inWorktree('discounts', ['rev-parse', 'HEAD'])).toBe(head);
  agent.child.stdin.end();
  expect(await agent.exit).toEqual({ code: 0, signal: null });
});

test.each(['SIGTERM', 'SIGHUP'] as const)('%s while it works ends the agent with exit code 0', async (signal) => {
  const agent = startAgent('tax', worktreeOf('tax'), '1');
  await waitForOutput(agent, 'Reading ');
  agent.child.kill(signal);
  expect(await agent.exit).toEqual({ code: 0, signal: null });
  expect(agent.output()).not.toContain(PROMPT_HINT);
});

test('an unknown role is a usage error', async () => {
  const agent = startAgent('nope', root);
  expect(await agent.exit).toEqual({ code: 2, signal: null });
  expect(agent.output()).toContain('usage: agent.js <discounts|tax|checkout>');
});
