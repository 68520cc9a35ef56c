#!/usr/bin/env node
/**
 * Bundles the compiled command line (dist/cli/entry.js) into dist/bundle/: one file per entry and
 * per lazily loaded command, with every dependency inside except node-pty (native). Node 20 has no
 * compile cache, and loading Ink's dependencies file by file (es-toolkit's compat barrel alone is
 * some 400 files) cost the UI half a second at every start. dist/bundle/ sits two folders below the
 * package root like the compiled modules, so their `new URL('../../…', import.meta.url)` paths
 * (themes, package.json, bin/lanes.js, the demo agent) still resolve.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/cli/entry.js`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // node-pty loads its native addon relative to its own files; Ink imports the devtools only when
  // DEV is set, and lanes never installs them.
  external: ['node-pty', 'react-devtools-core'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: { js: "import { createRequire as lanesCreateRequire } from 'node:module'; const require = lanesCreateRequire(import.meta.url);" },
});
