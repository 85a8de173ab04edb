import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRulesDir, runBaselineScan } from '../../src/agent/baseline-scan.js';
import type { BaselineSnapshot } from '../../src/domain/baseline/baseline-types.js';

// The agent's scan on THIS machine: shipped policies + weak-password checks against a temp shadow
// file and a throw-away Redis with a dictionary password. Hashes and passwords must not appear in
// the snapshot that would leave the host.
const WEAK = 'admin@123';
const STRONG = `Zq7!${randomBytes(12).toString('base64url')}`;
const REDIS_PASS = '123456';

let dir: string;
let weakHash: string;
let strongHash: string;
let redis: ChildProcess | undefined;
let redisPort = 0;
let snap: BaselineSnapshot;
let json: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

async function waitRedis(port: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const r = spawnSync('redis-cli', ['-p', String(port), '-a', REDIS_PASS, '--no-auth-warning', 'ping'], { encoding: 'utf8' });
    if (r.stdout.trim() === 'PONG') return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error('test redis did not start');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-bscan-'));
  weakHash = spawnSync('mkpasswd', ['-m', 'yescrypt', WEAK], { encoding: 'utf8' }).stdout.trim();
  strongHash = spawnSync('openssl', ['passwd', '-6', STRONG], { encoding: 'utf8' }).stdout.trim();
  expect(weakHash).toMatch(/^\$y\$/);
  expect(strongHash).toMatch(/^\$6\$/);
  writeFileSync(join(dir, 'shadow'), `root:*:19000:0:99999:7:::\nvigilweak:${weakHash}:19000:0:99999:7:::\nvigilstrong:${strongHash}:19000:0:99999:7:::\n`);
  redisPort = await freePort();
  redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--requirepass', REDIS_PASS, '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  await waitRedis(redisPort);
  snap = await runBaselineScan({
    policyDirs: [findRulesDir('baseline') as string],
    weakpassDir: findRulesDir('weakpass'),
    shadowPath: join(dir, 'shadow'),
    ports: [
      { proto: 'tcp', bindIp: '127.0.0.1', port: redisPort, procName: 'redis-server' },
      { proto: 'tcp', bindIp: '127.0.0.1', port: 6379, procName: 'redis-server' },
      { proto: 'tcp', bindIp: '127.0.0.1', port: 5432, procName: 'postgres' },
    ],
  });
  json = JSON.stringify(snap);
}, 120_000);

afterAll(async () => {
  if (redis && redis.exitCode === null) {
    const exited = new Promise((r) => redis?.once('exit', r));
    redis.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const result = (policyId: string, checkId: number) => snap.results.find((r) => r.policyId === policyId && r.checkId === checkId);

describe('baseline scan on this host', () => {
  it('finds the yescrypt weak password of the test account and not the strong one', () => {
    const r = result('vigil_weakpass', 990001);
    expect(r?.result).toBe('failed');
    expect(r?.reason).toContain('vigilweak');
    expect(r?.reason).not.toContain('vigilstrong');
    expect(r?.category).toBe('weak_password');
  });

  it('finds the Redis dictionary password on the spare port and the open default Redis', () => {
    const r = result('vigil_weakpass', 990002);
    expect(r?.result).toBe('failed');
    expect(r?.targets).toContain(`127.0.0.1:${redisPort}`);
    expect(r?.reason).toContain(`Redis at 127.0.0.1:${redisPort} accepted a password`);
    // Cross-check the system Redis: it answers PING without AUTH exactly when we report it open.
    const open = spawnSync('redis-cli', ['-p', '6379', 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
    expect(r?.targets?.includes('127.0.0.1:6379')).toBe(open);
  });

  it('reports PostgreSQL trust exactly when a random password logs in', () => {
    const trust = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-Atc', 'select 1'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: randomBytes(9).toString('hex') } }).stdout.trim() === '1';
    expect(result('vigil_weakpass', 990003)?.result).toBe(trust ? 'failed' : 'passed');
  });

  it('never puts a password or a hash into the snapshot', () => {
    for (const secret of [WEAK, STRONG, weakHash, strongHash, weakHash.split('$')[3] ?? 'salt?', `"${REDIS_PASS}"`]) expect(json).not.toContain(secret);
  });

  it('runs the shipped policies whose requirements pass; verdicts match the files', () => {
    const redisConf = readFileSync('/etc/redis/redis.conf', 'utf8');
    expect(result('vigil_redis', 920003)?.result).toBe(/^\s*requirepass\s+\S/m.test(redisConf) ? 'passed' : 'failed');
    expect(result('vigil_redis', 920002)?.result).toBe(/^\s*protected-mode\s+no/m.test(redisConf) ? 'failed' : 'passed');
    const sshd = readFileSync('/etc/ssh/sshd_config', 'utf8');
    expect(result('vigil_debian_essentials', 910001)?.result).toBe(/^\s*PermitRootLogin\s+no\s*$/m.test(sshd) ? 'passed' : 'failed');
    expect(result('vigil_debian_essentials', 910001)?.autoFix).toBe(true);
    const nginx = snap.policies.find((p) => p.policyId === 'vigil_nginx');
    let hasNginx = true;
    try {
      readFileSync('/etc/nginx/nginx.conf');
    } catch {
      hasNginx = false;
    }
    expect(nginx?.requirementsMet).toBe(hasNginx);
    if (!hasNginx) expect(snap.results.some((r) => r.policyId === 'vigil_nginx')).toBe(false);
    expect(snap.errors).toEqual([]);
  });

  it('reports a clear error when no policy directory exists', async () => {
    await expect(runBaselineScan({ policyDirs: [join(dir, 'missing')], weakpassDir: null })).rejects.toThrow(/no baseline policy could be loaded/);
  });
});
