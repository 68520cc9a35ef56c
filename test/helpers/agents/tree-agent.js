// A fake agent whose processes escape its process group, for the tests that end whole trees. It
// starts, each in a session of its own (setsid): `inside` (working in the agent's folder, ignores
// SIGTERM so only SIGKILL ends it), `outside` (working in <dir>, out of the worktree) and, through
// a parent that exits at once, `orphan` (working in <dir>, reparented away from the agent: only
// the lane's environment still ties it to the lane). Pids go to <dir>/<name>.pid; then it prints
// READY-tree. Usage: tree-agent.js <dir>
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.';
const keepAlive = 'setInterval(() => undefined, 1000);';
const start = (name, code, cwd) => {
  const child = spawn(process.execPath, ['-e', code], { cwd, detached: true, stdio: 'ignore' });
  child.unref();
  return child;
};
const inside = start('inside', `process.on('SIGTERM', () => undefined); ${keepAlive}`, process.cwd());
const outside = start('outside', keepAlive, dir);
const orphanFile = JSON.stringify(join(dir, 'orphan.pid'));
const parent = [
  "const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { detached: true, stdio: 'ignore' });",
  `require('node:fs').writeFileSync(${orphanFile}, String(c.pid));`,
  'c.unref(); process.exit(0);',
].join('\n');
start('parent', parent, dir);
writeFileSync(join(dir, 'inside.pid'), String(inside.pid));
writeFileSync(join(dir, 'outside.pid'), String(outside.pid));
writeFileSync(join(dir, 'agent.pid'), String(process.pid));
process.stdout.write('READY-tree\r\n');
setInterval(() => undefined, 1000);
