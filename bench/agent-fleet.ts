/**
 * Server under a simulated fleet: N agents (default 2,000) speaking the real link protocol over
 * loopback — each is the agent's own `AgentLink` class with its own enrolled credential, on-disk
 * event queue and WebSocket (jittered reconnect backoff included) — with 30 s heartbeats and a
 * periodic inventory collection. While the fleet idles, measures the server process's CPU, RSS and
 * event-loop delay and the latency of `DescribeCloudCenterInstances` at N assets.
 *
 * Inventory, as the real agent sends it (src/agent/inventory-feature.ts), with `--mode delta`
 * (default): a full snapshot (with its content hash) after each link-up, then per collection a
 * `full: false` delta against the last snapshot sent — computed by the agent's own
 * `inventoryDelta`/`inventoryHash` (src/agent/inventory-delta.ts) — or nothing when nothing changed;
 * an `inventory.collect` task (the server asks for it when a delta's base differs) gets a full
 * snapshot. `--mode full` sends a full snapshot every collection (the pre-delta agent).
 * Between collections `--churn` of the host's 100 processes are replaced by new ones (100 = every
 * process, what this bench did before 2026-12-05) and, with probability `--software-churn`, one
 * package changes version.
 *
 *   npm run bench:fleet -- [--agents 2000] [--steady 120] [--ramp 240] [--heartbeat 30] [--inventory-every 600]
 *                          [--software 200] [--mode delta|full] [--churn 5] [--software-churn 0.1]
 *                          [--probe-dir DIR] [--cpu-profile]
 *
 * The server runs with bench/fleet-server-probe.mjs preloaded (event-loop delay over the steady
 * window; with --cpu-profile a V8 CPU profile of the window in DIR/server.cpuprofile, summarised by
 * `node bench/fleet-profile-top.mjs DIR/server.cpuprofile`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AgentLink } from '../src/agent/link.js';
import { EventQueue } from '../src/agent/event-queue.js';
import { enroll } from '../src/agent/enroll.js';
import { inventoryDelta, inventoryHash } from '../src/agent/inventory-delta.js';
import { INVENTORY_TASK_KIND } from '../src/agent/inventory-feature.js';
import { collectHostInventory, type HostInventory } from '../src/host/inventory/index.js';
import { popClient } from '../test/helpers/sdk.js';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const AGENTS = arg('agents', 2000);
// A socket reset while thousands of links churn must not end the run: count and report it.
let uncaught = 0;
process.on('uncaughtException', (err) => {
  if (++uncaught <= 5) console.log(`uncaught in the load generator: ${err.stack ?? String(err)}`);
});
const STEADY_S = arg('steady', 120);
const HEARTBEAT_S = arg('heartbeat', 30);
const INVENTORY_EVERY_S = arg('inventory-every', 600);
const SOFTWARE = arg('software', 200);
const RAMP_S = arg('ramp', 60);
function strArg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? String(process.argv[i + 1]) : def;
}
const MODE = strArg('mode', 'delta');
if (MODE !== 'delta' && MODE !== 'full') throw new Error('--mode is delta or full');
const CHURN = arg('churn', 5);
const SOFTWARE_CHURN = arg('software-churn', 0.1);
const CPU_PROFILE = process.argv.includes('--cpu-profile');
const probeDir = process.argv.includes('--probe-dir') ? resolvePath(strArg('probe-dir', '')) : mkdtempSync(join(tmpdir(), 'vigil-fleet-probe-'));
mkdirSync(probeDir, { recursive: true });
rmSync(join(probeDir, 'probe.json'), { force: true });

const home = mkdtempSync(join(tmpdir(), 'vigil-fleet-'));
const server = spawn(process.execPath, ['--import', './bench/fleet-server-probe.mjs', 'bin/vigil.js', 'server', '--home', home, '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', FLEET_PROBE_DIR: probeDir, FLEET_PROBE_CPU: CPU_PROFILE ? '1' : '0' },
});
const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /Vigil listening on (http:\/\/[\d.]+:\d+)/.exec(out);
    if (m) resolve(m[1] as string);
  });
  server.on('exit', (c) => reject(new Error(`server exited ${c}: ${out}`)));
});
const key = JSON.parse(spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'create-accesskey', '--home', home, '--json'], { encoding: 'utf8' }).stdout) as { AccessKeyId: string; AccessKeySecret: string };
const pop = popClient(url, key.AccessKeyId, key.AccessKeySecret);
/** pop-core can lose a call to a socket reset (surfacing as an uncaught error): bound every call. */
let apiErrors = 0;
const api = {
  request: (action: string, params: Record<string, unknown>, opts: { method: 'POST' }) =>
    Promise.race([
      pop.request(action, params, opts),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${action}: no answer within 30 s`)), 30_000).unref()),
    ]).catch((err: unknown) => {
      apiErrors++;
      throw err;
    }),
};
const code = (await api.request('AddInstallCode', { VendorName: 'IDC' }, { method: 'POST' })).CaptchaCode as string;

// ---- server process sampling (/proc) -----------------------------------------------------------
const TCK = 100;
function procCpuSec(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TCK;
}
function procRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}
const spid = server.pid as number;

// ---- the fleet ---------------------------------------------------------------------------------
const local = await collectHostInventory({ maxLanguagePackages: 0 });
const PROCS = Math.min(100, local.processes.length);
/** A host's inventory at collection `round`: this machine's, with its own name/addresses, `CHURN` processes replaced per round. */
function inventoryFor(i: number, round: number, softwareBumps: ReadonlyMap<number, number>): HostInventory {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return {
    ...local,
    collectedAt: Date.now(),
    hostname: `sim-${String(i).padStart(5, '0')}`,
    interfaces: [{ name: 'eth0', mac: `52:54:00:${hex((i >> 16) & 255)}:${hex((i >> 8) & 255)}:${hex(i & 255)}`, ips: [ip] }],
    // Slot k's process is replaced every PROCS/CHURN rounds (staggered), so CHURN of them change per round.
    processes: local.processes.slice(0, PROCS).map((p, k) => {
      const done = round * Math.min(CHURN, PROCS);
      const gen = done > k ? Math.floor((done - 1 - k) / PROCS) + 1 : 0;
      return gen === 0 ? p : { ...p, pid: p.pid + gen * 100_000, startTime: p.startTime + gen * 600_000 };
    }),
    software: local.software.slice(0, SOFTWARE).map((s, k) => {
      const bump = softwareBumps.get(k);
      return bump ? { ...s, version: `${s.version}+sim${bump}` } : s;
    }),
  };
}
const t0 = Date.now();
const creds: Array<{ agentId: string; agentSecret: string }> = [];
let nextEnroll = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (;;) {
      const i = nextEnroll++;
      if (i >= AGENTS) return;
      creds[i] = await enroll(url, code, { proxy: null }, { hostname: `sim-${String(i).padStart(5, '0')}`, os: 'linux', kernel: local.os.kernel, arch: 'x86_64', ips: [`10.0.${(i >> 8) & 255}.${i & 255}`], machineId: randomUUID().replace(/-/g, '') });
    }
  }),
);
const enrollS = (Date.now() - t0) / 1000;
console.log(`enrolled ${AGENTS} agents in ${enrollS.toFixed(1)} s`);

const noop = () => undefined;
let linkWarnings = 0;
const linkLog = (level: 'info' | 'warn' | 'error', msg: string) => {
  if (level === 'info') return;
  if (++linkWarnings <= 5) console.log(`link ${level}: ${msg}`);
};
const links: AgentLink[] = [];
const timers: NodeJS.Timeout[] = [];
const sent = { full: 0, delta: 0, unchanged: 0, fullAsked: 0, notSent: 0 };
const rampStart = Date.now();
for (let i = 0; i < AGENTS; i++) {
  const c = creds[i] as { agentId: string; agentSecret: string };
  const q = new EventQueue(join(home, 'q', String(i)), { maxEvents: 100, maxBytes: 100_000 });
  let round = 0;
  const softwareBumps = new Map<number, number>();
  /** The last snapshot sent on the current link-up: a delta's base (as in src/agent/inventory-feature.ts). */
  let last: { inv: HostInventory; hash: string; linkUp: number | null } | null = null;
  /** One collection, sent the way the real agent sends it. `full`: forced full snapshot (server's task). */
  const collect = (opts: { full?: boolean; scheduled?: boolean }): boolean => {
    if (opts.scheduled) {
      round++;
      if (SOFTWARE > 0 && Math.random() < SOFTWARE_CHURN) {
        const k = Math.floor(Math.random() * SOFTWARE);
        softwareBumps.set(k, (softwareBumps.get(k) ?? 0) + 1);
      }
    }
    const data = inventoryFor(i, round, softwareBumps);
    const hash = inventoryHash(data);
    const linkUp = link.state.lastConnectedAt;
    const base = MODE === 'full' || opts.full || !last || last.linkUp !== linkUp || linkUp === null ? null : last;
    if (base && base.hash === hash && opts.scheduled) {
      sent.unchanged++;
      return true;
    }
    const ok = base
      ? link.send({ type: 'snapshot', id: randomUUID(), kind: 'inventory', full: false, data: inventoryDelta(base.inv, data, base.hash, hash) })
      : link.send({ type: 'snapshot', id: randomUUID(), kind: 'inventory', full: true, data, hash });
    last = ok ? { inv: data, hash, linkUp } : null;
    if (ok) sent[base ? 'delta' : 'full']++;
    else sent.notSent++;
    return ok;
  };
  const link: AgentLink = new AgentLink({
    cred: { server: url, agentId: c.agentId, agentSecret: c.agentSecret, enrolledAt: Date.now() },
    dial: { proxy: null },
    queue: q,
    facts: () => ({ hostname: `sim-${String(i).padStart(5, '0')}`, os: 'linux', kernel: local.os.kernel, arch: 'x86_64', ips: [] }),
    agentVersion: 'fleet-sim',
    heartbeatSec: HEARTBEAT_S,
    maxBackoffMs: 30_000,
    log: linkLog,
    // Keep the bench's heartbeat rate whatever the server's default is.
    onConfig: noop,
    onTask: (t) => {
      const forced = t.kind === INVENTORY_TASK_KIND && typeof t.params === 'object' && t.params !== null && (t.params as { full?: unknown }).full === true;
      if (forced) sent.fullAsked++;
      const ok = t.kind === INVENTORY_TASK_KIND ? collect({ full: forced }) : false;
      link.send({ type: 'result', id: randomUUID(), taskId: t.id, ok, ...(ok ? { data: { sent: true } } : { error: t.kind === INVENTORY_TASK_KIND ? 'link down' : `fleet-sim does not run ${t.kind}` }) });
    },
  });
  links.push(link);
  // Scheduled collection (first one 2 s after start, then every INVENTORY_EVERY_S, first period
  // jittered); a collection that did not go out is retried 10 s later, as the real agent does.
  const scheduled = (ms: number) => {
    timers.push(setTimeout(() => scheduled(collect({ scheduled: true }) ? INVENTORY_EVERY_S * 1000 : 10_000), ms));
  };
  // The real agent checks every 15 s whether the link came up again since its last snapshot and then
  // sends a full one; the check's phase differs per agent, which spreads a reconnect burst.
  const linkWatch = () => {
    if (last && link.state.connected && last.linkUp !== link.state.lastConnectedAt) collect({});
  };
  // Ramp the fleet in over RAMP_S.
  const startIn = (i / AGENTS) * RAMP_S * 1000;
  timers.push(
    setTimeout(() => {
      link.start();
      timers.push(setTimeout(() => scheduled(Math.random() * INVENTORY_EVERY_S * 1000), 2000));
      timers.push(setTimeout(() => collect({}) || scheduled(10_000), 2000));
      timers.push(setInterval(linkWatch, 15_000));
    }, startIn),
  );
}

// Wait until every host is listed with its inventory.
for (;;) {
  await new Promise((r) => setTimeout(r, 5000));
  const connected = links.filter((l) => l.state.connected).length;
  let withInventory = -1;
  try {
    const page = await api.request('DescribeCloudCenterInstances', { PageSize: 1, Criteria: JSON.stringify([{ name: 'software', value: local.software[0]?.name ?? 'bash' }]) }, { method: 'POST' });
    withInventory = (page.PageInfo as { TotalCount: number }).TotalCount;
  } catch (err) {
    console.log(`status call failed: ${(err as Error).message}`);
  }
  console.log(`t+${Math.round((Date.now() - rampStart) / 1000)} s: ${connected} links up, ${withInventory} hosts with inventory, server RSS ${procRssMb(spid).toFixed(0)} MB`);
  if (connected === AGENTS && withInventory === AGENTS) break;
  if (Date.now() - rampStart > (RAMP_S + 600) * 1000) throw new Error('the fleet did not settle within 10 minutes of the ramp');
}
const settleS = (Date.now() - rampStart) / 1000;

// ---- steady state ------------------------------------------------------------------------------
const load0 = loadavg();
const cpu0 = procCpuSec(spid);
const me0 = process.cpuUsage();
const w0 = Date.now();
const rss: number[] = [];
const lat: number[] = [];
const sent0 = { ...sent };
server.kill('SIGUSR2'); // probe: start of the window
const end = w0 + STEADY_S * 1000;
const rssTimer = setInterval(() => rss.push(procRssMb(spid)), 2000);
let page = 1;
while (Date.now() < end) {
  const a = performance.now();
  try {
    await api.request('DescribeCloudCenterInstances', { PageSize: 20, CurrentPage: page }, { method: 'POST' });
    lat.push(performance.now() - a);
  } catch {
    // counted in apiErrors
  }
  page = (page % Math.ceil(AGENTS / 20)) + 1;
  await new Promise((r) => setTimeout(r, 200));
}
clearInterval(rssTimer);
server.kill('SIGUSR2'); // probe: end of the window
const wallS = (Date.now() - w0) / 1000;
const serverCpuPct = ((procCpuSec(spid) - cpu0) / wallS) * 100;
const me = process.cpuUsage(me0);
const genCpuPct = ((me.user + me.system) / 1e6 / wallS) * 100;
const load1 = loadavg();
lat.sort((x, y) => x - y);
const pct = (p: number) => (lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0).toFixed(1);
const probeFile = join(probeDir, 'probe.json');
for (let t = 0; t < 300 && !existsSync(probeFile); t++) await new Promise((r) => setTimeout(r, 100));
const probe = existsSync(probeFile) ? (JSON.parse(readFileSync(probeFile, 'utf8')) as { eventLoopDelayMs: { p50: number; p99: number; max: number }; stalls: { count: number; over100: number; over200: number; top: number[] } }) : null;
const eld = probe ? `${probe.eventLoopDelayMs.p50} / ${probe.eventLoopDelayMs.p99} / ${probe.eventLoopDelayMs.max}` : 'n/a';
const win = { full: sent.full - sent0.full, delta: sent.delta - sent0.delta, unchanged: sent.unchanged - sent0.unchanged, fullAsked: sent.fullAsked - sent0.fullAsked };
// The list calls themselves cost server CPU: report it, and the idle fleet without them is lower.
console.log(
  `\n| agents | steady window | inventory | server CPU (% of one core) | server RSS avg / max MB | list p50 / p99 / max ms (${lat.length} calls, PageSize 20) | server event-loop delay p50 / p99 / max ms | snapshots in window (full + delta; unchanged not sent) | load generator CPU | load avg before → after |`,
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
console.log(
  `| ${AGENTS} | ${wallS.toFixed(0)} s (heartbeat ${HEARTBEAT_S} s, inventory every ${INVENTORY_EVERY_S} s, ${SOFTWARE} packages + ${PROCS} processes per host) | ${MODE === 'delta' ? 'deltas' : 'full snapshots'}, ${Math.min(CHURN, PROCS)} processes replaced + one package changed with p = ${SOFTWARE_CHURN} per collection | ${serverCpuPct.toFixed(1)} | ${(rss.reduce((a, b) => a + b, 0) / Math.max(rss.length, 1)).toFixed(0)} / ${Math.max(...rss).toFixed(0)} | ${pct(50)} / ${pct(99)} / ${(lat[lat.length - 1] ?? 0).toFixed(1)} | ${eld} | ${win.full} + ${win.delta} (${win.unchanged} unchanged${win.fullAsked ? `, ${win.fullAsked} full asked by the server` : ''}) | ${genCpuPct.toFixed(1)} % | ${load0.map((l) => l.toFixed(2)).join(' ')} → ${load1.map((l) => l.toFixed(2)).join(' ')} |`,
);
if (probe) console.log(`\nserver event-loop stalls > 30 ms in the window: ${probe.stalls.count} (> 100 ms: ${probe.stalls.over100}, > 200 ms: ${probe.stalls.over200}; longest ${probe.stalls.top.join(', ')} ms)`);
if (CPU_PROFILE) console.log(`server CPU profile of the window: ${join(probeDir, 'server.cpuprofile')} (node bench/fleet-profile-top.mjs ${join(probeDir, 'server.cpuprofile')})`);
console.log(`whole run: ${sent.full} full snapshots, ${sent.delta} deltas, ${sent.unchanged} unchanged collections, ${sent.fullAsked} full snapshots asked by the server, ${sent.notSent} collections not sent (link down)`);
console.log(`\nlink warnings ${linkWarnings}, uncaught errors in the generator ${uncaught}, failed/timed-out API calls ${apiErrors}`);
console.log(`\nenroll ${enrollS.toFixed(1)} s; ramp + first inventories settled in ${settleS.toFixed(0)} s; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; Node ${process.version}`);

for (const t of timers) clearTimeout(t);
for (const l of links) l.stop();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(home, { recursive: true, force: true });
process.exit(0);
