// A tiny fake agent for end-to-end tests: announces itself and its terminal size (again on every
// resize), then echoes every line it reads; a line `title TEXT` sets its terminal title to TEXT.
import { createInterface } from 'node:readline';

const name = process.argv[2] ?? 'agent';
const size = () => process.stdout.write(`SIZE-${name}:${process.stdout.columns}x${process.stdout.rows}\r\n`);
process.stdout.write(`\x1b[1;32mREADY-${name}\x1b[0m\r\n`);
size();
process.stdout.on('resize', size);
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.startsWith('title ')) process.stdout.write(`\x1b]0;${line.slice('title '.length)}\x07`);
  process.stdout.write(`GOT-${name}:${line}\r\n`);
});
rl.on('close', () => process.exit(0));
process.on('SIGHUP', () => process.exit(0));
