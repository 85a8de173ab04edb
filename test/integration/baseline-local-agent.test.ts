import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalAgentServer, type LocalAgentServer } from '../helpers/local-agent-server.js';
import { popClient } from '../helpers/sdk.js';

// End to end through `vigil server --local-agent`: the agent scans THIS machine, the baseline
// snapshot is ingested, and the Sas baseline actions answer from it. A TEST-ONLY policy (added
// through VIGIL_BASELINE_POLICY_DIRS) points at a temp sshd_config for the verify and fix flows.
if (!existsSync('dist/cli/main.js')) throw new Error('dist/cli/main.js is missing: run `npm run build` first');

let home: string;
let work: string;
let conf: string;
let server: LocalAgentServer | undefined;
let sas: ReturnType<typeof popClient>;

const call = async <T>(action: string, params: Record<string, unknown> = {}): Promise<T> => (await sas.request(action, params, { method: 'POST' })) as T;

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const POLICY = (file: string) => `policy:
  id: vigil_test_local_sshd
  name: "TEST ONLY temp sshd_config"
  vigil: { category: config_red_line, level: medium }
checks:
  - id: 1
    title: "TEST root login disabled"
    remediation: "Set PermitRootLogin no."
    condition: all
    rules:
      - 'f:${file} -> r:^\\s*PermitRootLogin\\s+no\\s*$'
  - id: 2
    title: "TEST MaxAuthTries at most 4"
    remediation: "Set MaxAuthTries 4."
    condition: all
    rules:
      - 'f:${file} -> n:^\\s*MaxAuthTries\\s+(\\d+) compare <= 4'
    vigil:
      fix: { kind: set_option, file: ${file}, match: '^\\s*#?\\s*MaxAuthTries\\b', line: "MaxAuthTries 4" }
`;

