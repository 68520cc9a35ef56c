import { createInterface } from 'node:readline';
import type { AgentIo } from './agent-io.js';
import type { AgentScript } from './agent-scripts.js';
import { MAX_COLUMNS, box, paint, stripControls, truncate, wrap } from './agent-style.js';

/** The hint under the prompt box; tests and the status detector can wait for it. */
export const PROMPT_HINT = 'type a message, Enter to send · exit to quit';

/** Demo-time "thinking" before each reply (ms at speed 1). */
const THINK_MS = 1200;
/** Typed text is quoted back at most this wide, so replies stay a line or two. */
const QUOTE_COLUMNS = 40;
const BOX_WIDTH = MAX_COLUMNS - 2;

/**
 * Draw the prompt box and put the cursor inside it after `> `, where the terminal echoes what
 * the user types (the pty stays in cooked mode).
 */
const showPrompt = (io: AgentIo): void => {
  io.line();
  const rows = box(['> '], BOX_WIDTH, 'dim', (row) => paint('bold', row));
  io.write(`${rows.join('\n')}\n  ${paint('dim', PROMPT_HINT)}`);
  // Up from the hint to the box's middle row, then right past "│ > ".
  io.write('\x1b[2A\r\x1b[4C');
};

/**
 * After Enter the terminal's echo leaves the cursor at the start of the box's bottom row: step
 * over it and the hint to a fresh line.
 */
const leavePrompt = (io: AgentIo): void => {
  io.write('\x1b[1B\r\n');
};

/** A canned reply that quotes what was typed; the second sentence varies from turn to turn. */
export const replyTo = (text: string, turn: number, script: AgentScript): string => {
  const quoted = truncate(text, QUOTE_COLUMNS);
  const follow = [
    `I'll look at that in ${script.focus}.`,
    `Good point; I'll start from ${script.focus}.`,
    `That fits ${script.focus}. Shall I go ahead?`,
  ];
  return `You asked: "${quoted}". ${follow[turn % follow.length] ?? ''}`;
};

const isExit = (text: string): boolean => ['exit', 'quit', '/exit', '/quit'].includes(text.toLowerCase());

/**
 * Wait for messages like an agent at its prompt: read lines from `input`, answer each after a
 * short "thinking…" spinner, and show the prompt again. Resolves on `exit`/`quit` or end of input.
 */
export const chat = async (io: AgentIo, input: NodeJS.ReadableStream, script: AgentScript): Promise<void> => {
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  showPrompt(io);
  let turn = 0;
  for await (const raw of lines) {
    const text = stripControls(raw).trim();
    leavePrompt(io);
    if (isExit(text)) {
      io.line(paint('dim', 'Bye! 👋 またね'));
      lines.close();
      return;
    }
    if (text) {
      await io.spin('thinking…', THINK_MS);
      const [first = '', ...rest] = wrap(replyTo(text, turn, script), MAX_COLUMNS - 2);
      io.line(`${paint('magenta', '●')} ${first}`);
      for (const line of rest) io.line(`  ${line}`);
      turn += 1;
    }
    showPrompt(io);
  }
};
