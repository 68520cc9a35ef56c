import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'test/**/*.test.mjs'],
    // Real git and real pseudo-terminals are slower than pure code on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end tests each drive a full lanes process; running them all at once on two
    // cores makes their screen waits flaky, so files run with limited parallelism.
    maxWorkers: 2,
  },
});
