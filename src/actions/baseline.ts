import { Type } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { splitList } from '../domain/assets/sql-helpers.js';
import { FIX_STATUS, STATUS, type WarningView } from '../domain/baseline/baseline-service.js';
import { BASELINE_FIX_TASK, BASELINE_SCAN_TASK, type BaselineFixOutcome } from '../domain/baseline/baseline-types.js';
import type { InstanceView } from '../domain/assets/asset-types.js';
import { openVulCounts } from '../domain/vulns/open-vul-counts.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));
const Page = { CurrentPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), PageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) };
const TASK_TTL_MS = 3_600_000;
const FIX_TIMEOUT_MS = 180_000;

const TYPE_ALIAS: Record<string, { en: string; zh: string }> = {
  weak_password: { en: 'Weak password', zh: '弱口令' },
  unauthorized_access: { en: 'Unauthorized access', zh: '未授权访问' },
  config_red_line: { en: 'Best security practices', zh: '最佳安全实践' },
  historical_vulnerability: { en: 'Historical vulnerability', zh: '历史漏洞' },
};

function typeAlias(category: string, lang: string | undefined): string {
  const a = TYPE_ALIAS[category];
  if (!a) return category;
  return lang?.toLowerCase().startsWith('zh') ? a.zh : a.en;
}

function numbers(v: string | undefined, max = 1000): number[] {
  return splitList(v, max)
    .map(Number)
    .filter((n) => Number.isSafeInteger(n) && n > 0);
}

function paginate<T>(items: T[], p: { CurrentPage?: number; PageSize?: number }, defaultSize = 20) {
  const pageSize = p.PageSize ?? defaultSize;
  const currentPage = p.CurrentPage ?? 1;
  const slice = items.slice((currentPage - 1) * pageSize, currentPage * pageSize);
  return { slice, meta: { Count: slice.length, CurrentPage: currentPage, PageSize: pageSize, TotalCount: items.length } };
}

async function hostViews(ctx: ActionContext, uuids: string[]): Promise<Map<string, InstanceView>> {
  const views = await ctx.services.assets.views(ctx.principal.accountId, [...new Set(uuids)]);
  return new Map(views.map((v) => [v.uuid, v]));
}

const isDatabase = (policyId: string): boolean => /mysql|mariadb|postgres|redis|mongo/i.test(policyId);

export const describeCheckWarningSummary = defineAction({
  name: 'DescribeCheckWarningSummary',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeCheckWarningSummary'],
  rw: 'Read',
  description: 'Baseline risks (one per policy, e.g. the Redis baseline) with the number of checks, affected hosts and warnings by level.',
  params: Type.Object({
    ClusterId: Str(64), ContainerFieldName: Str(64), ContainerFieldValue: Str(256), GroupId: Type.Optional(Type.Integer()), Lang: Str(8),
    RiskName: Str(256), RiskStatus: Type.Optional(Type.Integer()), SourceIp: Str(64), Status: Str(64), StrategyId: Type.Optional(Type.Integer()),
    TargetType: Str(64), TypeName: Str(64), Uuids: Str(64_000), ...Page,
  }),
  response: Type.Object({
    RequestId: Type.String(), Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer(),
    WarningSummarys: Type.Array(Type.Object({
      CheckCount: Type.Integer(), CheckExploit: Type.Boolean(), ContainerRisk: Type.Boolean(), DatabaseRisk: Type.Boolean(), HighWarningCount: Type.Integer(),
      LastFoundTime: Type.String(), Level: Type.String(), LowWarningCount: Type.Integer(), MediumWarningCount: Type.Integer(), RiskId: Type.Integer(),
      RiskName: Type.String(), SubTypeAlias: Type.String(), TypeAlias: Type.String(), WarningMachineCount: Type.Integer(),
    })),
  }),
  async handler(ctx, p) {
    let uuids = splitList(p.Uuids);
    if (p.GroupId !== undefined) {
      const inGroup = await ctx.services.store.db.selectFrom('asset_instances').select('uuid').where('account_id', '=', ctx.principal.accountId).where('group_id', '=', p.GroupId).execute();
      const set = new Set(inGroup.map((r) => r.uuid));
      uuids = uuids.length ? uuids.filter((u) => set.has(u)) : [...set];
      if (uuids.length === 0) uuids = ['\u0000none'];
    }
    let risks = await ctx.services.baseline.summary(ctx.principal.accountId, { ...(p.RiskStatus !== undefined ? { status: p.RiskStatus } : {}), uuids });
    if (p.RiskName) risks = risks.filter((r) => r.name.toLowerCase().includes((p.RiskName ?? '').toLowerCase()));
    if (p.TypeName) risks = risks.filter((r) => r.category === p.TypeName);
    const { slice, meta } = paginate(risks, p);
    return {
      ...meta,
      WarningSummarys: slice.map((r) => ({
        CheckCount: r.checkCount, CheckExploit: false, ContainerRisk: false, DatabaseRisk: isDatabase(r.policyId), HighWarningCount: r.high,
        LastFoundTime: new Date(r.lastFoundAt).toISOString(), Level: r.level, LowWarningCount: r.low, MediumWarningCount: r.medium, RiskId: r.riskId,
        RiskName: r.name, SubTypeAlias: r.policyId, TypeAlias: typeAlias(r.category, p.Lang), WarningMachineCount: r.machineCount,
      })),
    };
  },
});

