/**
 * Signed POP v1 read action (DescribeSummaryInfo) over loopback against a real server process:
 * requests/s and p50/p99 latency at 1, 50 and 200 connections. Every request carries a fresh
 * nonce and signature, so the full path runs: parse → verify HMAC → nonce → authorize → handler
 * (a store query) → audit record.
 *
 *   npm run build:server && node --import tsx bench/gateway-v1.ts [seconds-per-level]
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signV1 } from '../src/iam/signature/v1.js';

const seconds = Number(process.argv[2] ?? 10);
const home = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
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
const key = JSON.parse(spawnSync(process.execPath, ['bin/vigil.js', 'admin', 'create-accesskey', '--home', home, '--json'], { encoding: 'utf8' }).stdout) as {
  AccessKeyId: string;
  AccessKeySecret: string;
};

function signedPath(): string {
  const p: Record<string, string> = {
    Action: 'DescribeSummaryInfo',
    Version: '2018-12-03',
    Format: 'JSON',
    AccessKeyId: key.AccessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomBytes(12).toString('hex'),
    Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return `/?${new URLSearchParams({ ...p, Signature: signV1('GET', p, key.AccessKeySecret) })}`;
}

// Signing in the load generator would make it the bottleneck on a 2-core machine: sign every
// request up front (each with its own nonce) and only hand them out during the run.
const rows: string[] = [];
for (const connections of [1, 50, 200]) {
  const paths = Array.from({ length: Math.max(20_000, seconds * 12_000) }, signedPath);
  let next = 0;
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] as string }),
      },
    ],
  });
  const non2xx = r.non2xx + r.errors + r.timeouts;
  rows.push(`| ${connections} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${non2xx} |`);
}

server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(home, { recursive: true, force: true });

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${seconds} s per level`);
console.log('| connections | req/s | p50 ms | p99 ms | errors/non-2xx |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
