#!/usr/bin/env node
// React's production build: element creation is several times cheaper and the development build
// leaks measurement entries. Agents get the user's own environment back (see app/agent-env.ts).
if (process.env.NODE_ENV === undefined) {
  process.env.NODE_ENV = 'production';
  process.env.LANES_DEFAULTED_NODE_ENV = '1';
}
try {
  await import('../dist/bundle/entry.js');
} catch (error) {
  // Failing to load lanes' own files comes before lanes can report anything itself (see
  // systemErrorLine in core/errors.ts, which says the same once loaded): too few file descriptors.
  if (error?.code !== 'EMFILE' && error?.code !== 'ENFILE') throw error;
  process.stderr.write(`lanes: too many open files (${error.path}): raise the limit (ulimit -n) or close other programs, then try again\n`);
  process.exitCode = 1;
}