export const describeWarningMachines = defineAction({
  name: 'DescribeWarningMachines',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeWarningMachines'],
  rw: 'Read',
  description: 'Hosts checked against one baseline risk, with their failed warnings by level and passed checks.',
  params: Type.Object({
    RiskId: Type.Integer(), ClusterId: Str(64), ContainerFieldName: Str(64), ContainerFieldValue: Str(256), GroupId: Type.Optional(Type.Integer()), HaveRisk: Type.Optional(Type.Integer()),
    Lang: Str(8), MachineName: Str(256), SourceIp: Str(64), StrategyId: Type.Optional(Type.Integer()), TargetType: Str(64), Uuids: Str(64_000), ...Page,
  }),
  response: Type.Object({
    RequestId: Type.String(), Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer(),
    WarningMachines: Type.Array(Type.Object({
      AssetType: Type.String(), AuthVersion: Type.Integer(), Bind: Type.Boolean(), ContainerId: Type.String(), ContainerName: Type.String(), HighWarningCount: Type.Integer(),
      InstanceId: Type.String(), InstanceName: Type.String(), InternetIp: Type.String(), IntranetIp: Type.String(), LowWarningCount: Type.Integer(), MediumWarningCount: Type.Integer(),
      Online: Type.Boolean(), PassCount: Type.Integer(), PortOpen: Type.Boolean(), RegionId: Type.String(), Status: Type.Integer(), Uuid: Type.String(),
    })),
  }),
  async handler(ctx, p) {
    let machines = await ctx.services.baseline.machines(ctx.principal.accountId, p.RiskId);
    const only = splitList(p.Uuids);
    if (only.length) machines = machines.filter((m) => only.includes(m.uuid));
    if (p.HaveRisk === 1) machines = machines.filter((m) => m.failed > 0);
    if (p.HaveRisk === 0) machines = machines.filter((m) => m.failed === 0);
    const views = await hostViews(ctx, machines.map((m) => m.uuid));
    if (p.MachineName) machines = machines.filter((m) => (views.get(m.uuid)?.instanceName ?? '').toLowerCase().includes((p.MachineName ?? '').toLowerCase()));
    if (p.GroupId !== undefined) machines = machines.filter((m) => views.get(m.uuid)?.groupId === p.GroupId);
    const { slice, meta } = paginate(machines, p);
    return {
      ...meta,
      WarningMachines: slice.map((m) => {
        const v = views.get(m.uuid);
        return {
          AssetType: 'ECS', AuthVersion: 7, Bind: true, ContainerId: '', ContainerName: '', HighWarningCount: m.high,
          InstanceId: m.uuid, InstanceName: v?.instanceName ?? m.uuid, InternetIp: v?.internetIp ?? '', IntranetIp: v?.intranetIp ?? '', LowWarningCount: m.low, MediumWarningCount: m.medium,
          Online: v ? v.clientStatus !== 'offline' : false, PassCount: m.passed, PortOpen: false, RegionId: v?.regionId ?? '', Status: m.failed > 0 ? STATUS.failed : STATUS.passed, Uuid: m.uuid,
        };
      }),
    };
  },
});

const CheckWarning = Type.Object({
  CheckId: Type.Integer(), CheckWarningId: Type.Integer(), ContainerId: Type.String(), ContainerName: Type.String(), ExecErrorMessage: Type.String(), FixStatus: Type.Integer(),
  Item: Type.String(), LastHandleTime: Type.Integer(), Level: Type.String(), Reason: Type.String(), Status: Type.Integer(), Type: Type.String(), Uuid: Type.String(),
});

