// A fake agent for the command-line tests of the host: it takes its terminal raw (so Enter arrives
// as the \r a terminal sends, untranslated) and appends every byte it reads to the file named by
// its first argument, so a test reads exactly what reached the agent. The file is made once the
// terminal is raw: a test that waits for it types into a ready agent. Its pid goes to FILE.pid
// (before FILE). Once what it read contains EXIT it ends with code 3.
import { appendFileSync, writeFileSync } from 'node:fs';

const [file, name = 'agent'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: record-agent.js FILE [NAME]');
if (process.stdin.isTTY) process.stdin.setRawMode(true);
writeFileSync(`${file}.pid`, String(process.pid));
writeFileSync(file, '');
let read = '';
process.stdin.on('data', (chunk) => {
  appendFileSync(file, chunk);
  read += chunk.toString('utf8');
  if (read.includes('EXIT')) process.exit(3);
});
process.stdout.write(`READY-${name}\r\n`);
