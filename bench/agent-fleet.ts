/**
 * Server under a simulated fleet: N agents (default 2,000) speaking the real link protocol over
 * loopback — each is the agent's own `AgentLink` class with its own enrolled credential, on-disk
 * event queue and WebSocket — with 30 s heartbeats and a periodic inventory snapshot (Vigil agents
 * send full snapshots; the server replaces the host's rows). While the fleet idles, measures the
 * server process's CPU and RSS and the latency of `DescribeCloudCenterInstances` at N assets.
 *
 *   npm run bench:fleet -- [--agents 2000] [--steady 120] [--heartbeat 30] [--inventory-every 600] [--software 200]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { AgentLink } from '../src/agent/link.js';
import { EventQueue } from '../src/agent/event-queue.js';
import { enroll } from '../src/agent/enroll.js';
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

const home = mkdtempSync(join(tmpdir(), 'vigil-fleet-'));
const server = spawn(process.execPath, ['bin/vigil.js', 'server', '--home', home, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' } });
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
function inventoryFor(i: number, round: number): HostInventory {
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    ...local,
    hostname: `sim-${String(i).padStart(5, '0')}`,
    interfaces: [{ name: 'eth0', mac: `52:54:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ips: [ip] }],
    processes: local.processes.slice(0, 100).map((p) => ({ ...p, pid: p.pid + round })),
    software: local.software.slice(0, SOFTWARE),
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
let snapshotsSent = 0;
const rampStart = Date.now();
for (let i = 0; i < AGENTS; i++) {
  const c = creds[i] as { agentId: string; agentSecret: string };
  const q = new EventQueue(join(home, 'q', String(i)), { maxEvents: 100, maxBytes: 100_000 });
  let round = 0;
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
    onTask: noop,
  });
  links.push(link);
  const sendInventory = () => {
    if (link.send({ type: 'snapshot', id: randomUUID(), kind: 'inventory', full: true, data: inventoryFor(i, round++) })) snapshotsSent++;
    // Link not up yet (or reconnecting): try again shortly, as the real agent does.
    else timers.push(setTimeout(sendInventory, 2000));
  };
  // Ramp the fleet in over RAMP_S; each host's first inventory 2 s after its link, then every INVENTORY_EVERY_S (jittered).
  const startIn = (i / AGENTS) * RAMP_S * 1000;
  timers.push(
    setTimeout(() => {
      link.start();
      timers.push(setTimeout(sendInventory, 2000));
      timers.push(
        setTimeout(() => {
          sendInventory();
          timers.push(setInterval(sendInventory, INVENTORY_EVERY_S * 1000));
        }, Math.random() * INVENTORY_EVERY_S * 1000),
      );
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
const snaps0 = snapshotsSent;
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
const wallS = (Date.now() - w0) / 1000;
const serverCpuPct = ((procCpuSec(spid) - cpu0) / wallS) * 100;
const me = process.cpuUsage(me0);
const genCpuPct = ((me.user + me.system) / 1e6 / wallS) * 100;
const load1 = loadavg();
lat.sort((x, y) => x - y);
const pct = (p: number) => (lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] ?? 0).toFixed(1);
// The list calls themselves cost server CPU: report it, and the idle fleet without them is lower.
console.log(`\n| agents | steady window | server CPU (% of one core) | server RSS avg / max MB | list p50 / p99 / max ms (${lat.length} calls, PageSize 20) | snapshots in window | load generator CPU | load avg before → after |`);
console.log('|---|---|---|---|---|---|---|---|');
console.log(
  `| ${AGENTS} | ${wallS.toFixed(0)} s (heartbeat ${HEARTBEAT_S} s, inventory every ${INVENTORY_EVERY_S} s, ${SOFTWARE} packages + 100 processes per host) | ${serverCpuPct.toFixed(1)} | ${(rss.reduce((a, b) => a + b, 0) / Math.max(rss.length, 1)).toFixed(0)} / ${Math.max(...rss).toFixed(0)} | ${pct(50)} / ${pct(99)} / ${(lat[lat.length - 1] ?? 0).toFixed(1)} | ${snapshotsSent - snaps0} | ${genCpuPct.toFixed(1)} % | ${load0.map((l) => l.toFixed(2)).join(' ')} → ${load1.map((l) => l.toFixed(2)).join(' ')} |`,
);
console.log(`\nlink warnings ${linkWarnings}, uncaught errors in the generator ${uncaught}, failed/timed-out API calls ${apiErrors}`);
console.log(`\nenroll ${enrollS.toFixed(1)} s; ramp + first inventories settled in ${settleS.toFixed(0)} s; ${cpus().length} × ${cpus()[0]?.model ?? '?'}; Node ${process.version}`);

for (const t of timers) clearTimeout(t);
for (const l of links) l.stop();
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(home, { recursive: true, force: true });
process.exit(0);
