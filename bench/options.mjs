/**
 * Bench settings: the default run (under 10 minutes on a 2-core VM) and `--quick` (a smoke test
 * under a minute; its numbers are too small to trust).
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
  steadySeconds: 15,
  steadyRuns: 2,
  steadyWarmupMs: 2000,
  idleSeconds: 10,
  // Statuses settle 3 s after an agent's last output (core/status.ts): measure after that.
  idleWarmupMs: 5000,
  overlapReps: 10,
  // Attach (issue 8): 8 lanes with 5,000 lines of history each, attached to 5 times.
  attachLines: 5000,
  attachReps: 5,
};

const QUICK = {
  ...DEFAULT,
  floodBytes: 4 * MB,
  floodBytesEach4: 1 * MB,
  floodReps: 1,
  floodTimeoutMs: 30_000,
  latencyKeys: 10,
  steadySeconds: 1.5,
  steadyRuns: 1,
  steadyWarmupMs: 500,
  idleSeconds: 1.5,
  idleWarmupMs: 1000,
  overlapReps: 2,
  attachReps: 1,
};

export const SECTIONS = ['throughput', 'latency', 'steady', 'idle', 'overlap', 'attach'];

const USAGE = `usage: node bench/run.mjs [--quick] [--only SECTION[,SECTION]] [--reps N] [--cpu-prof DIR]
  --quick     small sizes and one repetition: a smoke test (< 60 s), not a measurement
  --only      run some of: ${SECTIONS.join(', ')}
  --reps      repetitions of each flood (default ${DEFAULT.floodReps})
  --cpu-prof  write a V8 CPU profile of every lanes process (launcher, UI, host) into DIR,
              with processes.txt naming each pid (slows lanes down: for finding causes, not
              for numbers; node bench/profile-top.mjs FILE lists a profile's heaviest functions)
Run \`npm run build\` first (npm run bench does).`;

/** Parses argv; returns { settings, sections, isQuick, profileDir } or { help } / { error }. */
export const parseOptions = (argv) => {
  let isQuick = false;
  let sections = SECTIONS;
  let reps;
  let profileDir;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') isQuick = true;
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
  return { settings, sections, isQuick, profileDir };
};
