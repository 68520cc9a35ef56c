/**
 * A scripted demo agent: `node dist/demo/agent.js <role>` with a lane's worktree as the working
 * directory. It behaves like a coding agent in a terminal (banner, spinners, a plan, a diff, real
 * edits, a real test run and a real commit), then waits at a prompt and answers typed lines with
 * canned replies. No network and nothing but Node built-ins. `LANES_DEMO_SPEED` speeds it up.
 */
import { chat } from './agent-chat.js';
import { createAgentIo } from './agent-io.js';
import { AGENT_SCRIPTS } from './agent-scripts.js';
import { paint, readSpeed, setTitle } from './agent-style.js';
import { runTask } from './agent-task.js';
import { DEMO_ROLES, findDemoRole, isDemoRoleId } from './roles.js';

const BELL = '\x07';

const main = async (): Promise<number> => {
  const id = process.argv[2] ?? '';
  if (!isDemoRoleId(id)) {
    process.stderr.write(`usage: agent.js <${DEMO_ROLES.map((role) => role.id).join('|')}>\n`);
    return 2;
  }
  // The pane closing (hang-up) or lanes stopping the lane is a normal end for a demo agent.
  for (const signal of ['SIGHUP', 'SIGTERM'] as const) process.on(signal, () => process.exit(0));
  // Output to a terminal that went away (EIO/EPIPE) ends the agent the same way.
  process.stdout.on('error', () => process.exit(0));

  const role = findDemoRole(id);
  const script = AGENT_SCRIPTS[id];
  const io = createAgentIo(process.stdout, readSpeed(process.env.LANES_DEMO_SPEED));
  io.write(setTitle(`demo: ${id}`));
  await runTask(io, role, script, process.cwd());
  io.write(BELL);
  await chat(io, process.stdin, script);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${paint('red', '✗')} demo agent failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
