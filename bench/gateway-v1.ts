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
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { signV1 } from '../src/iam/signature/v1.js';

const seconds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 10);
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
// Debian's wrk (C) is the default generator: it leaves the server more of the two cores than
// autocannon (JS). `--tool autocannon` keeps the earlier runs comparable.
const tool = process.argv.includes('--tool') ? process.argv[process.argv.indexOf('--tool') + 1] : existsSync('/usr/bin/wrk') ? 'wrk' : 'autocannon';
const levels = [1, 50, 200];
const rows: string[] = [];
for (const connections of levels) {
  const paths = Array.from({ length: Math.max(20_000, seconds * 12_000) }, signedPath);
  rows.push(tool === 'wrk' ? runWrk(paths, connections) : await runAutocannon(paths, connections));
}

function runWrk(paths: string[], connections: number): string {
  const file = join(home, 'paths.txt');
  writeFileSync(file, paths.join('\n') + '\n');
  const threads = connections === 1 ? 1 : 2;
  const r = spawnSync('wrk', ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '-s', 'bench/wrk-signed-paths.lua', url, '--', file, String(threads)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const out = r.stdout;
  const ms = (label: string): string => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    if (!m) return '?';
    const v = Number(m[1]);
    return String(Math.round((m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v) * 10) / 10);
  };
  const rps = Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0));
  const bad = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) + (/Socket errors: (.*)/.exec(out) ? 1 : 0);
  return `| ${connections} | ${rps} | ${ms('50')} | ${ms('99')} | ${bad} |`;
}

async function runAutocannon(paths: string[], connections: number): Promise<string> {
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
  return `| ${connections} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p99} | ${non2xx} |`;
}

server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
rmSync(home, { recursive: true, force: true });

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${seconds} s per level, generator ${tool}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| connections | req/s | p50 ms | p99 ms | errors/non-2xx |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
