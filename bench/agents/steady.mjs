// A fake agent that streams like a busy coding agent: one coloured status line every period (by
// default 50 ms: 20 lines a second), with a spinner, a step counter, a file name and a progress
// bar. Arguments: its id, a stop file and the period in ms. It ends once the stop file exists
// (checked at each line), so that an agent of the lanes host can go back to waiting.
import { existsSync } from 'node:fs';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const id = process.argv[2] ?? 'x';
const stopFile = process.argv[3];
const PERIOD_MS = Number(process.argv[4] ?? 50) || 50;
let step = 0;
const start = Date.now();
const timer = setInterval(() => {
  if (stopFile !== undefined && existsSync(stopFile)) {
    clearInterval(timer);
    return;
  }
  step += 1;
  const percent = step % 101;
  const filled = Math.round(percent / 5);
  const bar = `\x1b[38;2;80;200;120m${'='.repeat(filled)}\x1b[0m${' '.repeat(20 - filled)}`;
  const file = `\x1b[38;5;${(step * 7) % 256}msrc/module-${step % 97}.ts\x1b[0m`;
  const seconds = ((Date.now() - start) / 1000).toFixed(2);
  process.stdout.write(`\x1b[36m${SPINNER[step % SPINNER.length]}\x1b[0m ${id} step ${step} \x1b[1mbuilding\x1b[0m ${file} [${bar}] ${percent}% \x1b[2m(${seconds}s)\x1b[0m\n`);
}, PERIOD_MS);
