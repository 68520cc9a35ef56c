// Stands in for a shell in end-to-end tests: leads the terminal's session and runs its arguments
// as a child in its own process group, the way a shell runs `lanes`, and stays when the child is
// gone (a killed launcher leaves the shell, and the terminal, running). Prints nothing.
// Usage: session-leader.js <program> [args…]
import { spawn } from 'node:child_process';

const [program, ...args] = process.argv.slice(2);
spawn(program, args, { stdio: 'inherit' }).on('error', () => undefined);
setInterval(() => undefined, 60_000);
