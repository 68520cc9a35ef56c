// A fake agent for the scrollback tests: prints MARKER-<name>, then <count> numbered lines, then
// END-<name>, then echoes every line it reads. Usage: history-agent.js <name> <count>
import { createInterface } from 'node:readline';

const name = process.argv[2] ?? 'agent';
const count = Number(process.argv[3] ?? 2000);
let text = `MARKER-${name}\r\n`;
for (let line = 1; line <= count; line++) text += `${name} line ${line}\r\n`;
process.stdout.write(`${text}END-${name}\r\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => process.stdout.write(`GOT-${name}:${line}\r\n`));
rl.on('close', () => process.exit(0));
process.on('SIGHUP', () => process.exit(0));
