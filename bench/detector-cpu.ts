/**
 * Agent CPU with the live detectors on (issue 3 target: <= 2 % of one core on average) and the
 * longest event-loop block, on a host running ~300 extra processes: idle `sleep`s, a few idle
 * shells and some processes holding loopback TCP connections (nc clients, python clients).
 * The agent's real detection loop (`startDetection`: periodic scan every 2 s + exec trigger from
 * the netlink process connector where available) runs in this process; its CPU is measured with
 * process.cpuUsage over the window and the loop delay with perf_hooks.monitorEventLoopDelay.
 * Everything started is killed at the end; the listener is on 127.0.0.1.
 *
 * `--churn N`: a loop (its own process) also runs N short `sh -c true` per second, as monitoring
 * probes and cron jobs do; each is an exec of a shell, the kind that triggers a scan.
 *
 *   node --import tsx bench/detector-cpu.ts [seconds=60] [processes=300] [--poll] [--churn N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { startDetection } from '../src/agent/detect-feature.js';
import { listPids } from '../src/host/procfs/read-snapshot.js';

const seconds = Number(process.argv[2] ?? 60);
const extra = Number(process.argv[3] ?? 300);
/** `--poll`: no exec events (periodic passes only), to separate their share. */
const poll = process.argv.includes('--poll');
const churnAt = process.argv.indexOf('--churn');
const churn = churnAt > 0 ? Number(process.argv[churnAt + 1]) : 0;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');

const home = mkdtempSync(join(tmpdir(), 'vigil-detector-cpu-'));
const children: ChildProcess[] = [];
const conns: Socket[] = [];
const listener = createServer((s) => {
  conns.push(s);
  s.on('error', () => undefined);
});
await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
const port = (listener.address() as { port: number }).port;

function start(argv: string[]): void {
  const [bin, ...args] = argv;
  const c = spawn(bin as string, args, { stdio: 'ignore', detached: true, env: { ...process.env, HOME: home } });
  c.on('error', () => undefined);
  children.push(c);
}

const sockets = 10;
const shells = 10;
for (let i = 0; i < sockets / 2; i++) start(['nc', '127.0.0.1', String(port)]);
for (let i = 0; i < sockets / 2; i++) start(['python3', '-c', `import socket,time\ns=socket.create_connection(('127.0.0.1',${port}))\ntime.sleep(3600)`]);
for (let i = 0; i < shells; i++) start(['bash', '--norc', '--noprofile', '-c', 'sleep 3600; true']);
for (let i = 0; i < extra - sockets - 2 * shells; i++) start(['sleep', '3600']);
if (churn > 0) start(['bash', '-c', `while :; do sh -c true; sleep ${(1 / churn).toFixed(3)}; done`]);
await sleep(3000);
const processCount = listPids().length;

let scans = 0;
const passes: { light: boolean; tablesRead: boolean; fdReads: number; statReads: number; metadataReads: number; maxChunkMs: number; chunks: number; engineMs: number }[] = [];
const detection = startDetection({
  link: { flush: () => undefined },
  queue: { push: (kind, data) => ({ seq: 0, kind, time: 0, data }) },
  log: () => undefined,
  home,
  ...(poll ? { execEvents: false } : {}),
  onScan: (snap, engineMs) => passes.push({ ...snap.pass, engineMs }),
  isPaused: () => {
    scans++;
    return false;
  },
});
// Warm-up: the first scans read every process once.
await sleep(5000);
const loadBefore = load();
scans = 0;
passes.length = 0;
// CPU window: nothing else runs in this process (the loop-delay monitor wakes every 1 ms, which
// costs CPU of its own, so it gets its own window below).
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await sleep(seconds * 1000);
const used = process.cpuUsage(cpu0);
const wallMs = performance.now() - t0;
const windowScans = scans;
const loadAfter = load();
// Loop-delay window.
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
await sleep(Math.min(20, seconds) * 1000);
h.disable();
detection.stop();
// Baseline: the same process, children and connections, detection stopped.
const b0 = process.cpuUsage();
const tb = performance.now();
await sleep(Math.min(20, seconds) * 1000);
const baseUsed = process.cpuUsage(b0);
const basePct = ((baseUsed.user + baseUsed.system) / 1000 / (performance.now() - tb)) * 100;

for (const c of children) {
  try {
    process.kill(-(c.pid as number), 'SIGKILL');
  } catch {
    // gone
  }
}
for (const c of conns) c.destroy();
await new Promise((r) => listener.close(r));
rmSync(home, { recursive: true, force: true });

const cpuPct = ((used.user + used.system) / 1000 / wallMs) * 100;
const ms = (ns: number): string => (ns / 1e6).toFixed(1);
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString()}`);
console.log(`load before ${loadBefore} / after ${loadAfter}; processes on host ${processCount}; detection mode ${detection.mode}; churn ${churn} sh/s`);
console.log(`exec-triggered scans (whole run): ${detection.execStats.triggers} triggers, ${detection.execStats.skipped} skipped (no shell or relay tool of the window left)`);
console.log('| window s | scans | agent CPU % of one core | user ms | system ms | loop delay p50 ms | p99 ms | max ms | same process, detection off: CPU % |');
console.log('|---|---|---|---|---|---|---|---|---|');
console.log(
  `| ${(wallMs / 1000).toFixed(0)} | ${windowScans} | ${cpuPct.toFixed(2)} | ${(used.user / 1000).toFixed(0)} | ${(used.system / 1000).toFixed(0)} | ${ms(h.percentile(50))} | ${ms(h.percentile(99))} | ${ms(h.max)} | ${basePct.toFixed(2)} |`,
);
const avg = (f: (p: (typeof passes)[number]) => number): string => (passes.reduce((a, p) => a + f(p), 0) / Math.max(1, passes.length)).toFixed(1);
const max = (f: (p: (typeof passes)[number]) => number): string => Math.max(0, ...passes.map(f)).toFixed(1);
console.log(
  `passes with engines run: ${passes.length} (${passes.filter((p) => p.light).length} light), socket tables read in ${passes.filter((p) => p.tablesRead).length}; per pass (avg): stat reads ${avg((p) => p.statReads)}, metadata reads ${avg((p) => p.metadataReads)}, fd-table reads ${avg((p) => p.fdReads)}, chunks ${avg((p) => p.chunks)}; ` +
    `longest reader chunk ${max((p) => p.maxChunkMs)} ms; engines ${avg((p) => p.engineMs)} ms avg, ${max((p) => p.engineMs)} ms max`,
);
