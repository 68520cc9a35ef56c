// A tiny fake agent for end-to-end tests: announces itself, then echoes every line it reads.
import { createInterface } from 'node:readline';

const name = process.argv[2] ?? 'agent';
process.stdout.write(`\x1b[1;32mREADY-${name}\x1b[0m\r\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => process.stdout.write(`GOT-${name}:${line}\r\n`));
rl.on('close', () => process.exit(0));
process.on('SIGHUP', () => process.exit(0));
