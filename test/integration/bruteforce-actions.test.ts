/**
 * Anti-brute-force rules, login base configs and block records through the real server (both store
 * dialects) and pop-core: Sas names and types, validation, account scoping, the per-host config the
 * agents are sent (own rule, else the default rule), and block events from agents becoming records.
 * The live agent path (sshd, nftables) is bruteforce-live.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const facts = (hostname: string) => ({ hostname, os: 'Debian', kernel: '6.1', arch: 'x64', ips: ['10.0.0.5'] });

describe.each(['sqlite', 'postgres'] as const)('brute-force actions on %s', (dialect) => {
  let t: TestServer;
  let sas: ReturnType<typeof popClient>;
  let hostA = '';
  let hostB = '';
  const call = async <T = Record<string, unknown>>(action: string, params: Record<string, unknown> = {}): Promise<T> => (await sas.request(action, params, { method: 'POST' })) as T;
  const fails = async (action: string, params: Record<string, unknown>): Promise<string> => {
    try {
      await call(action, params);
    } catch (err) {
      return (err as { code?: string; message: string }).code ?? (err as Error).message;
    }
    throw new Error(`${action} did not fail`);
  };

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const code = { code: 'test', accountId: t.accountId, groupId: null, vendorName: 'IDC', os: 'linux', onlyImage: false };
    hostA = (await t.server.services.agents.registry.enroll(code, facts('a'), '127.0.0.1')).agentId;
    hostB = (await t.server.services.agents.registry.enroll(code, { ...facts('b'), machineId: 'b'.repeat(32) }, '127.0.0.1')).agentId;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('creates, lists, modifies and deletes rules; a host gets its own rule, else the default one', async () => {
    const def = await call<{ CreateAntiBruteForceRule: { RuleId: number } }>('CreateAntiBruteForceRule', { Name: 'default', FailCount: 5, Span: 10, ForbiddenTime: 360, DefaultRule: true, UuidList: [hostA] });
    const own = await call<{ CreateAntiBruteForceRule: { RuleId: number } }>('CreateAntiBruteForceRule', {
      Name: 'strict-a',
      FailCount: 3,
      Span: 30,
      ForbiddenTime: 20,
      TimeUnit: 'second',
      UuidList: [hostA],
      SourceIp: '192.0.2.0/24',
      ProtocolType: JSON.stringify({ Ssh: 'on', Rdp: 'off', SqlServer: 'off' }),
    });
    // Host A moved from the default rule into strict-a (a host belongs to one rule).
    const list = await call<{ PageInfo: { TotalCount: number }; Rules: Record<string, unknown>[] }>('DescribeAntiBruteForceRules', { CurrentPage: 1, PageSize: '10' });
    expect(list.PageInfo.TotalCount).toBe(2);
    expect(list.Rules.find((r) => r.Id === own.CreateAntiBruteForceRule.RuleId)).toMatchObject({
      Name: 'strict-a',
      FailCount: 3,
      Span: 1,
      SpanSeconds: 30,
      ForbiddenTime: 1,
      ForbiddenTimeSeconds: 20,
      MachineCount: 1,
      UuidList: [hostA],
      DefaultRule: false,
      ProtocolType: { Ssh: 'on', Rdp: 'off', SqlServer: 'off' },
      SourceIp: '192.0.2.0/24',
    });
    expect(list.Rules.find((r) => r.Id === def.CreateAntiBruteForceRule.RuleId)).toMatchObject({ DefaultRule: true, Span: 10, ForbiddenTime: 360, SpanSeconds: 600, UuidList: [] });

    const svc = t.server.services.bruteForce;
    const a = await svc.agentConfig(t.accountId, hostA);
    expect(a.rules).toEqual([{ id: String(own.CreateAntiBruteForceRule.RuleId), name: 'strict-a', failures: 3, windowSeconds: 30, blockSeconds: 20, services: ['sshd'], allowlist: ['192.0.2.0/24'] }]);
    const b = await svc.agentConfig(t.accountId, hostB);
    expect(b.rules.map((r) => [r.name, r.failures, r.windowSeconds, r.blockSeconds, r.services])).toEqual([['default', 5, 600, 21_600, undefined]]);

    // Moving host B into the strict rule; a host belongs to one rule.
    await call('ModifyAntiBruteForceRule', { Id: own.CreateAntiBruteForceRule.RuleId, UuidList: [hostA, hostB], FailCount: 4 });
    expect((await svc.agentConfig(t.accountId, hostB)).rules.map((r) => [r.name, r.failures])).toEqual([['strict-a', 4]]);
    await call('DeleteAntiBruteForceRule', { Ids: [own.CreateAntiBruteForceRule.RuleId] });
    expect((await svc.agentConfig(t.accountId, hostA)).rules.map((r) => r.name)).toEqual(['default']);
    expect((await call<{ Rules: unknown[] }>('DescribeAntiBruteForceRules', { Name: 'strict' })).Rules).toEqual([]);
  });

  it('refuses bad rules with clear errors', async () => {
    expect(await fails('CreateAntiBruteForceRule', { Name: 'x', FailCount: 0, Span: 1, ForbiddenTime: 5, UuidList: [hostA] })).toBe('InvalidParameter');
    expect(await fails('CreateAntiBruteForceRule', { Name: 'x', FailCount: 3, Span: 1, ForbiddenTime: 5, UuidList: ['no-such-host'] })).toBe('InvalidUuid');
    expect(await fails('CreateAntiBruteForceRule', { Name: 'x', FailCount: 3, Span: 1, ForbiddenTime: 5, UuidList: [hostA], SourceIp: '1.2.3.4/40' })).toBe('InvalidParameter');
    expect(await fails('CreateAntiBruteForceRule', { Name: 'x', FailCount: 3, Span: 1, ForbiddenTime: 5, UuidList: [hostA], ProtocolType: '{"Ssh":"maybe"}' })).toBe('InvalidParameter');
    expect(await fails('CreateAntiBruteForceRule', { Name: 'x', FailCount: 3, Span: 1, ForbiddenTime: 5, UuidList: [hostA], TimeUnit: 'hour' })).toBe('InvalidParameter');
    expect(await fails('ModifyAntiBruteForceRule', { Id: 999_999, FailCount: 3 })).toBe('DataNotExists');
    expect(await fails('CreateAntiBruteForceRule', { Name: 'x', FailCount: 3, Span: 1, ForbiddenTime: 5 })).toBe('MissingParameter');
  });

  it('stores login base configs by type and target and sends them to the hosts', async () => {
    const target = JSON.stringify([{ target: hostA, targetType: 'uuid', flag: 'add' }]);
    await call('ModifyLoginBaseConfig', { Type: 'login_common_ip', Config: JSON.stringify({ ip: '203.0.113.0/24' }), Target: target });
    await call('ModifyLoginBaseConfig', { Type: 'login_common_time', Config: JSON.stringify({ startTime: '08:00:00', endTime: '18:00:00' }), Target: target });
    await call('ModifyLoginBaseConfig', { Type: 'login_common_account', Config: JSON.stringify({ account: 'deploy' }), Target: target });
    const ips = await call<{ TotalCount: number; BaseConfigs: Record<string, unknown>[] }>('DescribeLoginBaseConfigs', { Type: 'login_common_ip' });
    expect(ips.BaseConfigs).toEqual([expect.objectContaining({ Ip: '203.0.113.0/24', UuidCount: 1, Targets: [{ Target: hostA, TargetType: 'uuid', Flag: 'add' }] })]);
    const times = await call<{ BaseConfigs: Record<string, unknown>[] }>('DescribeLoginBaseConfigs', { Type: 'login_common_time', Target: hostA });
    expect(times.BaseConfigs).toEqual([expect.objectContaining({ StartTime: '08:00:00', EndTime: '18:00:00' })]);
    expect((await call<{ BaseConfigs: unknown[] }>('DescribeLoginBaseConfigs', { Type: 'login_common_time', Target: hostB })).BaseConfigs).toEqual([]);
    const cfg = await t.server.services.bruteForce.agentConfig(t.accountId, hostA);
    expect(cfg.login).toEqual({ commonIps: ['203.0.113.0/24'], commonTimes: [{ start: '08:00:00', end: '18:00:00' }], commonAccounts: ['deploy'] });
    expect((await t.server.services.bruteForce.agentConfig(t.accountId, hostB)).login.commonIps).toEqual([]);

    await call('DeleteLoginBaseConfig', { Type: 'login_common_account', Config: JSON.stringify({ account: 'deploy' }) });
    expect((await call<{ BaseConfigs: unknown[] }>('DescribeLoginBaseConfigs', { Type: 'login_common_account' })).BaseConfigs).toEqual([]);
    expect(await fails('ModifyLoginBaseConfig', { Type: 'login_common_ip', Config: '{"ip":"nope"}', Target: target })).toBe('InvalidParameter');
    expect(await fails('ModifyLoginBaseConfig', { Type: 'login_common_time', Config: '{"startTime":"25:00:00","endTime":"01:00:00"}', Target: target })).toBe('InvalidParameter');
    expect(await fails('ModifyLoginBaseConfig', { Type: 'login_common_ip', Config: '{"ip":"1.2.3.4"}', Target: 'not json' })).toBe('InvalidParameter');
    expect(await fails('DescribeLoginBaseConfigs', { Type: 'login_weird' })).toBe('InvalidParameter');
    expect(await fails('DeleteLoginBaseConfig', { Type: 'login_common_ip', Config: '{"ip":"9.9.9.9"}' })).toBe('DataNotExists');
  });

  it('turns agents’ block events into records; an expired block reads as lifted', async () => {
    const now = Date.now();
    t.server.services.agents.emit('events', {
      agentId: hostA,
      accountId: t.accountId,
      events: [
        { seq: 1, kind: 'bruteforce.block', time: now, data: { ip: '198.51.100.7', ruleId: '1', ruleName: 'r', failures: 6, windowSeconds: 60, blockSeconds: 600, expiresAtMs: now + 600_000, backend: 'nftables', users: ['root', 'admin'], services: ['sshd'] } },
        { seq: 2, kind: 'bruteforce.block', time: now, data: { ip: '198.51.100.8', ruleId: '1', ruleName: 'r', failures: 5, windowSeconds: 60, blockSeconds: 1, expiresAtMs: now - 1, backend: 'nftables', users: [], services: ['sshd'] } },
        { seq: 3, kind: 'bruteforce.block', time: now, data: { ip: '198.51.100.9', ruleId: '1', ruleName: 'r', failures: 5, windowSeconds: 60, blockSeconds: 600, expiresAtMs: now + 600_000, backend: 'iptables', users: [], services: ['sshd'], error: 'iptables: not found' } },
        { seq: 4, kind: 'bruteforce.block', time: now, data: { ip: 42 } },
      ],
    });
    type M = { BlockIp: string; Status: number; Reason: string; ErrorCode: string; Uuid: string };
    let list: M[] = [];
    for (let i = 0; i < 50 && list.length < 3; i++) {
      list = (await call<{ MachineList: M[] }>('DescribeBruteForceRecords', { PageSize: 50 })).MachineList;
      await new Promise((r) => setTimeout(r, 100));
    }
    const by = new Map(list.map((m) => [m.BlockIp, m]));
    expect(by.get('198.51.100.7')).toMatchObject({ Status: 1, Uuid: hostA });
    expect(by.get('198.51.100.7')?.Reason).toContain('6 failed logins (sshd) in 60 s; users root,admin');
    expect(by.get('198.51.100.8')?.Status).toBe(0);
    expect(by.get('198.51.100.9')).toMatchObject({ Status: 2, ErrorCode: 'iptables: not found' });
    expect((await call<{ MachineList: M[] }>('DescribeBruteForceRecords', { Status: 1 })).MachineList.map((m) => m.BlockIp)).toEqual(['198.51.100.7']);

    t.server.services.agents.emit('events', { agentId: hostA, accountId: t.accountId, events: [{ seq: 5, kind: 'bruteforce.unblock', time: now, data: { ip: '198.51.100.7', reason: 'expired' } }] });
    for (let i = 0; i < 50 && (await call<{ MachineList: M[] }>('DescribeBruteForceRecords', { Status: 1 })).MachineList.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await call<{ MachineList: M[] }>('DescribeBruteForceRecords', { Status: 1 })).MachineList).toEqual([]);
    expect(await fails('DisableBruteForceRecord', { BlockIp: '203.0.113.99', Uuid: hostA })).toBe('DataNotExists');
  });
});