type Summary = { WarningSummarys: Array<{ RiskId: number; RiskName: string; HighWarningCount: number; MediumWarningCount: number; LowWarningCount: number; WarningMachineCount: number }> };
type Warnings = { CheckWarnings: Array<{ CheckId: number; CheckWarningId: number; Status: number; Reason: string; FixStatus: number; ExecErrorMessage: string }> };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'vigil-bl-work-'));
  conf = join(work, 'sshd_config');
  writeFileSync(conf, 'PermitRootLogin yes\nMaxAuthTries 6\n');
  mkdirSync(join(work, 'rules'));
  writeFileSync(join(work, 'rules', 'test-sshd.yml'), POLICY(conf));
  server = await startLocalAgentServer({ VIGIL_BASELINE_POLICY_DIRS: join(work, 'rules') });
  home = server.home;
  const key = server.createKey();
  sas = popClient(server.url, key.AccessKeyId, key.AccessKeySecret);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('baseline through vigil server --local-agent', () => {
  let uuid = '';
  let weakRisk = 0;
  let testRisk = 0;

  it('receives the baseline of this machine: open Redis and PostgreSQL trust as they really are', async () => {
    const s = await until('baseline ingested', async () => {
      const r = await call<Summary>('DescribeCheckWarningSummary');
      return r.WarningSummarys.some((x) => x.RiskName.startsWith('TEST ONLY')) ? r : undefined;
    });
    weakRisk = s.WarningSummarys.find((x) => x.RiskName === 'Vigil weak passwords and unauthorized access')?.RiskId ?? 0;
    testRisk = s.WarningSummarys.find((x) => x.RiskName.startsWith('TEST ONLY'))?.RiskId ?? 0;
    const machines = await call<{ WarningMachines: Array<{ Uuid: string; Online: boolean }> }>('DescribeWarningMachines', { RiskId: testRisk });
    expect(machines.WarningMachines).toHaveLength(1);
    uuid = machines.WarningMachines[0]?.Uuid ?? '';

    const redisOpen = spawnSync('redis-cli', ['-p', '6379', 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG';
    const pgTrust = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-Atc', 'select 1'], { encoding: 'utf8', env: { ...process.env, PGPASSWORD: 'vigil-random-not-a-password' } }).stdout.trim() === '1';
    if (redisOpen || pgTrust) expect(weakRisk).toBeGreaterThan(0);
    const weak = weakRisk ? (await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: weakRisk })).CheckWarnings : [];
    const redis = weak.find((w) => w.CheckId === 990002);
    expect(redis?.Status === 1 && redis.Reason.includes('127.0.0.1:6379 runs commands without authentication')).toBe(redisOpen);
    expect(weak.find((w) => w.CheckId === 990003)?.Status === 1).toBe(pgTrust);

    const redisConf = readFileSync('/etc/redis/redis.conf', 'utf8');
    const redisRisk = s.WarningSummarys.find((x) => x.RiskName === 'Vigil baseline for Redis');
    const requirepassFails = !/^\s*requirepass\s+\S/m.test(redisConf);
    if (requirepassFails) {
      const w = await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: redisRisk?.RiskId, CheckId: 920003 });
      expect(w.CheckWarnings[0]?.Status).toBe(1);
    }
  });

  it('ignores a warning and takes it back', async () => {
    const [w] = (await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 1 })).CheckWarnings;
    expect(w?.Status).toBe(1);
    await call('IgnoreHcCheckWarnings', { CheckWarningIds: String(w?.CheckWarningId), Type: 1, Reason: 'test' });
    expect((await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 1 })).CheckWarnings[0]?.Status).toBe(6);
    await call('IgnoreHcCheckWarnings', { CheckWarningIds: String(w?.CheckWarningId), Type: 2 });
    expect((await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 1 })).CheckWarnings[0]?.Status).toBe(1);
  });

  it('ValidateHcWarnings re-runs the check on the host and records the new verdict', async () => {
    writeFileSync(conf, readFileSync(conf, 'utf8').replace('PermitRootLogin yes', 'PermitRootLogin no'));
    await call('ValidateHcWarnings', { RiskIds: String(testRisk), CheckIds: '1', Uuids: uuid });
    await until('check 1 passes', async () => ((await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 1 })).CheckWarnings[0]?.Status === 3 ? true : undefined));
  });

  it('FixCheckWarnings applies the declared safe fix on the host, backed up, and the check passes', async () => {
    const r = await call<{ BatchId: number }>('FixCheckWarnings', { CheckParams: JSON.stringify([{ checkId: 2 }]), RiskId: testRisk, Uuids: uuid });
    expect(r.BatchId).toBeGreaterThan(0);
    const w = await until('fix done', async () => {
      const [x] = (await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 2 })).CheckWarnings;
      return x && x.FixStatus !== 1 && x.Status === 3 ? x : undefined;
    });
    expect(w.FixStatus).toBe(2);
    expect(readFileSync(conf, 'utf8')).toBe('PermitRootLogin no\nMaxAuthTries 4\n');
    expect(readdirSync(join(home, 'local-agent', 'baseline-backups'))).toHaveLength(1);
  });

  it('RollbackHcCheckFix restores the fixed file byte-identical and the check fails again', async () => {
    const [w] = (await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 2 })).CheckWarnings;
    const r = await call<{ RolledBack: number; Failures: unknown[] }>('RollbackHcCheckFix', { CheckWarningIds: String(w?.CheckWarningId) });
    expect(r).toMatchObject({ RolledBack: 1, Failures: [] });
    expect(readFileSync(conf, 'utf8')).toBe('PermitRootLogin no\nMaxAuthTries 6\n');
    const after = await until('check 2 fails again', async () => {
      const [x] = (await call<Warnings>('DescribeCheckWarnings', { Uuid: uuid, RiskId: testRisk, CheckId: 2 })).CheckWarnings;
      return x?.Status === 1 ? x : undefined;
    });
    expect(after.FixStatus).toBe(4);
    // Nothing left to roll back.
    await expect(call('RollbackHcCheckFix', { CheckWarningIds: String(w?.CheckWarningId) })).rejects.toMatchObject({ code: 'NothingToRollback' });
  });

  it('lists exposed services from the inventory, never loopback listeners', async () => {
    await until('inventory ingested', async () => {
      const r = (await call<{ Instances: Array<{ Kernel: string }> }>('DescribeCloudCenterInstances')).Instances;
      return r[0]?.Kernel ? true : undefined;
    });
    const r = await call<{ ExposedInstances: Array<{ Uuid: string; ExposureIp: string; ExposurePort: string; WeakPWCount: number }> }>('DescribeExposedInstanceList', { PageSize: 1000 });
    for (const e of r.ExposedInstances) {
      expect(e.Uuid).toBe(uuid);
      expect(e.ExposureIp.startsWith('127.') || e.ExposureIp === '::1').toBe(false);
    }
    // Weak / unauthorized first: counts never increase down the list.
    const counts = r.ExposedInstances.map((e) => e.WeakPWCount);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
  });
});
