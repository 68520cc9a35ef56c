// A fake agent for the host-death tests, run as a preset: prints its arguments (ARGV-<lane>: ...),
// then starts, through a shell, a grandchild in a session of its own (setsid) that works in the
// agent's folder (the lane's worktree) and appends a timestamp to <dir>/<lane>.ticks every 100 ms.
// Writes its own pid to <dir>/<lane>.agent.pid, the shell's to <lane>.shell.pid and the
// grandchild's to <dir>/<lane>.child.pid
// (each start anew); then prints READY-<lane> and echoes every line it reads. The lane is the
// worktree folder's name.
// Usage: resume-agent.js <dir> [args...]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';

const dir = process.argv[2] ?? '.';
const lane = basename(process.cwd());
const ticks = join(dir, `${lane}.ticks`);
const ticker = `setInterval(() => require('node:fs').appendFileSync(${JSON.stringify(ticks)}, Date.now() + '\\n'), 100);`;
const shell = spawn('sh', ['-c', 'setsid "$0" -e "$1" & echo $! > "$2.tmp" && mv "$2.tmp" "$2"; wait', process.execPath, ticker, join(dir, `${lane}.child.pid`)], { stdio: 'ignore' });
writeFileSync(join(dir, `${lane}.shell.pid`), String(shell.pid));
writeFileSync(join(dir, `${lane}.agent.pid`), String(process.pid));
process.stdout.write(`ARGV-${lane}: ${process.argv.slice(3).join(' ') || '(none)'}\r\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => process.stdout.write(`GOT-${lane}:${line}\r\n`));
process.stdout.write(`READY-${lane}\r\n`);