function checkWarning(w: WarningView, lang: string | undefined) {
  return {
    CheckId: w.checkId, CheckWarningId: w.id, ContainerId: '', ContainerName: '', ExecErrorMessage: w.fixStatus === FIX_STATUS.failed ? w.fixMessage : '', FixStatus: w.fixStatus,
    Item: w.title, LastHandleTime: w.lastHandled || w.lastSeen, Level: w.level, Reason: w.reason, Status: w.status, Type: typeAlias(w.category, lang), Uuid: w.uuid,
  };
}

export const describeCheckWarnings = defineAction({
  name: 'DescribeCheckWarnings',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeCheckWarnings'],
  rw: 'Read',
  description: 'The checks of one host (optionally of one risk) with their status: 1 failed, 2 verifying, 3 passed, 6 ignored.',
  params: Type.Object({
    Uuid: Type.String({ minLength: 1, maxLength: 64 }), CheckId: Type.Optional(Type.Integer()), CheckType: Str(64), ContainerName: Str(256), Lang: Str(8),
    ResourceDirectoryAccountId: Type.Optional(Type.Integer()), RiskId: Type.Optional(Type.Integer()), RiskStatus: Type.Optional(Type.Integer()), SourceIp: Str(64), ...Page,
  }),
  response: Type.Object({ RequestId: Type.String(), CheckWarnings: Type.Array(CheckWarning), Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer() }),
  async handler(ctx, p) {
    let ws = await ctx.services.baseline.list(ctx.principal.accountId, {
      uuids: [p.Uuid],
      ...(p.RiskId !== undefined ? { riskIds: [p.RiskId] } : {}),
      ...(p.CheckId !== undefined ? { checkIds: [p.CheckId] } : {}),
      ...(p.RiskStatus !== undefined ? { statuses: [p.RiskStatus] } : {}),
    });
    if (p.CheckType) ws = ws.filter((w) => w.category === p.CheckType || typeAlias(w.category, p.Lang) === p.CheckType);
    const { slice, meta } = paginate(ws, p);
    return { ...meta, CheckWarnings: slice.map((w) => checkWarning(w, p.Lang)) };
  },
});

export const describeCheckWarningDetail = defineAction({
  name: 'DescribeCheckWarningDetail',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeCheckWarningDetail'],
  rw: 'Read',
  description: 'One baseline warning: why it failed (evidence) and how to fix it.',
  params: Type.Object({ CheckWarningId: Type.Integer(), CheckId: Str(32), ContainerName: Str(256), Lang: Str(8), ResourceDirectoryAccountId: Type.Optional(Type.Integer()), SourceIp: Str(64), Uuid: Str(64) }),
  response: Type.Object({
    RequestId: Type.String(), CheckId: Type.Integer(), CheckWarningId: Type.Integer(), Description: Type.String(), Item: Type.String(), Level: Type.String(), Prompt: Type.String(),
    Reason: Type.String(), Solution: Type.String(), Status: Type.Integer(), Type: Type.String(), Uuid: Type.String(), RiskId: Type.Integer(), RiskName: Type.String(), AutoFix: Type.Boolean(),
    Evidence: Type.Array(Type.Object({ Rule: Type.String(), Outcome: Type.String(), Reason: Type.String() })), Targets: Type.Array(Type.String()), IgnoreReason: Type.String(), FixStatus: Type.Integer(),
  }),
  async handler(ctx, p) {
    const [w] = await ctx.services.baseline.list(ctx.principal.accountId, { warningIds: [p.CheckWarningId] });
    if (!w) throw new VigilError('InvalidCheckWarningId', `Unknown CheckWarningId: ${p.CheckWarningId}.`, 404);
    return {
      CheckId: w.checkId, CheckWarningId: w.id, Description: w.evidence.map((e) => `${e.rule} → ${e.outcome}: ${e.reason}`).join('\n'), Item: w.title, Level: w.level,
      Prompt: w.autoFix ? 'This check can be fixed automatically (the changed file is backed up).' : '', Reason: w.reason, Solution: w.fix, Status: w.status,
      Type: typeAlias(w.category, p.Lang), Uuid: w.uuid, RiskId: w.riskId, RiskName: w.riskName, AutoFix: w.autoFix,
      Evidence: w.evidence.map((e) => ({ Rule: e.rule, Outcome: e.outcome, Reason: e.reason })), Targets: w.targets, IgnoreReason: w.ignoreReason, FixStatus: w.fixStatus,
    };
  },
});

