// Summarises a V8 .cpuprofile (e.g. the server profile bench/agent-fleet.ts writes with --cpu-profile):
// self and total (inclusive) time per function, heaviest first.
//
//   node bench/fleet-profile-top.mjs path/to/server.cpuprofile [rows=40]
import process from 'node:process';
import console from 'node:console';
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/fleet-profile-top.mjs server.cpuprofile [rows]');
  process.exit(2);
}
const rows = Number(rowsArg ?? 40);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

// Sample time per node id from the sample/timeDelta streams.
const selfUs = new Map();
for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i], (selfUs.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const label = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  return `${f.functionName || '(anonymous)'} ${url ? `${url}:${f.lineNumber + 1}` : ''}`.trim();
};
const self = new Map();
const incl = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + us);
  // Inclusive: every distinct function on the stack gets the sample once.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const cl = label(byId.get(cur));
    if (seen.has(cl)) continue;
    seen.add(cl);
    incl.set(cl, (incl.get(cl) ?? 0) + us);
  }
}
const pct = (us) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms`;
console.log(`profile: ${(total / 1e6).toFixed(1)} s of samples (idle included)\n\n-- self --`);
for (const [l, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${pct(us)}  ${l}`);
console.log('\n-- total (inclusive) --');
for (const [l, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, rows)) console.log(`${pct(us)}  ${l}`);
