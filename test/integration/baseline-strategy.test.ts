import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BaselineCheckResult, BaselineSnapshot } from '../../src/domain/baseline/baseline-types.js';
import { popClient } from '../helpers/sdk.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

// Baseline strategies (DescribeStrategy / ModifyStrategy / DeleteStrategy / DescribeStrategyTarget /
// ModifyStrategyTarget), the baseline ExportRecord type and RollbackHcCheckFix's refusals, over the
// real SDK on both dialects. The agent side (push honoured by the scheduler) is in
// baseline-strategy-agent.test.ts.
const HOST = '33333333-3333-4333-8333-333333333333';

const result = (checkId: number, r: BaselineCheckResult['result'], level: BaselineCheckResult['level'] = 'high'): BaselineCheckResult => ({
  policyId: 'vigil_weakpass',
  policyName: 'Vigil weak passwords and unauthorized access',
  checkId,
  title: `Tomcat users check ${checkId}`,
  category: 'weak_password',
  level,
  result: r,
  reason: `Tomcat user "tomcat" in /opt/tomcat/conf/tomcat-users.xml has a weak password (${checkId})`,
  evidence: [{ rule: 'tomcat weak_password', outcome: 'found', reason: 'account tomcat at /opt/tomcat/conf/tomcat-users.xml' }],
  fix: 'give user "tomcat" a strong password',
  autoFix: false,
});

