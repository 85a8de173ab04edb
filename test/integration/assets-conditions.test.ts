import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectHostInventory } from '../../src/host/inventory/index.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

type Json = Record<string, unknown>;
type Client = ReturnType<typeof popClient>;
const call = (c: Client, action: string, params: Json = {}) => c.request(action, params, { method: 'POST' });

const A = 'aaaaaaaa-1111-4222-8333-444444444444';
const B = 'bbbbbbbb-1111-4222-8333-444444444444';

describe.each(['sqlite', 'postgres'] as const)('DescribeSearchCondition / DescribeInstanceStatistics on %s', (dialect) => {
  let t: TestServer;
  let c: Client;

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    c = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const inv = await collectHostInventory({ maxLanguagePackages: 50 });
    await t.server.services.assets.ingestInventory(t.accountId, A, inv);
    await t.server.services.assets.ingestInventory(t.accountId, B, { ...inv, hostname: 'other' });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('saves, lists and deletes search conditions with Sas fields; the saved filter really filters', async () => {
    const initial = (await call(c, 'DescribeSearchCondition', { Type: 'ecs' })).ConditionList as Json[];
    expect(initial.length).toBeGreaterThan(0);
    for (const row of initial) {
      expect(Object.keys(row).sort()).toEqual(['ConditionType', 'FilterConditions', 'Name', 'NameKey']);
      expect(row.ConditionType).toBe('system');
      expect(typeof row.FilterConditions).toBe('string');
    }
    const filter = { filterParams: [{ label: 'name: other', value: JSON.stringify({ name: 'instanceName', value: 'other' }) }], LogicalExp: 'AND' };
    await call(c, 'ModifySearchCondition', { Name: 'only other', FilterConditions: JSON.stringify(filter) });
    const after = (await call(c, 'DescribeSearchCondition', {})).ConditionList as Json[];
    const mine = after.find((r) => r.Name === 'only other');
    expect(mine).toMatchObject({ ConditionType: 'user', NameKey: '' });

    // Use the saved filter as DescribeCloudCenterInstances Criteria, as the console does.
    const saved = JSON.parse(mine?.FilterConditions as string) as { filterParams: Array<{ value: string }>; LogicalExp: 'AND' | 'OR' };
    const criteria = JSON.stringify(saved.filterParams.map((p) => JSON.parse(p.value) as Json));
    const hosts = (await call(c, 'DescribeCloudCenterInstances', { Criteria: criteria, LogicalExp: saved.LogicalExp })).Instances as Json[];
    expect(hosts.map((h) => h.Uuid)).toEqual([B]);

    // Cloud products have no built-in conditions and do not see host conditions.
    expect((await call(c, 'DescribeSearchCondition', { Type: 'cloud_product' })).ConditionList).toEqual([]);

    await expect(call(c, 'ModifySearchCondition', { Name: 'bad', FilterConditions: JSON.stringify({ filterParams: [{ label: 'x', value: JSON.stringify({ name: 'nosuch', value: '1' }) }] }) })).rejects.toThrow(/unknown field "nosuch"/);
    await expect(call(c, 'ModifySearchCondition', { Name: 'bad', FilterConditions: '{' })).rejects.toThrow(/must be JSON/);
    await expect(call(c, 'ModifySearchCondition', { Name: initial[0]?.Name as string, FilterConditions: JSON.stringify(filter) })).rejects.toThrow(/built-in/);
    await expect(call(c, 'DescribeSearchCondition', { Type: 'k8s' })).rejects.toThrow(/Type must be one of/);

    await call(c, 'DeleteSearchCondition', { Name: 'only other' });
    expect(((await call(c, 'DescribeSearchCondition', {})).ConditionList as Json[]).some((r) => r.Name === 'only other')).toBe(false);
    await expect(call(c, 'DeleteSearchCondition', { Name: 'only other' })).rejects.toThrow(/No saved search condition/);
  });

  it('counts open vulnerabilities, failed baseline checks and open alerts per host with Sas field types', async () => {
    const db = t.server.services.store.db;
    const now = Date.now();
    // Two open findings (one urgent) and one fixed on A.
    const vul = (id: number, status: number, necessity: string) => ({
      account_id: t.accountId, uuid: A, advisory_id: `DSA-${id}`, package: `pkg${id}`, id, advisory_package: `pkg${id}`, installed_version: '1', fixed_version: '2',
      ecosystem: 'Debian:12', status, necessity, necessity_json: '{}', tags: '', kernel: 0, first_ts: now, last_ts: now, modify_ts: now, repair_ts: null, reason: '', result_code: '', result_message: '',
    });
    await db.insertInto('vul_findings').values([vul(9001, 1, 'asap'), vul(9002, 1, 'later'), vul(9003, 7, 'asap')]).execute();
    await db.insertInto('baseline_checks').values([
      { account_id: t.accountId, risk_id: 900, check_id: 1, title: 'ssh weak password', category: 'weak_password', level: 'high', fix_text: '', auto_fix: 0 },
      { account_id: t.accountId, risk_id: 900, check_id: 2, title: 'sshd PermitRootLogin', category: 'config', level: 'medium', fix_text: '', auto_fix: 0 },
      { account_id: t.accountId, risk_id: 900, check_id: 3, title: 'sshd MaxAuthTries', category: 'config', level: 'low', fix_text: '', auto_fix: 0 },
    ]).execute();
    const warn = (id: number, checkId: number, status: number) => ({
      account_id: t.accountId, id, uuid: A, risk_id: 900, check_id: checkId, status, result: '', reason: '', evidence_json: '{}', targets: '', ignore_reason: '', fix_status: 0, fix_message: '', backup_id: '', first_seen: now, last_seen: now, last_handled: 0,
    });
    await db.insertInto('baseline_warnings').values([warn(9101, 1, 1), warn(9102, 2, 1), warn(9103, 3, 3)]).execute();
    // Alerts through the real ingest path.
    const alerts = t.server.services.alerts;
    await alerts.ingest(t.accountId, A, { ruleId: 'webshell', name: 'Webshell', level: 'serious', aggKey: '/var/www/x.php', details: {} });
    await alerts.ingest(t.accountId, A, { ruleId: 'login.new-source', name: 'Unusual login', level: 'suspicious', aggKey: '10.0.0.1', details: {} });
    await alerts.ingest(t.accountId, A, { ruleId: 'revshell.cmdline', name: 'Reverse shell', level: 'remind', aggKey: 'bash -i', details: {} });

    const res = (await call(c, 'DescribeInstanceStatistics', { Uuid: `${A},${B},not-a-host`, From: 'sas' })).Data as Json[];
    expect(res.map((r) => r.Uuid)).toEqual([A, B]);
    const [a, b] = res;
    expect(a).toMatchObject({
      Vul: 2, CveNum: 2, SysAsapVulCount: '1', Health: 2, WeakPWNum: 1, Suspicious: 3, SeriousSuspiciousNum: '1', SuspectSuspiciousNum: '1',
      RemindSuspiciousNum: '1', Trojan: 1, Account: 1, AppNum: 0, AgentlessAll: 0, CspmHighRiskNum: '0',
    });
    expect(b).toMatchObject({ Vul: 0, Health: 0, Suspicious: 0, Trojan: 0, Account: 0, SysAsapVulCount: '0' });
    expect(Object.keys(a ?? {}).length).toBe(26);
    for (const [k, v] of Object.entries(a ?? {})) {
      const stringly = ['Uuid', 'CspmHighRiskNum', 'RemindSuspiciousNum', 'SeriousSuspiciousNum', 'SuspectSuspiciousNum', 'SysAsapVulCount'].includes(k);
      expect(typeof v, k).toBe(stringly ? 'string' : 'number');
    }
    await expect(call(c, 'DescribeInstanceStatistics', { Uuid: A })).rejects.toThrow(/From/);
  });
});
