import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRulesDir, runBaselineScan } from '../../src/agent/baseline-scan.js';
import { collectCms } from '../../src/host/inventory/collect-cms.js';
import { HostFs } from '../../src/host/inventory/fs-read.js';
import type { BaselineSnapshot } from '../../src/domain/baseline/baseline-types.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Json = Record<string, unknown>;
type Client = ReturnType<typeof popClient>;
const call = (c: Client, action: string, params: Json = {}) => c.request(action, params, { method: 'POST' }) as Promise<Json>;

const FIXTURES = fileURLToPath(new URL('../fixtures/vulns-app-cms/', import.meta.url));
const WEB_HOST = 'c3c3c3c3-0000-4000-8000-000000000001';
const REDIS_HOST = 'c3c3c3c3-0000-4000-8000-000000000002';

interface VulRecord {
  Name: string;
  Uuid: string;
  Type: string;
  Status: number;
  Necessity: string;
  Related: string;
  ExtendContentJson: { RpmEntityList: Array<{ Name: string; FullVersion: string; UpdateCmd: string; MatchDetail: string; MatchList: string[] }>; Target: string; EmgProof: string };
}

const vulList = async (c: Client, params: Json) => ((await call(c, 'DescribeVulList', { PageSize: 100, ...params })).VulRecords as VulRecord[]);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A Redis with a strong password, for a real "passed" result of check 990002. */
async function startProtectedRedis(dir: string): Promise<{ proc: ChildProcess; port: number }> {
  const port = await freePort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', randomBytes(24).toString('hex'), '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    proc.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  return { proc, port };
}

async function scanRedis(port: number): Promise<BaselineSnapshot> {
  const weakpassDir = findRulesDir('weakpass');
  if (!weakpassDir) throw new Error('rules/weakpass not found');
  return runBaselineScan(
    { policyDirs: [], weakpassDir, ports: [{ proto: 'tcp', bindIp: '127.0.0.1', port, pid: 1, procName: 'redis-server' }] },
    { policyIds: ['vigil_weakpass'], checkIds: [990002] },
  );
}

