// A fake agent for the frozen-client test: prints READY-flood, waits for a line "go", then writes
// <megabytes> MB of numbered lines to its terminal as fast as the terminal takes them, then
// prints DONE-flood and writes the elapsed milliseconds to <dir>/done.txt.
// Usage: flood-agent.js <dir> <megabytes>
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const dir = process.argv[2] ?? '.';
const total = Number(process.argv[3] ?? 100) * 1024 * 1024;
// Each line is as wide as the terminal, every character in a colour of its own: frames are as
// large as a screen's frames get.
const body = Array.from({ length: Math.max(1, (process.stdout.columns || 80) - 20) }, (_, i) => `\x1b[3${i % 8}m${String.fromCharCode(97 + (i % 26))}`).join('');
const flood = () => {
  const started = Date.now();
  let written = 0;
  let line = 0;
  const pump = () => {
    while (written < total) {
      let chunk = '';
      while (chunk.length < 64 * 1024) chunk += `flood line ${++line} ${body}\x1b[0m\r\n`;
      written += chunk.length;
      if (!process.stdout.write(chunk)) return void process.stdout.once('drain', pump);
    }
    process.stdout.write('\r\nDONE-flood\r\n', () => writeFileSync(join(dir, 'done.txt'), `${Date.now() - started}\n`));
  };
  pump();
};
const rl = createInterface({ input: process.stdin });
rl.on('line', (text) => {
  if (text.trim() === 'go') flood();
});
process.on('SIGHUP', () => process.exit(0));
process.stdout.write('READY-flood\r\n');
