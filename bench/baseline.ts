/**
 * Baseline benchmarks (issue 5):
 *  1. the full default baseline on this host (shipped policies + weak-password checks, as the agent
 *     runs it): wall time and CPU (this process incl. koffi's worker threads + the `c:` commands'
 *     children, from /proc/self/stat); target ≤ 30 s and ≤ 1 core-second per 10 checks;
 *  2. hash-checking throughput per core for sha512crypt and yescrypt, Vigil (libxcrypt through
 *     koffi, one call at a time as the shadow check does) next to John the Ripper (Debian `john`
 *     1.9.0, `--format=crypt`, i.e. the same system crypt(3)) on the same shadow file and wordlist
 *     (target ≥ 0.8 × john's rate for sha512crypt). Rates are hash computations per CPU-second
 *     (john's c/s); every hash is of a strong random password, so the whole list is tried.
 * Usage: npm run bench:baseline [-- <sha512 words> <yescrypt words>]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRulesDir, runBaselineScan } from '../src/agent/baseline-scan.js';
import { parseWordList } from '../src/engines/weakpass/dictionary.js';
import { createXcryptHasher } from '../src/host/probe/xcrypt.js';

const SHA_WORDS = Number(process.argv[2] ?? 600);
const YES_WORDS = Number(process.argv[3] ?? 60);
const ACCOUNTS = 4;
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const TICK = 100; // USER_HZ on Linux

function childCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after the command: state(3) … cutime is field 16, cstime 17 (1-based) → index 13, 14 here
  return ((Number(f[13]) + Number(f[14])) * 1000) / TICK;
}

async function fullBaseline(): Promise<void> {
  const c0 = process.cpuUsage();
  const k0 = childCpuMs();
  const t0 = performance.now();
  const snap = await runBaselineScan({ policyDirs: [findRulesDir('baseline') as string], weakpassDir: findRulesDir('weakpass') });
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000 + (childCpuMs() - k0);
  const checks = snap.results.length;
  const evaluated = snap.results.filter((r) => r.result !== 'not applicable').length;
  console.log(`\n## Full default baseline on this host`);
  console.log(`policies loaded: ${snap.policies.length} (${snap.policies.filter((p) => p.requirementsMet).length} applicable), checks: ${checks} (${evaluated} passed/failed), errors: ${snap.errors.length}`);
  console.log(`| wall s | CPU s (self + children) | CPU s per 10 checks |`);
  console.log(`|---|---|---|`);
  console.log(`| ${fmt(wall / 1000, 2)} | ${fmt(cpu / 1000, 2)} | ${fmt(cpu / 1000 / (checks / 10), 3)} |`);
  const slow = snap.errors.slice(0, 5);
  if (slow.length) console.log(`errors: ${slow.join(' | ')}`);
}

function mkpasswd(method: string, pw: string): string {
  return spawnSync('mkpasswd', ['-m', method, pw], { encoding: 'utf8' }).stdout.trim();
}

async function vigilRate(hashes: string[], words: string[]): Promise<{ n: number; cpuS: number; wallS: number }> {
  const h = createXcryptHasher();
  await h.verify('warm-up', hashes[0] as string);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  for (const hash of hashes) {
    for (const w of words) {
      if (await h.verify(w, hash)) throw new Error('unexpected hit');
      n += 1;
    }
  }
  const c = process.cpuUsage(c0);
  return { n, cpuS: (c.user + c.system) / 1e6, wallS: (performance.now() - t0) / 1000 };
}

function johnRate(dir: string, shadow: string, wordlist: string, n: number): { n: number; cpuS: number; wallS: number; status: string } {
  const r = spawnSync('bash', ['-c', `TIMEFORMAT='%U %S %R'; time john --format=crypt --wordlist=${wordlist} --session=${join(dir, 'sess')} ${shadow} > ${join(dir, 'john.out')} 2>&1`], { encoding: 'utf8', cwd: dir, env: { ...process.env, HOME: dir } });
  const [u, s, real] = r.stderr.trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  const out = readFileSync(join(dir, 'john.out'), 'utf8');
  const status = out.split('\n').find((l) => /\dg\/s/.test(l)) ?? out.slice(-200);
  return { n, cpuS: (u ?? 0) + (s ?? 0), wallS: real ?? 0, status: status.trim() };
}

async function hashBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hashbench-'));
  try {
    const all = parseWordList(readFileSync(join(findRulesDir('weakpass') as string, 'common.txt'), 'utf8'));
    console.log(`\n## Hash checking throughput (per core: hash computations / CPU second)`);
    console.log(`| scheme | accounts × words | Vigil c/s per core | Vigil wall s | john c/s per core (start-up subtracted) | john wall s | Vigil / john |`);
    console.log(`|---|---|---|---|---|---|---|`);
    const notes: string[] = [];
    for (const [scheme, method, nWords] of [['sha512crypt', 'sha-512', SHA_WORDS], ['yescrypt', 'yescrypt', YES_WORDS]] as const) {
      const words = all.slice(0, nWords);
      const hashes = Array.from({ length: ACCOUNTS }, () => mkpasswd(method, `Zx9!${randomBytes(12).toString('base64url')}`));
      const shadow = join(dir, `shadow-${scheme}`);
      writeFileSync(shadow, hashes.map((h, i) => `bench${i}:${h}:19000:0:99999:7:::`).join('\n') + '\n');
      const wl = join(dir, `words-${scheme}.txt`);
      writeFileSync(wl, words.join('\n') + '\n');
      const v = await vigilRate(hashes, words);
      const j = johnRate(dir, shadow, wl, hashes.length * words.length);
      // john's start-up (format self-test on init) is measured with a one-word list and subtracted.
      const one = join(dir, `one-${scheme}.txt`);
      writeFileSync(one, 'x\n');
      rmSync(join(dir, '.john'), { recursive: true, force: true });
      const j0 = johnRate(dir, shadow, one, hashes.length);
      rmSync(join(dir, '.john'), { recursive: true, force: true });
      const vr = v.n / v.cpuS;
      const jr = (j.n - j0.n) / Math.max(0.001, j.cpuS - j0.cpuS);
      console.log(`| ${scheme} | ${ACCOUNTS} × ${words.length} | ${fmt(vr)} | ${fmt(v.wallS, 2)} | ${fmt(jr)} (raw ${fmt(j.n / j.cpuS)}) | ${fmt(j.wallS, 2)} | ${fmt(vr / jr, 2)} |`);
      notes.push(`john ${scheme}: ${j.status} (start-up run: ${fmt(j0.cpuS, 2)} CPU s)`);
    }
    for (const n of notes) console.log(`- ${n}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`# bench:baseline — ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const only = process.env.BENCH_ONLY;
if (!only || only === 'full') await fullBaseline();
if (!only || only === 'hash') await hashBench();
console.log(`\nload average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
