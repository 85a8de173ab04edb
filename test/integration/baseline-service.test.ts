import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaselineCheckResult, BaselineSnapshot } from '../../src/domain/baseline/baseline-types.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Ingest of baseline snapshots and the Sas baseline actions over the real SDK, on both dialects.
const HOST_A = '11111111-1111-4111-8111-111111111111';
const HOST_B = '22222222-2222-4222-8222-222222222222';

function res(policyId: string, checkId: number, result: BaselineCheckResult['result'], extra: Partial<BaselineCheckResult> = {}): BaselineCheckResult {
  return {
    policyId,
    policyName: policyId === 'vigil_redis' ? 'Vigil baseline for Redis' : 'Vigil weak passwords and unauthorized access',
    checkId,
    title: `check ${checkId}`,
    category: 'unauthorized_access',
    level: 'high',
    result,
    reason: `reason ${checkId} ${result}`,
    evidence: [{ rule: 'f:/etc/redis/redis.conf -> r:x', outcome: 'not found', reason: 'no line matches' }],
    fix: `fix ${checkId}`,
    autoFix: checkId === 920002,
    ...extra,
  };
}

function snapshot(results: BaselineCheckResult[], scope?: BaselineSnapshot['scope']): BaselineSnapshot {
  return { scannedAt: Date.now(), durationMs: 1, policies: [], results, errors: [], ...(scope ? { scope } : {}) };
}

type Summary = { WarningSummarys: Array<{ RiskId: number; RiskName: string; HighWarningCount: number; MediumWarningCount: number; WarningMachineCount: number; CheckCount: number; Level: string }> };
type Warnings = { CheckWarnings: Array<{ CheckId: number; CheckWarningId: number; Status: number; Reason: string; Item: string; Level: string }>; TotalCount: number };

