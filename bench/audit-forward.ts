/**
 * Audit forwarding throughput: how fast stored audit batches reach real loopback collectors
 * (UDP and TCP syslog sinks, an HTTP webhook sink), and what the request-path cost of
 * `AuditTrail.record()` is with and without forwarders. A real SQLite store takes the records.
 *
 *   node --import tsx bench/audit-forward.ts [records]
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditTrail } from '../src/domain/audit/audit-trail.js';
import type { AuditRecord } from '../src/domain/audit/audit-types.js';
import { createForwarders } from '../src/domain/audit/forward/index.js';
import { loadConfig } from '../src/server/config.js';
import { migrateToLatest, openStore } from '../src/store/db.js';

const N = Number(process.argv[2] ?? 50_000);
const log = { error: () => undefined, warn: () => undefined };

// The collectors run in another process, as real ones do (bench/audit-forward-sinks.ts).
const sinks = fork(fileURLToPath(new URL('./audit-forward-sinks.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'] });
const hello = await new Promise<{ ports: { udp: number; tcp: number; webhook: number }; udpRecvBuffer: number }>((r) => sinks.once('message', r as (m: unknown) => void));
const ports = hello.ports;
async function counts(): Promise<{ udp: number; tcp: number; webhook: number }> {
  const p = new Promise<{ got: { udp: number; tcp: number; webhook: number } }>((r) => sinks.once('message', r as (m: unknown) => void));
  sinks.send('count');
  return (await p).got;
}

const rec = (i: number): AuditRecord => ({
  id: randomUUID(),
  accountId: '1000000000000000',
  time: Date.now(),
  eventName: 'DescribeSummaryInfo',
  serviceName: 'Sas',
  rw: 'Read',
  eventType: 'ApiCall',
  userType: 'root-account',
  userName: 'root',
  principalId: 'u-1',
  accessKeyId: 'LTAI5tBenchmarkKey0000',
  sourceIp: '127.0.0.1',
  userAgent: 'AlibabaCloud (linux; x64) Node.js/v20 Core/1.7.12',
  requestId: randomUUID(),
  params: { Lang: 'zh', PageSize: 20, i },
  errorCode: null,
  errorMessage: null,
  decision: 'Allow',
  latencyMs: 1.234,
});

type Mode = 'none' | 'udp' | 'tcp' | 'webhook';
async function run(mode: Mode, maxQueue: number): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'vigil-bench-fwd-'));
  const store = openStore({ sqlitePath: join(home, 'vigil.db') });
  await migrateToLatest(store);
  const forward =
    mode === 'udp' ? { syslog: { transport: 'udp', host: '127.0.0.1', port: ports.udp, maxQueue } }
    : mode === 'tcp' ? { syslog: { transport: 'tcp', host: '127.0.0.1', port: ports.tcp, maxQueue } }
    : mode === 'webhook' ? { webhook: { url: `http://127.0.0.1:${ports.webhook}/`, secret: 'bench-secret-0123456789', maxQueue } }
    : undefined;
  const cfg = loadConfig({ env: {}, flags: { home, ...(forward ? { audit: { forward } } : {}) } });
  const fwd = createForwarders(cfg.audit.forward, log);
  const trail = new AuditTrail(store.db, log, undefined, fwd);
  sinks.send('reset');
  const t0 = process.hrtime.bigint();
  // Offered like a busy gateway: 500 records per event-loop turn.
  for (let i = 0; i < N; i++) {
    trail.record(rec(i));
    if (i % 500 === 499) await new Promise((r) => setImmediate(r));
  }
  const recordNs = Number(process.hrtime.bigint() - t0);
  await trail.flush();
  while ((trail as unknown as { pending: unknown[] }).pending.length > 0) await trail.flush(); // private: drain the DB side
  const stored = Number(process.hrtime.bigint() - t0) / 1e9;
  const s = () => fwd[0]?.stats();
  for (let i = 0; i < 1200 && (s()?.queued ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  const done = Number(process.hrtime.bigint() - t0) / 1e9;
  await new Promise((r) => setTimeout(r, 300)); // let the collector count the last datagrams/frames
  const c = await counts();
  const got = () => (mode === 'none' ? N : c[mode]);
  const st = s();
  await trail.close();
  await store.close();
  rmSync(home, { recursive: true, force: true });
  return `| ${mode} | ${maxQueue} | ${N} | ${(recordNs / N / 1000).toFixed(2)} | ${stored.toFixed(2)} | ${done.toFixed(2)} | ${st ? st.sent : '-'} | ${got()} | ${st ? st.dropped : '-'} | ${mode === 'none' ? '-' : Math.round(got() / done)} |`;
}

const load = loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, node ${process.version}, ${new Date().toISOString()}, load ${load}`);
console.log('| forwarder | maxQueue | records | offer loop µs/rec (incl. DB + forwarding work on the same thread) | stored in DB s | all forwarded s | sent | received | dropped | received/s |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const mode of ['none', 'udp', 'tcp', 'webhook'] as const) console.log(await run(mode, 1_000_000));
for (const mode of ['udp', 'tcp', 'webhook'] as const) console.log(await run(mode, 10_000));
console.log(`load after: ${loadavg().map((l) => l.toFixed(1)).join(' ')}; collector UDP receive buffer ${hello.udpRecvBuffer} bytes`);
sinks.send('exit');
