#!/usr/bin/env node
/**
 * The heaviest functions of a V8 CPU profile (`--cpu-prof`, e.g. from `npm run bench -- --cpu-prof
 * DIR`) by self time: `node bench/profile-top.mjs FILE.cpuprofile [N]` (N defaults to 10).
 * Functions are merged by name and place (file:line); paths are shown from node_modules/ or dist/ on.
 * Time the process spent waiting, V8's "(idle)", is left out of the ranking and reported apart.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { num, table } from './table.mjs';

/** Where a function is, short: the part of its URL from node_modules/ or dist/, else the file name. */
const place = (frame) => {
  if (!frame.url) return '';
  const url = frame.url.replace(/^file:\/\//, '');
  const at = Math.max(url.lastIndexOf('node_modules/'), url.indexOf('/dist/') + 1);
  const short = at > 0 ? url.slice(at) : url.split('/').at(-1);
  return `${short}:${frame.lineNumber + 1}`;
};

/**
 * Self time per function of a parsed profile, heaviest first:
 * [{ name, place, ms, share }] where share is of the whole profile's sampled time.
 */
export const selfTimes = (profile) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perNode = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = (profile.timeDeltas[i] ?? 0) / 1000;
    total += delta;
    perNode.set(id, (perNode.get(id) ?? 0) + delta);
  });
  const merged = new Map();
  for (const [id, ms] of perNode) {
    const frame = byId.get(id)?.callFrame ?? { functionName: '?', url: '', lineNumber: -1 };
    const name = frame.functionName || '(anonymous)';
    const key = `${name}\u0000${place(frame)}`;
    const entry = merged.get(key) ?? { name, place: place(frame), ms: 0 };
    entry.ms += ms;
    merged.set(key, entry);
  }
  return [...merged.values()].sort((a, b) => b.ms - a.ms).map((e) => ({ ...e, share: total > 0 ? e.ms / total : 0 }));
};

/** The top `n` busy functions as a table (% of busy time), with the profile's length and idle time. */
export const topReport = (profile, n = 10) => {
  const all = selfTimes(profile);
  const idle = all.filter((r) => r.name === '(idle)').reduce((sum, r) => sum + r.ms, 0);
  const busy = all.filter((r) => r.name !== '(idle)');
  const busyMs = busy.reduce((sum, r) => sum + r.ms, 0);
  const total = (profile.endTime - profile.startTime) / 1000;
  return [
    table(['self ms', '% busy', 'function', 'where'], busy.slice(0, n).map((r) => [num(r.ms, 1), num(busyMs > 0 ? (r.ms / busyMs) * 100 : 0, 1), r.name, r.place])),
    `profile: ${num(total, 0)} ms, of which busy ${num(busyMs, 0)} ms, idle ${num(idle, 0)} ms`,
  ].join('\n');
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error('usage: node bench/profile-top.mjs FILE.cpuprofile [N]');
    process.exitCode = 2;
  } else {
    console.log(topReport(JSON.parse(readFileSync(file, 'utf8')), count ? Number(count) : 10));
  }
}