export const ignoreHcCheckWarnings = defineAction({
  name: 'IgnoreHcCheckWarnings',
  product: 'Sas',
  ramActions: ['yundun-aegis:IgnoreHcCheckWarnings'],
  rw: 'Write',
  description: 'Ignores (Type 1) failed baseline warnings, or takes ignored ones back (Type 2), named by CheckWarningIds, CheckIds or RiskId.',
  params: Type.Object({ CheckIds: Str(64_000), CheckWarningIds: Str(64_000), Reason: Str(1024), RiskId: Str(32), Source: Str(64), SourceIp: Str(64), Type: Type.Integer() }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const riskIds = numbers(p.RiskId, 1);
    await ctx.services.baseline.ignore(
      ctx.principal.accountId,
      { warningIds: numbers(p.CheckWarningIds), checkIds: numbers(p.CheckIds), ...(riskIds.length ? { riskIds } : {}) },
      p.Type,
      p.Reason ?? '',
    );
    return {};
  },
});

async function accountAgents(ctx: ActionContext): Promise<string[]> {
  const rows = await ctx.services.store.db.selectFrom('agents').select('id').where('account_id', '=', ctx.principal.accountId).execute();
  return rows.map((r) => r.id);
}

export const validateHcWarnings = defineAction({
  name: 'ValidateHcWarnings',
  product: 'Sas',
  ramActions: ['yundun-aegis:ValidateHcWarnings'],
  rw: 'Write',
  description: 'Re-runs baseline checks on the hosts: the named risks/checks (their warnings turn 2 verifying until the agent answers), or, with no RiskIds/CheckIds, a full check of the hosts (立即检测 Check now).',
  params: Type.Object({ CheckIds: Str(64_000), RiskIds: Str(64_000), Status: Type.Optional(Type.Integer()), Uuids: Str(64_000) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const accountId = ctx.principal.accountId;
    const uuids = splitList(p.Uuids);
    const riskIds = numbers(p.RiskIds);
    const checkIds = numbers(p.CheckIds, 5000);
    if (riskIds.length === 0 && checkIds.length === 0) {
      const agents = await accountAgents(ctx);
      const targets = uuids.length ? uuids.filter((u) => agents.includes(u)) : agents;
      if (uuids.length && targets.length !== uuids.length) throw new VigilError('InvalidUuid', 'Some Uuids are not hosts of this account.', 400);
      for (const uuid of targets) await ctx.services.agents.enqueueTask(accountId, uuid, BASELINE_SCAN_TASK, {}, TASK_TTL_MS);
      return {};
    }
    const scopes = await ctx.services.baseline.beginVerify(accountId, { ...(uuids.length ? { uuids } : {}), ...(riskIds.length ? { riskIds } : {}), ...(checkIds.length ? { checkIds } : {}) });
    for (const s of scopes) {
      try {
        await ctx.services.agents.enqueueTask(accountId, s.uuid, BASELINE_SCAN_TASK, { policyIds: s.policyIds, checkIds: s.checkIds }, TASK_TTL_MS);
      } catch (err) {
        await ctx.services.baseline.cancelVerify(accountId, s.uuid);
        throw err;
      }
    }
    return {};
  },
});

function checkIdsFromParams(raw: string): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new VigilError('InvalidParameter', 'CheckParams must be JSON: [{"checkId":910001}, …].', 400);
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const ids = list
    .slice(0, 1000)
    .map((x) => (typeof x === 'object' && x !== null ? Number((x as Record<string, unknown>).checkId ?? (x as Record<string, unknown>).CheckId) : Number(x)))
    .filter((n) => Number.isSafeInteger(n) && n > 0);
  if (ids.length === 0) throw new VigilError('InvalidParameter', 'CheckParams names no checkId.', 400);
  return ids;
}

