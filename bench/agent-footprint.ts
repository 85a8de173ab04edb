/**
 * Agent footprint while idle: the real agent bundle (dist/agent/vigil-agent.mjs) enrolled with an
 * install code to a local server, then its RSS and CPU sampled from /proc over a period (default
 * 600 s = the 10-minute target run). The first inventory snapshot and the first scans are part of
 * the window only if --warmup is 0 (default: 60 s warm-up first).
 *
 * --processes N tops the host up to N processes with idle `sleep`s for the run (the issue's ~200),
 * killed at the end. The agent's CPU is also split by thread (main, libuv pool, V8, other).
 *
 * --installed runs the program as install.sh leaves it (a copy outside the repository with its rules
 * and without node_modules, so without koffi's exec events: /proc polling only).
 *
 *   npm run bench:agent -- [--seconds 600] [--warmup 60] [--processes 200] [--installed]
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AGENT_ENV, AGENT_V8_FLAGS } from '../src/agent/commands.js';
import { popClient } from '../test/helpers/sdk.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const SECONDS = arg('seconds', 600);
const WARMUP = arg('warmup', 60);
const TARGET_PROCESSES = arg('processes', 0);
const TCK = 100;

const countProcesses = (): number => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
const fillers: ChildProcess[] = [];
for (let n = countProcesses(); n < TARGET_PROCESSES; n++) fillers.push(spawn('sleep', ['100000'], { stdio: 'ignore' }));

const home = mkdtempSync(join(tmpdir(), 'vigil-footprint-'));
const agentHome = join(home, 'agent');
const server = spawn(process.execPath, ['bin/vigil.js', 'server', '--home', join(home, 'server'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' } });
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /Vigil listening on (http:\/\/[\d.]+:\d+)/.exec(out);
    if (m) resolve(m[1] as string);
  });
  server.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
});
const key = JSON.parse(spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'create-accesskey', '--home', join(home, 'server'), '--json'], { encoding: 'utf8' }).stdout) as { AccessKeyId: string; AccessKeySecret: string };
const api = popClient(url, key.AccessKeyId, key.AccessKeySecret);
const code = (await api.request('AddInstallCode', {}, { method: 'POST' })).CaptchaCode as string;

// --installed: the program as install.sh leaves it — a copy in a prefix outside this repository,
// with the rules `install --prefix` fetches and no node_modules (so no koffi: /proc polling only).
const installed = process.argv.includes('--installed');
let bundle = 'dist/agent/vigil-agent.mjs';
if (installed) {
  const prefix = join(home, 'prefix');
  mkdirSync(prefix);
  copyFileSync(bundle, join(prefix, 'vigil-agent.mjs'));
  bundle = join(prefix, 'vigil-agent.mjs');
}
execFileSync(process.execPath, [bundle, 'install', '--server', url, '--code', code, '--home', agentHome, '--no-service', ...(installed ? ['--prefix', dirname(bundle)] : [])], { stdio: 'inherit' });
// The same V8 flags and environment the agent's service and supervisor use.
const agent = spawn(process.execPath, [...AGENT_V8_FLAGS, bundle, 'run', '--home', agentHome], { stdio: 'ignore', env: { ...process.env, ...AGENT_ENV } });
const pid = agent.pid as number;

/** CPU of the agent and of its finished children (the inventory/baseline collection processes it waited for). */
function cpuSec(): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TCK;
}
function rssOf(p: number | string): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
const rssMb = (): number => rssOf(pid);
/** RSS of collection children running now (0 between collections). */
function childrenRssMb(): number {
  let kids: string[] = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    // no children list on this kernel
  }
  return kids.reduce((a, k) => a + rssOf(k), 0);
}
/** CPU seconds of each live thread of the agent, by thread name (the main thread is `main`). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(`${name}#${tid}`, (Number(f[11]) + Number(f[12])) / TCK);
    } catch {
      // thread gone
    }
  }
  return out;
}
const processes = countProcesses();

console.log(`agent pid ${pid}; warm-up ${WARMUP} s, then ${SECONDS} s of sampling; ${processes} processes on this host`);
await new Promise((r) => setTimeout(r, WARMUP * 1000));
const load0 = loadavg();
const c0 = cpuSec();
const th0 = threadCpu();
const t0 = Date.now();
const rss: number[] = [];
let kidsMax = 0;
while (Date.now() - t0 < SECONDS * 1000) {
  rss.push(rssMb());
  kidsMax = Math.max(kidsMax, childrenRssMb());
  await new Promise((r) => setTimeout(r, 5000));
}
const wall = (Date.now() - t0) / 1000;
const cpuPct = ((cpuSec() - c0) / wall) * 100;
const byThread = new Map<string, number>();
for (const [k, v] of threadCpu()) {
  const tid = Number(k.slice(k.lastIndexOf('#') + 1));
  const name = tid === pid ? 'main' : k.slice(0, k.lastIndexOf('#'));
  byThread.set(name, (byThread.get(name) ?? 0) + ((v - (th0.get(k) ?? 0)) / wall) * 100);
}
const load1 = loadavg();
const avg = rss.reduce((a, b) => a + b, 0) / rss.length;
console.log('\n| window | host processes | agent RSS avg / max MB | collection child RSS max MB | agent CPU incl. children (% of one core, average) | load avg before → after |');
console.log('|---|---|---|---|---|---|');
console.log(`| ${wall.toFixed(0)} s after ${WARMUP} s warm-up | ${processes} | ${avg.toFixed(1)} / ${Math.max(...rss).toFixed(1)} | ${kidsMax.toFixed(1)} | ${cpuPct.toFixed(2)} | ${load0.map((l) => l.toFixed(2)).join(' ')} → ${load1.map((l) => l.toFixed(2)).join(' ')} |`);
console.log(`${installed ? 'installed layout (no koffi); ' : ''}${cpus().length} × ${cpus()[0]?.model ?? '?'}; Node ${process.version}; agent flags ${AGENT_V8_FLAGS.join(' ')}; env ${Object.entries(AGENT_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`);

console.log(`agent threads (% of one core): ${[...byThread].sort((a, b) => b[1] - a[1]).map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ')}`);

for (const f of fillers) f.kill('SIGKILL');
agent.kill('SIGTERM');
await new Promise((r) => agent.once('exit', r));
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(home, { recursive: true, force: true });
process.exit(0);
