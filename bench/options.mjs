/**
 * Bench settings: the default run (about 9–10 minutes on a 2-core VM) and `--quick` (a smoke test
 * of a minute or two; its numbers are too small to trust); `--soak` runs the soak alone.
 */
const MB = 1_000_000;

const DEFAULT = {
  // 50 MB through one lane; 4 lanes × 12.5 MB (50 MB in total, not 50 MB each: time).
  floodBytes: 50 * MB,
  floodBytesEach4: 12.5 * MB,
  floodReps: 5,
  floodTimeoutMs: 120_000,
  latencyKeys: 200,
  latencyRuns: 1,
  // The CPU cases (spinner, title, 16 lanes, idle): each run of each multiplexer measured over
  // this window, twice, interleaved.
  cpuSeconds: 10,
  cpuRuns: 2,
  cpuWarmupMs: 2000,
  // 16 agents start a Node process each: give them a second more.
  scaleWarmupMs: 3000,
  // Statuses settle 3 s after an agent's last output (core/status.ts), and V8's memory reducer
  // runs a few collections (with their helper threads) some 8 s after a process's start-up
  // allocations: a one-off, not a periodic wake-up. Idle is measured after both.
  idleWarmupMs: 15_000,
  overlapReps: 10,
  // Attach (issue 8): 8 lanes with 5,000 lines of history each, attached to 5 times.
  attachLines: 5000,
  attachReps: 5,
  // Memory (issue 11): 1, 8 and 16 lanes with 5,000 lines of history each, two attaches at each.
  memoryLevels: [1, 8, 16],
  memoryLines: 5000,
  memoryReps: 2,
  memorySettleMs: 2000,
};

const QUICK = {
  ...DEFAULT,
  floodBytes: 4 * MB,
  floodBytesEach4: 1 * MB,
  floodReps: 1,
  floodTimeoutMs: 30_000,
  latencyKeys: 10,
  cpuSeconds: 1.5,
  cpuRuns: 1,
  cpuWarmupMs: 500,
  scaleWarmupMs: 1000,
  idleWarmupMs: 1000,
  overlapReps: 2,
  attachReps: 1,
  memoryReps: 1,
  memorySettleMs: 500,
};

/** `--soak` without a number. */
const SOAK_MINUTES = 30;

export const SECTIONS = ['throughput', 'latency', 'steady', 'title', 'scale', 'idle', 'overlap', 'attach', 'memory'];

const USAGE = `usage: node bench/run.mjs [--quick] [--only SECTION[,SECTION]] [--reps N] [--cpu-prof DIR]
                         [--node-options "FLAGS"] [--soak [MINUTES]]
  --quick         small sizes and one repetition: a smoke test (a minute or two), not a measurement
  --only          run some of: ${SECTIONS.join(', ')}
  --reps          repetitions of each flood (default ${DEFAULT.floodReps})
  --cpu-prof      write a V8 CPU profile of every lanes process (launcher, UI, host) into DIR,
                  with processes.txt naming each pid (slows lanes down: for finding causes, not
                  for numbers; node bench/profile-top.mjs FILE lists a profile's heaviest functions)
  --node-options  Node options for every lanes host, UI and launcher the bench starts, split at
                  spaces (e.g. "--perf-basic-prof --interpreted-frames-native-stack" for perf
                  record -p PID); each process's pid is printed with its role on stderr
  --soak          only the soak: 4 streaming lanes, the UI attached, for MINUTES (default
                  ${SOAK_MINUTES}), memory sampled over time; 2 is a quick check
Run \`npm run build\` first (npm run bench does).`;

/** The value of `--name VALUE` or `--name=VALUE` at argv[i]; `next` is whether argv[i + 1] was used. */
const valueOf = (argv, i, name) => (argv[i].startsWith(`${name}=`) ? { value: argv[i].slice(name.length + 1), next: false } : { value: argv[i + 1], next: true });

/**
 * Parses argv; returns { settings, sections, isQuick, profileDir, nodeOptions, soakMinutes } or
 * { help } / { error }. `soakMinutes` is set when only the soak runs.
 */
export const parseOptions = (argv) => {
  let isQuick = false;
  let sections = SECTIONS;
  let reps;
  let profileDir;
  let nodeOptions = [];
  let soakMinutes;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') isQuick = true;
    else if (arg === '--soak' || arg.startsWith('--soak=')) {
      const { value, next } = valueOf(argv, i, '--soak');
      const isNumber = value !== undefined && /^\d+(\.\d+)?$/.test(value);
      if (!next && !isNumber) return { error: `--soak takes a number of minutes\n${USAGE}` };
      soakMinutes = isNumber ? Number(value) : SOAK_MINUTES;
      if (isNumber && next) i += 1;
      if (!(soakMinutes > 0)) return { error: `--soak needs more than 0 minutes\n${USAGE}` };
    } else if (arg === '--node-options' || arg.startsWith('--node-options=')) {
      const { value, next } = valueOf(argv, i, '--node-options');
      if (next) i += 1;
      nodeOptions = String(value ?? '').split(/\s+/).filter(Boolean);
      if (nodeOptions.length === 0) return { error: `--node-options needs Node options, e.g. "--perf-basic-prof"\n${USAGE}` };
      if (nodeOptions.some((o) => !o.startsWith('-'))) return { error: `--node-options takes options only (each starting with -): ${value}\n${USAGE}` };
    }
    else if (arg === '-h' || arg === '--help') return { help: USAGE };
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice(7) : argv[++i];
      sections = String(value ?? '').split(',').filter(Boolean);
      const unknown = sections.filter((s) => !SECTIONS.includes(s));
      if (unknown.length > 0 || sections.length === 0) return { error: `unknown section: ${unknown.join(', ') || '(none)'}\n${USAGE}` };
    } else if (arg === '--reps' || arg.startsWith('--reps=')) {
      reps = Number(arg.includes('=') ? arg.slice(7) : argv[++i]);
      if (!Number.isInteger(reps) || reps < 1) return { error: `--reps needs a whole number ≥ 1\n${USAGE}` };
    } else if (arg === '--cpu-prof' || arg.startsWith('--cpu-prof=')) {
      profileDir = arg.includes('=') ? arg.slice(11) : argv[++i];
      if (!profileDir) return { error: `--cpu-prof needs a folder\n${USAGE}` };
    } else return { error: `unknown option: ${arg}\n${USAGE}` };
  }
  const settings = { ...(isQuick ? QUICK : DEFAULT), ...(reps === undefined ? {} : { floodReps: reps }) };
  return { settings, sections, isQuick, profileDir, nodeOptions, soakMinutes };
};
