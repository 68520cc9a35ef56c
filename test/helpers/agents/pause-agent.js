// A fake agent for the pause tests. It starts a child in a session of its own (setsid, out of
// reach of signals to the agent's process group) that appends a timestamp to ticks.txt every
// 100 ms, appends what it reads from the terminal to input.txt, and appends its terminal size to
// sizes.txt on every SIGWINCH. Pids go to agent.pid and child.pid; ending on SIGHUP or SIGTERM
// (rather than by a SIGKILL) is noted in ended.txt. Usage: pause-agent.js <dir>
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '.';
const ticks = join(dir, 'ticks.txt');
const ticker = `setInterval(() => require('node:fs').appendFileSync(${JSON.stringify(ticks)}, Date.now() + '\\n'), 100);`;
const child = spawn(process.execPath, ['-e', ticker], { detached: true, stdio: 'ignore' });
child.unref();
writeFileSync(join(dir, 'agent.pid'), String(process.pid));
writeFileSync(join(dir, 'child.pid'), String(child.pid));

process.stdin.setRawMode(true);
process.stdin.on('data', (data) => {
  appendFileSync(join(dir, 'input.txt'), data);
  process.stdout.write(`GOT:${JSON.stringify(data.toString())}\r\n`);
});
process.stdout.on('resize', () => {
  appendFileSync(join(dir, 'sizes.txt'), `${process.stdout.columns}x${process.stdout.rows}\n`);
  process.stdout.write(`SIZE:${process.stdout.columns}x${process.stdout.rows}\r\n`);
});
for (const signal of ['SIGHUP', 'SIGTERM']) {
  process.on(signal, () => {
    appendFileSync(join(dir, 'ended.txt'), `ended ${process.pid}\n`);
    process.exit(0);
  });
}
process.stdout.write('READY\r\n');