export const fixCheckWarnings = defineAction({
  name: 'FixCheckWarnings',
  product: 'Sas',
  ramActions: ['yundun-aegis:FixCheckWarnings'],
  rw: 'Write',
  description: 'Applies the safe automatic fix of failed checks (config-file option edits, backed up on the host, rolled back if the check still fails). Checks without a declared safe fix are refused.',
  params: Type.Object({ CheckParams: Type.String({ minLength: 1, maxLength: 64_000 }), Lang: Str(8), RetentionDays: Type.Optional(Type.Integer()), RiskId: Type.Optional(Type.Integer()), SnapshotName: Str(256), SourceIp: Str(64), Uuids: Str(64_000) }),
  response: Type.Object({ RequestId: Type.String(), BatchId: Type.Integer() }),
  async handler(ctx, p) {
    const accountId = ctx.principal.accountId;
    const checkIds = checkIdsFromParams(p.CheckParams);
    const uuids = splitList(p.Uuids);
    const ws = await ctx.services.baseline.list(accountId, { checkIds, statuses: [STATUS.failed], ...(uuids.length ? { uuids } : {}), ...(p.RiskId !== undefined ? { riskIds: [p.RiskId] } : {}) });
    const fixable = ws.filter((w) => w.autoFix);
    if (fixable.length === 0) throw new VigilError('NoAutomaticFix', 'None of these failed checks declares a safe automatic fix; follow the remediation text.', 400);
    const batchId = Date.now();
    const hub = ctx.services.agents;
    const baseline = ctx.services.baseline;
    for (const w of fixable) {
      await baseline.setFixState(accountId, w.id, { fixStatus: FIX_STATUS.fixing, message: `batch ${batchId}`, status: STATUS.verifying });
      // The fix runs in the background; its outcome lands on the warning (FixStatus, ExecErrorMessage).
      void hub
        .sendTask(accountId, w.uuid, BASELINE_FIX_TASK, { policyId: w.policyId, checkId: w.checkId }, { timeoutMs: FIX_TIMEOUT_MS })
        .then(
          (r) => baseline.recordFixOutcome(accountId, w.id, r as BaselineFixOutcome),
          (err: unknown) => baseline.setFixState(accountId, w.id, { fixStatus: FIX_STATUS.failed, message: err instanceof Error ? err.message : String(err), status: STATUS.failed }),
        )
        .catch(() => undefined);
    }
    return { BatchId: batchId };
  },
});

export const describeExposedInstanceList = defineAction({
  name: 'DescribeExposedInstanceList',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeExposedInstanceList'],
  rw: 'Read',
  description: 'Services listening on non-loopback addresses (from the asset inventory), with the weak-password / unauthorized-access warnings on the same port first; vulnerability counts are the host\'s open findings by urgency (Critical = asap, High = later, Low = nntf).',
  params: Type.Object({
    AssetType: Str(64), CspmStatus: Type.Optional(Type.Boolean()), ExposureComponent: Str(256), ExposureComponentBizType: Str(64), ExposureIp: Str(64), ExposurePort: Str(16),
    GroupId: Type.Optional(Type.Integer()), HealthStatus: Type.Optional(Type.Boolean()), InstanceId: Str(64), InstanceName: Str(256), ResourceDirectoryAccountId: Type.Optional(Type.Integer()),
    VulStatus: Type.Optional(Type.Boolean()), ...Page,
  }),
  response: Type.Object({
    RequestId: Type.String(),
    PageInfo: Type.Object({ Count: Type.Integer(), CurrentPage: Type.Integer(), PageSize: Type.Integer(), TotalCount: Type.Integer() }),
    ExposedInstances: Type.Array(Type.Object({
      Uuid: Type.String(), InstanceId: Type.String(), InstanceName: Type.String(), InternetIp: Type.String(), IntranetIp: Type.String(), RegionId: Type.String(), GroupId: Type.Integer(),
      ExposureIp: Type.String(), ExposurePort: Type.String(), ExposureComponent: Type.String(), ExposureType: Type.String(), ExposureTypeId: Type.String(),
      WeakPWCount: Type.Integer(), CriticalVulCount: Type.Integer(), HighVulCount: Type.Integer(), LowVulCount: Type.Integer(), WeakPWDetails: Type.Array(Type.String()),
    })),
  }),
  async handler(ctx, p) {
    let list = await ctx.services.baseline.exposure(ctx.principal.accountId);
    const views = await hostViews(ctx, list.map((e) => e.uuid));
    const vulns = await openVulCounts(ctx.services.store.db, ctx.principal.accountId, list.map((e) => e.uuid));
    if (p.ExposureIp) list = list.filter((e) => e.ip === p.ExposureIp);
    if (p.ExposurePort) list = list.filter((e) => String(e.port) === p.ExposurePort);
    if (p.ExposureComponent) list = list.filter((e) => e.component.toLowerCase().includes((p.ExposureComponent ?? '').toLowerCase()));
    if (p.InstanceId) list = list.filter((e) => e.uuid === p.InstanceId);
    if (p.InstanceName) list = list.filter((e) => (views.get(e.uuid)?.instanceName ?? '').toLowerCase().includes((p.InstanceName ?? '').toLowerCase()));
    if (p.GroupId !== undefined) list = list.filter((e) => views.get(e.uuid)?.groupId === p.GroupId);
    if (p.HealthStatus === true) list = list.filter((e) => e.weakWarnings.length > 0);
    if (p.VulStatus === true) list = list.filter((e) => (vulns.get(e.uuid)?.asap ?? 0) + (vulns.get(e.uuid)?.later ?? 0) > 0);
    const { slice, meta } = paginate(list, p);
    return {
      PageInfo: meta,
      ExposedInstances: slice.map((e) => {
        const v = views.get(e.uuid);
        return {
          Uuid: e.uuid, InstanceId: e.uuid, InstanceName: v?.instanceName ?? e.uuid, InternetIp: v?.internetIp ?? '', IntranetIp: v?.intranetIp ?? '', RegionId: v?.regionId ?? '', GroupId: v?.groupId ?? 0,
          ExposureIp: e.ip, ExposurePort: String(e.port), ExposureComponent: e.component, ExposureType: 'INTERNET_IP', ExposureTypeId: e.ip,
          WeakPWCount: e.weakWarnings.length, CriticalVulCount: vulns.get(e.uuid)?.asap ?? 0, HighVulCount: vulns.get(e.uuid)?.later ?? 0, LowVulCount: vulns.get(e.uuid)?.nntf ?? 0, WeakPWDetails: e.weakWarnings.map((w) => `${w.title}: ${w.reason}`),
        };
      }),
    };
  },
});

