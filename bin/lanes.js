#!/usr/bin/env node
// React's production build: element creation is several times cheaper and the development build
// leaks measurement entries. Agents get the user's own environment back (see app/agent-env.ts).
if (process.env.NODE_ENV === undefined) {
  process.env.NODE_ENV = 'production';
  process.env.LANES_DEFAULTED_NODE_ENV = '1';
}
await import('../dist/bundle/entry.js');