describe.each(['sqlite', 'postgres'] as const)('baseline strategies and export on %s', (dialect) => {
  let t: TestServer;
  let sas: ReturnType<typeof popClient>;
  const call = async <T>(action: string, params: Record<string, unknown> = {}): Promise<T> => (await sas.request(action, params, { method: 'POST' })) as T;
  const base = { CustomType: 'custom', CycleDays: '3', StartTime: '02:00:00', EndTime: '06:00:00', TargetType: 'uuid' };

  beforeAll(async () => {
    t = await startTestServer({ dialect });
    sas = popClient(t.url, t.rootKey.id, t.rootKey.secret);
    const snap: BaselineSnapshot = { scannedAt: Date.now(), durationMs: 1, policies: [], results: [result(990008, 'failed'), result(990009, 'passed', 'medium')], errors: [] };
    await t.server.services.baseline.ingest(t.accountId, HOST, snap);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('creates, lists, updates and deletes a strategy', async () => {
    const created = await call<{ Result: { StrategyId: number } }>('ModifyStrategy', { ...base, Name: 'nightly weakpass', RiskSubTypeName: 'vigil_weakpass,vigil_debian_essentials' });
    const id = created.Result.StrategyId;
    expect(id).toBeGreaterThan(0);
    let d = await call<{ Strategies: Array<Record<string, unknown>> }>('DescribeStrategy');
    expect(d.Strategies).toEqual([expect.objectContaining({ Id: id, Name: 'nightly weakpass', CycleDays: 3, CycleStartTime: 0, StartTime: '02:00:00', EndTime: '06:00:00', RiskSubTypeName: 'vigil_weakpass,vigil_debian_essentials', RiskCount: 2, EcsCount: 0 })]);
    await call('ModifyStrategy', { ...base, Id: String(id), Name: 'nightly weakpass', CycleDays: '7', StartTime: '12:30:00', EndTime: '18:00:00', RiskSubTypeName: 'vigil_weakpass' });
    d = await call('DescribeStrategy', { StrategyIds: String(id) });
    expect(d.Strategies[0]).toMatchObject({ CycleDays: 7, CycleStartTime: 12, RiskSubTypeName: 'vigil_weakpass' });
    await call('DeleteStrategy', { Id: String(id) });
    expect((await call<{ Strategies: unknown[] }>('DescribeStrategy')).Strategies).toEqual([]);
    await expect(call('DeleteStrategy', { Id: String(id) })).rejects.toMatchObject({ code: 'StrategyNotFound' });
  });

  it('rejects bad input with clear errors', async () => {
    await expect(call('ModifyStrategy', { ...base, Name: 'x', CycleDays: '4', RiskSubTypeName: 'a' })).rejects.toMatchObject({ code: 'InvalidParameter', message: expect.stringContaining('CycleDays') });
    await expect(call('ModifyStrategy', { ...base, Name: 'x', StartTime: '25:00:00', RiskSubTypeName: 'a' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(call('ModifyStrategy', { ...base, Name: 'x', RiskSubTypeName: 'bad id!' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await call('ModifyStrategy', { ...base, Name: 'dup', RiskSubTypeName: 'a' });
    await expect(call('ModifyStrategy', { ...base, Name: 'dup', RiskSubTypeName: 'b' })).rejects.toMatchObject({ code: 'StrategyNameExists' });
    await expect(call('ModifyStrategyTarget', { Type: 'hc_strategy', Config: '1', Target: 'not json' })).rejects.toMatchObject({ code: 'InvalidParameter' });
    await expect(call('DescribeStrategyTarget', { Type: 'other', Config: '1' })).rejects.toMatchObject({ code: 'InvalidParameter' });
  });

  it('binds and unbinds hosts and groups', async () => {
    const { Result } = await call<{ Result: { StrategyId: number } }>('ModifyStrategy', { ...base, Name: 'bind test', RiskSubTypeName: 'vigil_weakpass' });
    const cfg = { Type: 'hc_strategy', Config: String(Result.StrategyId) };
    await call('ModifyStrategyTarget', { ...cfg, Target: JSON.stringify([{ target: HOST, targetType: 'uuid', flag: 'add' }, { target: '7', targetType: 'groupId', flag: 'add' }]) });
    let targets = await call<{ StrategyTargets: Array<{ Target: string; TargetType: string; Flag: string }> }>('DescribeStrategyTarget', cfg);
    expect(targets.StrategyTargets.map((x) => [x.TargetType, x.Target]).sort()).toEqual([['groupId', '7'], ['uuid', HOST]]);
    await call('ModifyStrategyTarget', { ...cfg, Target: JSON.stringify([{ target: '7', targetType: 'groupId', flag: 'del' }]) });
    targets = await call('DescribeStrategyTarget', cfg);
    expect(targets.StrategyTargets.map((x) => x.Target)).toEqual([HOST]);
  });

  it('ExportRecord exportHcWarning writes the baseline results as .xlsx', async () => {
    const started = await call<{ Id: number; FileName: string }>('ExportRecord', { ExportType: 'exportHcWarning', Params: JSON.stringify({ StatusList: '1' }) });
    expect(started.FileName).toMatch(/^exportHcWarning_.*\.xlsx$/);
    await t.server.services.assetExports.idle();
    const info = await call<Record<string, unknown>>('DescribeExportInfo', { ExportId: started.Id });
    expect(info).toMatchObject({ ExportStatus: 'success', CurrentCount: 1 });
    const m = /^\/exports\/assets\/(\d+)\/([\w-]+)$/.exec(String(info.Link));
    const file = await t.server.services.assetExports.resolveDownload(Number(m?.[1]), String(m?.[2]));
    execFileSync('unzip', ['-tq', String(file?.path)]);
    const part = (name: string) => {
      try {
        return execFileSync('unzip', ['-p', String(file?.path), name]).toString('utf8');
      } catch {
        return '';
      }
    };
    const all = part('xl/worksheets/sheet1.xml') + part('xl/sharedStrings.xml');
    expect(all).toContain('Tomcat users check 990008');
    expect(all).not.toContain('Tomcat users check 990009');
    expect(all).toContain('account tomcat at /opt/tomcat/conf/tomcat-users.xml');
    await expect(call('ExportRecord', { ExportType: 'exportHcWarning', Params: '[1]' })).rejects.toMatchObject({ code: 'InvalidParameter' });
  });

  it('RollbackHcCheckFix refuses warnings without a fix backup', async () => {
    const w = await call<{ CheckWarnings: Array<{ CheckWarningId: number }> }>('DescribeCheckWarnings', { Uuid: HOST });
    await expect(call('RollbackHcCheckFix', { CheckWarningIds: w.CheckWarnings.map((x) => x.CheckWarningId).join(',') })).rejects.toMatchObject({ code: 'NothingToRollback' });
  });
});