describe.each(['sqlite', 'postgres'] as const)('baseline results on %s', (dialect) => {
  let t: TestServer;
  let sas: ReturnType<typeof popClient>;
  const call = async <T>(action: string, params: Record<string, unknown> = {}): Promise<T> => (await sas.request(action, params, { method: 'POST' })) as T;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const b = t.server.services.baseline;
    await b.ingest(t.accountId, HOST_A, snapshot([
      res('vigil_redis', 920003, 'failed'),
      res('vigil_redis', 920004, 'failed', { level: 'medium', category: 'config_red_line' }),
      res('vigil_redis', 920002, 'passed'),
      res('vigil_redis', 920001, 'not applicable'),
      res('vigil_weakpass', 990002, 'failed', { targets: ['127.0.0.1:6379'] }),
    ]));
    await b.ingest(t.accountId, HOST_B, snapshot([res('vigil_redis', 920003, 'failed'), res('vigil_redis', 920004, 'passed', { level: 'medium' })]));
    // Exposure: HOST_A listens on 0.0.0.0:6379 (redis) and 0.0.0.0:22; HOST_B on loopback only.
    const port = (uuid: string, name: string, p: number, ip: string) => ({ account_id: t.accountId, uuid, kind: 'port', name, version: 'tcp', user_name: '', port: p, pid: 1, path: '', detail: ip, ts: null, flag: 0, data_json: '{}' });
    await t.server.services.store.db.insertInto('asset_items').values([port(HOST_A, 'sshd', 22, '0.0.0.0'), port(HOST_A, 'redis-server', 6379, '0.0.0.0'), port(HOST_B, 'redis-server', 6379, '127.0.0.1')]).execute();
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('summarises failed warnings per risk with levels and machines', async () => {
    const s = await call<Summary>('DescribeCheckWarningSummary');
    const redis = s.WarningSummarys.find((r) => r.RiskName === 'Vigil baseline for Redis');
    expect(redis).toMatchObject({ HighWarningCount: 2, MediumWarningCount: 1, WarningMachineCount: 2, CheckCount: 4, Level: 'high' });
    const weak = s.WarningSummarys.find((r) => r.RiskName.startsWith('Vigil weak'));
    expect(weak).toMatchObject({ HighWarningCount: 1, WarningMachineCount: 1 });
    const machines = (await call<{ WarningMachines: Array<{ Uuid: string; HighWarningCount: number; MediumWarningCount: number; PassCount: number; Status: number }> }>('DescribeWarningMachines', { RiskId: redis?.RiskId })).WarningMachines;
    expect(machines.map((m) => [m.Uuid, m.HighWarningCount, m.MediumWarningCount, m.PassCount, m.Status])).toEqual([
      [HOST_A, 1, 1, 1, 1],
      [HOST_B, 1, 0, 1, 1],
    ]);
  });

  it('lists a host’s checks with status and detail; not-applicable checks are not stored', async () => {
    const s = await call<Summary>('DescribeCheckWarningSummary');
    const riskId = s.WarningSummarys.find((r) => r.RiskName === 'Vigil baseline for Redis')?.RiskId;
    const w = await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_A, RiskId: riskId });
    expect(w.CheckWarnings.map((x) => [x.CheckId, x.Status])).toEqual([[920002, 3], [920003, 1], [920004, 1]]);
    const id = w.CheckWarnings.find((x) => x.CheckId === 920003)?.CheckWarningId;
    const d = await call<{ Solution: string; Reason: string; Evidence: Array<{ Rule: string }> }>('DescribeCheckWarningDetail', { CheckWarningId: id });
    expect(d.Solution).toBe('fix 920003');
    expect(d.Reason).toBe('reason 920003 failed');
    expect(d.Evidence[0]?.Rule).toContain('redis.conf');
  });

  it('ignores and un-ignores warnings (Type 1 / 2) with a reason', async () => {
    const riskId = (await call<Summary>('DescribeCheckWarningSummary')).WarningSummarys.find((r) => r.RiskName === 'Vigil baseline for Redis')?.RiskId;
    const w = await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_A, RiskId: riskId, RiskStatus: 1 });
    const target = w.CheckWarnings.find((x) => x.CheckId === 920004);
    await call('IgnoreHcCheckWarnings', { CheckWarningIds: String(target?.CheckWarningId), Type: 1, Reason: 'accepted risk' });
    const after = await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_A, RiskId: riskId, RiskStatus: 6 });
    expect(after.CheckWarnings.map((x) => x.CheckId)).toEqual([920004]);
    const s = await call<Summary>('DescribeCheckWarningSummary');
    expect(s.WarningSummarys.find((r) => r.RiskId === riskId)?.MediumWarningCount).toBe(0);
    // A new scan that still fails keeps it ignored.
    await t.server.services.baseline.ingest(t.accountId, HOST_A, snapshot([res('vigil_redis', 920004, 'failed', { level: 'medium' })], { checkIds: [920004] }));
    expect((await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_A, CheckId: 920004 })).CheckWarnings[0]?.Status).toBe(6);
    await call('IgnoreHcCheckWarnings', { CheckWarningIds: String(target?.CheckWarningId), Type: 2 });
    expect((await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_A, CheckId: 920004 })).CheckWarnings[0]?.Status).toBe(1);
    await expect(call('IgnoreHcCheckWarnings', { CheckWarningIds: '1', Type: 3 })).rejects.toThrow(/Type must be 1/);
  });

  it('a limited scan updates only its checks; a full scan drops checks it no longer reports', async () => {
    const b = t.server.services.baseline;
    await b.ingest(t.accountId, HOST_B, snapshot([res('vigil_redis', 920003, 'passed')], { checkIds: [920003] }));
    let w = await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_B });
    expect(w.CheckWarnings.map((x) => [x.CheckId, x.Status])).toEqual([[920003, 3], [920004, 3]]);
    await b.ingest(t.accountId, HOST_B, snapshot([res('vigil_redis', 920003, 'failed')]));
    w = await call<Warnings>('DescribeCheckWarnings', { Uuid: HOST_B });
    expect(w.CheckWarnings.map((x) => [x.CheckId, x.Status])).toEqual([[920003, 1]]);
  });

  it('refuses FixCheckWarnings for checks without a safe automatic fix', async () => {
    await expect(call('FixCheckWarnings', { CheckParams: JSON.stringify([{ checkId: 920003 }]), Uuids: HOST_A })).rejects.toThrow(/NoAutomaticFix|safe automatic fix/);
  });

  it('lists exposed services, weak-password / unauthorized-access ones first, loopback never', async () => {
    const r = await call<{ ExposedInstances: Array<{ Uuid: string; ExposurePort: string; ExposureIp: string; WeakPWCount: number; ExposureComponent: string }>; PageInfo: { TotalCount: number } }>('DescribeExposedInstanceList');
    expect(r.ExposedInstances.map((e) => [e.Uuid, e.ExposureIp, e.ExposurePort, e.ExposureComponent, e.WeakPWCount])).toEqual([
      [HOST_A, '0.0.0.0', '6379', 'redis-server', 1],
      [HOST_A, '0.0.0.0', '22', 'sshd', 0],
    ]);
    const weakOnly = await call<{ ExposedInstances: unknown[] }>('DescribeExposedInstanceList', { HealthStatus: true });
    expect(weakOnly.ExposedInstances).toHaveLength(1);
  });

  it('joins open vulnerabilities of exposed hosts by urgency and totals the exposure (DescribeExposedStatistics)', async () => {
    const db = t.server.services.store.db;
    const finding = (id: number, advisory: string, necessity: string, status: number) => ({
      account_id: t.accountId, uuid: HOST_A, advisory_id: advisory, package: 'openssl', id, advisory_package: 'openssl', installed_version: '1', fixed_version: '2', ecosystem: 'Debian:12',
      status, necessity, necessity_json: '{}', tags: '', kernel: 0, first_ts: 1, last_ts: 1, modify_ts: 1, repair_ts: null, reason: '', result_code: '', result_message: '',
    });
    await db.insertInto('vul_findings').values([
      finding(9001, 'DSA-1', 'asap', 1),
      finding(9002, 'DSA-2', 'later', 1),
      finding(9003, 'DSA-3', 'later', 2),
      finding(9004, 'DSA-4', 'nntf', 1),
      finding(9005, 'DSA-5', 'asap', 7), // fixed: not counted
      finding(9006, 'DSA-6', 'asap', 10), // ignored: not counted
    ]).execute();
    const r = await call<{ ExposedInstances: Array<{ ExposurePort: string; CriticalVulCount: number; HighVulCount: number; LowVulCount: number }> }>('DescribeExposedInstanceList');
    expect(r.ExposedInstances.map((e) => [e.ExposurePort, e.CriticalVulCount, e.HighVulCount, e.LowVulCount])).toEqual([
      ['6379', 1, 2, 1],
      ['22', 1, 2, 1],
    ]);
    expect((await call<{ ExposedInstances: unknown[] }>('DescribeExposedInstanceList', { VulStatus: true })).ExposedInstances).toHaveLength(2);
    const st = await call<Record<string, number>>('DescribeExposedStatistics');
    expect(st).toMatchObject({
      ExposedInstanceCount: 1, ExposedIpCount: 1, ExposedPortCount: 2, ExposedComponentCount: 2, ExposedWeekPasswordMachineCount: 1,
      ExposedAsapVulCount: 1, ExposedLaterVulCount: 2, ExposedNntfVulCount: 1, GatewayAssetCount: 0, ExposedEcsCount: 1,
    });
  });
});
