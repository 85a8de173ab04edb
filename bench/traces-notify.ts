/**
 * Intrusion traces and notifications (issue 3, R-6.7 / R-6.9):
 *  1. one investigation of this host as the agent runs it (collect + report): wall time, CPU time,
 *     RSS growth and report size, over `runs` runs;
 *  2. notification delivery: `n` alert notices pushed at once into the queue (as the alert pipeline
 *     does) and delivered as generic JSON webhooks to a receiver on loopback: cost of a push on the
 *     caller's thread and deliveries per second.
 * Usage: node --import tsx bench/traces-notify.ts [runs] [n]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { investigate } from '../src/agent/traces-feature.js';
import { NotifyQueue } from '../src/domain/notify/notify-queue.js';
import type { AlertNotice } from '../src/domain/notify/payloads.js';
import { sendNotice } from '../src/domain/notify/senders.js';

const RUNS = Number(process.argv[2] ?? 5);
const N = Number(process.argv[3] ?? 2000);
const mb = (b: number) => (b / 1048576).toFixed(1);

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const walls: number[] = [];
const rss0 = process.memoryUsage.rss();
let peak = rss0;
let bytes = 0;
let cpuMs = 0;
let first = 0;
for (let i = 0; i < RUNS; i++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = investigate({ recentHours: 24 });
  walls.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuMs += (c.user + c.system) / 1000;
  bytes = Buffer.byteLength(JSON.stringify(r));
  peak = Math.max(peak, process.memoryUsage.rss());
  if (i === 0) first = process.memoryUsage.rss();
}
walls.sort((a, b) => a - b);
console.log(`investigation × ${RUNS}: wall p50 ${walls[Math.floor(RUNS / 2)]?.toFixed(0)} ms, max ${walls.at(-1)?.toFixed(0)} ms, CPU ${(cpuMs / RUNS).toFixed(0)} ms/run, RSS ${mb(rss0)} → ${mb(first)} after the first run, peak ${mb(peak)} MB, report ${(bytes / 1024).toFixed(0)} KiB`);

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
const queue = new NotifyQueue({ maxQueued: N, concurrency: 4 });
const now = Date.now();
let failed = 0;
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const notice: AlertNotice = { alertId: i, uuid: 'bench', instanceName: 'bench-host', ip: '127.0.0.1', name: 'Bench alert', ruleId: 'bench', level: 'serious', count: 1, firstTime: now, lastTime: now, reason: 'new' };
  queue.push({ attempt: () => sendNotice({ type: 'webhook', url }, notice), done: (ok) => void (ok ? undefined : failed++) });
}
const pushMs = performance.now() - t0;
await queue.idle();
const totalS = (performance.now() - t0) / 1000;
console.log(`notifications × ${N}: push ${((pushMs * 1000) / N).toFixed(1)} µs each on the caller's thread, all delivered in ${totalS.toFixed(2)} s = ${(N / totalS).toFixed(0)}/s (concurrency 4), received ${received}, failed ${failed}, dropped ${queue.dropped}`);
server.closeAllConnections();
server.close();
