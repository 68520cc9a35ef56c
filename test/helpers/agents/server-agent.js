// A fake agent for the teardown kill tests, run with its cwd in a lane's worktree. It starts a
// child in its own process group (sleep) and, through a shell, a grandchild in a session of its
// own (setsid) that listens on a TCP port and ignores SIGTERM, so only a SIGKILL ends it. Pids go
// to <dir>/agent.pid, child.pid, server.pid and the port to <dir>/port (dir outside the worktree).
// Usage: server-agent.js <dir>
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.';
const portFile = join(dir, 'port');
const server = [
  "process.on('SIGTERM', () => {});",
  "require('node:net').createServer().listen(0, '127.0.0.1', function () {",
  `  require('node:fs').writeFileSync(${JSON.stringify(portFile)}, String(this.address().port));`,
  '});',
].join('\n');
const shell = spawn('sh', ['-c', 'setsid "$0" -e "$1" & echo $! > "$2"; wait', process.execPath, server, join(dir, 'server.pid')], { stdio: 'ignore' });
const child = spawn('sleep', ['300'], { stdio: 'ignore' });
writeFileSync(join(dir, 'agent.pid'), String(process.pid));
writeFileSync(join(dir, 'child.pid'), String(child.pid));
writeFileSync(join(dir, 'shell.pid'), String(shell.pid));
process.on('SIGTERM', () => process.exit(0));
setInterval(() => undefined, 1000);
