// A fake agent that only sets its terminal title, the way Claude Code shows that it is working:
// OSC 0 (icon name and window title) with a braille spinner character and the task, ended by BEL,
// every period (by default 100 ms: 10 Hz). It prints nothing else. Arguments: its id, a stop file
// and the period in ms. It ends once the stop file exists (checked at each title), so that an agent
// of the lanes host can go back to waiting; its last title stays set.
import { existsSync } from 'node:fs';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TASKS = ['Refactoring the parser', 'Running the test suite', 'Reading src/app/store.ts', 'Fixing the lint errors'];
const id = process.argv[2] ?? 'x';
const stopFile = process.argv[3];
const PERIOD_MS = Number(process.argv[4] ?? 100) || 100;
let step = 0;
const timer = setInterval(() => {
  if (stopFile !== undefined && existsSync(stopFile)) {
    clearInterval(timer);
    return;
  }
  step += 1;
  // The task changes every 5 s, as an agent moves on; the spinner at every title.
  const task = TASKS[Math.floor(step / 50) % TASKS.length];
  process.stdout.write(`\x1b]0;${SPINNER[step % SPINNER.length]} ${id}: ${task}\x07`);
}, PERIOD_MS);
