import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'test/**/*.test.mjs'],
    // Real git and real pseudo-terminals are slower than pure code on a 2-core machine, and an
    // end-to-end test of several steps can take three times as long on a loaded one. A limit is a
    // guard against hangs, not a speed check (those are in npm run bench).
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // End-to-end tests each drive a full lanes process; running them all at once on two
    // cores makes their screen waits flaky, so files run with limited parallelism.
    maxWorkers: 2,
    // Every lanes host a test started ends with the run (see the helper).
    globalSetup: ['test/helpers/global-teardown.ts'],
  },
});