export const describeExposedStatistics = defineAction({
  name: 'DescribeExposedStatistics',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeExposedStatistics'],
  rw: 'Read',
  description: 'Totals of the exposure analysis: exposed hosts, IPs, ports and components, exposed hosts with weak passwords, and open vulnerabilities on exposed hosts by urgency. Vigil has no cloud gateways or managed databases: those counts are 0.',
  params: Type.Object({}),
  response: Type.Object({
    RequestId: Type.String(),
    ExposedInstanceCount: Type.Integer(), ExposedIpCount: Type.Integer(), ExposedPortCount: Type.Integer(), ExposedComponentCount: Type.Integer(),
    ExposedWeekPasswordMachineCount: Type.Integer(), ExposedAsapVulCount: Type.Integer(), ExposedLaterVulCount: Type.Integer(), ExposedNntfVulCount: Type.Integer(),
    GatewayAssetCount: Type.Integer(), ExposedEcsCount: Type.Integer(), ExposedRdsCount: Type.Integer(), ExposedKvstoreCount: Type.Integer(), ExposedDdsCount: Type.Integer(),
  }),
  async handler(ctx) {
    const list = await ctx.services.baseline.exposure(ctx.principal.accountId);
    const hosts = [...new Set(list.map((e) => e.uuid))];
    const vulns = await openVulCounts(ctx.services.store.db, ctx.principal.accountId, hosts);
    const sum = (k: 'asap' | 'later' | 'nntf') => hosts.reduce((n, h) => n + (vulns.get(h)?.[k] ?? 0), 0);
    return {
      ExposedInstanceCount: hosts.length,
      ExposedIpCount: new Set(list.map((e) => `${e.uuid}|${e.ip}`)).size,
      ExposedPortCount: new Set(list.map((e) => `${e.uuid}|${e.port}`)).size,
      ExposedComponentCount: new Set(list.map((e) => e.component)).size,
      ExposedWeekPasswordMachineCount: new Set(list.filter((e) => e.weakWarnings.length > 0).map((e) => e.uuid)).size,
      ExposedAsapVulCount: sum('asap'),
      ExposedLaterVulCount: sum('later'),
      ExposedNntfVulCount: sum('nntf'),
      GatewayAssetCount: 0,
      ExposedEcsCount: hosts.length,
      ExposedRdsCount: 0,
      ExposedKvstoreCount: 0,
      ExposedDdsCount: 0,
    };
  },
});

export const BASELINE_ACTIONS = [
  describeCheckWarningSummary,
  describeWarningMachines,
  describeCheckWarnings,
  describeCheckWarningDetail,
  ignoreHcCheckWarnings,
  validateHcWarnings,
  fixCheckWarnings,
  describeExposedInstanceList,
  describeExposedStatistics,
];