describe.each(['sqlite', 'postgres'] as const)('app, cms and emg vulnerabilities on %s', (dialect) => {
  let t: TestServer;
  let c: Client;
  let web: string;
  let redisDir: string;
  let redis: { proc: ChildProcess; port: number } | undefined;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    web = mkdtempSync(join(tmpdir(), 'vigil-wp-'));
    redisDir = mkdtempSync(join(tmpdir(), 'vigil-redis-'));
  }, 60_000);
  afterAll(async () => {
    redis?.proc.kill('SIGTERM');
    await t?.close();
    rmSync(web, { recursive: true, force: true });
    rmSync(redisDir, { recursive: true, force: true });
  });

  it('reports a detected WordPress core as Type cms and a pip package as Type app', async () => {
    // A WordPress tree in a web root, found by the agent's detector.
    mkdirSync(join(web, 'var/www/html/wp-includes'), { recursive: true });
    writeFileSync(join(web, 'var/www/html/wp-includes/version.php'), "<?php\n/** The WordPress version string. */\n$wp_version = '6.4.1';\n$wp_db_version = 56657;\n");
    const cms = await collectCms(new HostFs(web, []), ['/var/www']);
    expect(cms).toEqual([{ source: 'cms', name: 'wordpress', version: '6.4.1', path: '/var/www/html' }]);

    const report = await t.server.services.vulns.importPath(FIXTURES);
    expect(report.errors).toEqual([]);
    expect(report.imported).toBe(2);
    await t.server.services.assets.ingestInventory(t.accountId, WEB_HOST, {
      hostname: 'wp-1',
      os: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: '6.1.0-28-amd64', arch: 'x86_64' },
      interfaces: [{ name: 'eth0', mac: '52:54:00:cc:00:01', ips: ['10.0.0.9'] }],
      ports: [{ proto: 'tcp', bindIp: '0.0.0.0', port: 80, pid: 10, procName: 'nginx' }],
      software: [
        ...cms,
        { source: 'pip', name: 'requests', version: '2.0.0', path: '/usr/lib/python3/dist-packages/requests-2.0.0.dist-info' },
        { source: 'pip', name: 'urllib3', version: '2.0.0', path: '/usr/lib/python3/dist-packages/urllib3-2.0.0.dist-info' },
      ],
    });

    const cmsRecs = await vulList(c, { Type: 'cms' });
    expect(cmsRecs.map((r) => [r.Name, r.Uuid, r.Type, r.Status])).toEqual([['VIGIL-WP-2024-0130', WEB_HOST, 'cms', 1]]);
    const wp = cmsRecs[0]?.ExtendContentJson.RpmEntityList[0];
    expect(wp).toMatchObject({ Name: 'wordpress', FullVersion: '6.4.1' });
    expect(wp?.MatchDetail).toContain('6.4.3');
    expect(wp?.MatchList).toEqual(['wordpress < 6.4.3 (WordPress)']);

    const app = await vulList(c, { Type: 'app' });
    expect(app.map((r) => [r.Name, r.Uuid, r.Type, r.Related])).toEqual([['GHSA-652x-xj99-gmcc', WEB_HOST, 'app', 'CVE-2014-1829']]);
    expect(app[0]?.ExtendContentJson.RpmEntityList[0]).toMatchObject({ Name: 'requests', FullVersion: '2.0.0', UpdateCmd: "pip install 'requests>=2.3.0'" });

    // The OS type does not list them; the grouped view has them under their own type.
    expect(await vulList(c, { Type: 'cve', Uuids: WEB_HOST })).toEqual([]);
    const grouped = (await call(c, 'DescribeGroupedVul', { Type: 'app' })).GroupedVulItems as Json[];
    expect(grouped.map((g) => [g.Name, g.Type])).toEqual([['GHSA-652x-xj99-gmcc', 'app']]);
  });

  it('an upgraded WordPress is fixed (7)', async () => {
    await t.server.services.assets.ingestInventory(t.accountId, WEB_HOST, {
      hostname: 'wp-1',
      os: { id: 'debian', prettyName: 'Debian GNU/Linux 12 (bookworm)', versionId: '12', kernel: '6.1.0-28-amd64', arch: 'x86_64' },
      software: [{ source: 'cms', name: 'wordpress', version: '6.4.3', path: '/var/www/html' }, { source: 'pip', name: 'requests', version: '2.0.0' }],
    });
    expect((await vulList(c, { Type: 'cms' })).map((r) => [r.Name, r.Status])).toEqual([['VIGIL-WP-2024-0130', 7]]);
    expect((await vulList(c, { Type: 'app' })).map((r) => r.Status)).toEqual([1]);
  });

  it('app findings can be ignored but not fixed through the OS package manager', async () => {
    const info = JSON.stringify([{ name: 'GHSA-652x-xj99-gmcc', uuid: WEB_HOST }]);
    await expect(call(c, 'ModifyOperateVul', { Type: 'app', OperateType: 'vul_fix', Info: info })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await call(c, 'ModifyOperateVul', { Type: 'app', OperateType: 'vul_ignore', Info: info, Reason: 'internal tool' });
    expect((await vulList(c, { Type: 'app' })).map((r) => r.Status)).toEqual([10]);
    await call(c, 'ModifyOperateVul', { Type: 'app', OperateType: 'vul_undo_ignore', Info: info });
    expect((await vulList(c, { Type: 'app' })).map((r) => r.Status)).toEqual([1]);
    await expect(call(c, 'ModifyOperateVul', { Type: 'emg', OperateType: 'vul_ignore', Info: info })).rejects.toMatchObject({ code: 'InvalidParameter' });
  });

  it('lists an unauthenticated Redis from the baseline results as emg, fixed once it asks for a password', async () => {
    // The shared Redis on 6379 runs without a password: the real weak-password check fails.
    const open = await scanRedis(6379);
    const openResult = open.results.find((r) => r.checkId === 990002);
    expect(openResult?.result).toBe('failed');
    await t.server.services.baseline.ingest(t.accountId, REDIS_HOST, open);

    const emg = await vulList(c, { Type: 'emg' });
    expect(emg.map((r) => [r.Name, r.Uuid, r.Type, r.Status, r.Necessity])).toEqual([['emg:redis-unauth', REDIS_HOST, 'emg', 1, 'asap']]);
    expect(emg[0]?.ExtendContentJson.Target).toBe('127.0.0.1:6379');
    expect(emg[0]?.ExtendContentJson.EmgProof).toMatch(/6379/);
    expect(await vulList(c, { Type: 'emg', Dealed: 'y' })).toEqual([]);

    // The same host, now a Redis with a strong password: the check passes and the emg record is fixed.
    redis = await startProtectedRedis(redisDir);
    const closed = await scanRedis(redis.port);
    expect(closed.results.find((r) => r.checkId === 990002)?.result).toBe('passed');
    await t.server.services.baseline.ingest(t.accountId, REDIS_HOST, closed);
    const after = await vulList(c, { Type: 'emg' });
    expect(after.map((r) => [r.Name, r.Status, r.ExtendContentJson.EmgProof])).toEqual([['emg:redis-unauth', 7, '']]);
    expect((await vulList(c, { Type: 'emg', Dealed: 'n' })).length).toBe(0);
  }, 60_000);

  it('a weak (non-empty) MySQL password is a baseline risk, not an emergency; an empty one is', async () => {
    const base = { policyId: 'vigil_weakpass', policyName: 'Vigil weak passwords and unauthorized access', checkId: 990004, title: 'MySQL/MariaDB accounts have strong passwords', level: 'high' as const, fix: 'x', autoFix: false };
    const snap = (kind: string): BaselineSnapshot => ({
      scannedAt: Date.now(),
      durationMs: 1,
      policies: [],
      errors: [],
      scope: { checkIds: [990004] },
      results: [{ ...base, category: 'weak_password', result: 'failed', reason: `root ${kind}`, evidence: [{ rule: `mysql ${kind}`, outcome: 'found', reason: 'account root at 127.0.0.1:3306' }], targets: ['127.0.0.1:3306'] }],
    });
    await t.server.services.baseline.ingest(t.accountId, WEB_HOST, snap('weak_password'));
    expect((await vulList(c, { Type: 'emg', Name: 'emg:mysql-empty-password' })).map((r) => r.Status)).toEqual([7]);
    await t.server.services.baseline.ingest(t.accountId, WEB_HOST, snap('empty_password'));
    expect((await vulList(c, { Type: 'emg', Name: 'emg:mysql-empty-password' })).map((r) => r.Status)).toEqual([1]);
  });
});
