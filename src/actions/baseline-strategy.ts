import { Type } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { splitList } from '../domain/assets/sql-helpers.js';
import { FIX_STATUS } from '../domain/baseline/baseline-service.js';
import { BASELINE_ROLLBACK_TASK } from '../domain/baseline/baseline-types.js';
import { BASELINE_STRATEGY_TASK, type StrategyPush } from '../domain/baseline/strategy-schedule.js';
import { BaselineStrategyService, type StrategyView } from '../domain/baseline/strategy-service.js';

const Str = (max = 256) => Type.Optional(Type.String({ maxLength: max }));
/** Strategy pushes wait for offline agents this long (delivered on reconnect; the newest version wins). */
const PUSH_TTL_MS = 30 * 24 * 3_600_000;
const ROLLBACK_TIMEOUT_MS = 120_000;

async function hostsWithGroups(ctx: ActionContext): Promise<Array<{ uuid: string; groupId: number | undefined }>> {
  const db = ctx.services.store.db;
  const accountId = ctx.principal.accountId;
  const agents = await db.selectFrom('agents').select('id').where('account_id', '=', accountId).execute();
  const inst = await db.selectFrom('asset_instances').select(['uuid', 'group_id']).where('account_id', '=', accountId).execute();
  const groups = new Map(inst.map((i) => [i.uuid, i.group_id ?? undefined]));
  return agents.map((a) => ({ uuid: a.id, groupId: groups.get(a.id) }));
}

/**
 * Pushes each host its current strategy set (`baseline.strategy`). Hosts that just lost their
 * last strategy get an empty set (back to the agent's default daily full check).
 */
export async function pushStrategies(ctx: ActionContext, before: readonly StrategyView[]): Promise<number> {
  const accountId = ctx.principal.accountId;
  const after = await ctx.services.baseline.strategies.list(accountId);
  const version = Date.now();
  let pushed = 0;
  for (const h of await hostsWithGroups(ctx)) {
    const now = BaselineStrategyService.forHost(after, h.uuid, h.groupId);
    const was = BaselineStrategyService.forHost(before, h.uuid, h.groupId);
    if (JSON.stringify(now) === JSON.stringify(was)) continue;
    const push: StrategyPush = { version, strategies: now };
    await ctx.services.agents.enqueueTask(accountId, h.uuid, BASELINE_STRATEGY_TASK, push, PUSH_TTL_MS);
    pushed += 1;
  }
  return pushed;
}

const StrategyOut = Type.Object({
  Id: Type.Integer(),
  Name: Type.String(),
  CustomType: Type.String(),
  Type: Type.Integer(),
  CycleDays: Type.Integer(),
  CycleStartTime: Type.Integer(),
  StartTime: Type.String(),
  EndTime: Type.String(),
  TargetType: Type.String(),
  RiskSubTypeName: Type.String(),
  RiskCount: Type.Integer(),
  EcsCount: Type.Integer(),
});

export const describeStrategy = defineAction({
  name: 'DescribeStrategy',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeStrategy'],
  rw: 'Read',
  description: 'Baseline check strategies: policies (RiskSubTypeName, Vigil policy ids; empty = all), cycle (CycleDays, daily window StartTime–EndTime in the host\'s local time) and the number of bound hosts (EcsCount).',
  params: Type.Object({ CustomType: Str(16), Lang: Str(8), SourceIp: Str(64), StrategyIds: Str(4096) }),
  response: Type.Object({ RequestId: Type.String(), Strategies: Type.Array(StrategyOut) }),
  async handler(ctx, p) {
    const ids = splitList(p.StrategyIds).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
    let list = await ctx.services.baseline.strategies.list(ctx.principal.accountId, ids);
    if (p.CustomType) list = list.filter((s) => s.customType === p.CustomType);
    const hosts = await hostsWithGroups(ctx);
    return {
      Strategies: list.map((s) => ({
        Id: s.id,
        Name: s.name,
        CustomType: s.customType,
        Type: 1,
        CycleDays: s.cycleDays,
        CycleStartTime: s.cycleStartTime,
        StartTime: s.startTime,
        EndTime: s.endTime,
        TargetType: s.targetType,
        RiskSubTypeName: s.policyIds.join(','),
        RiskCount: s.policyIds.length,
        EcsCount: hosts.filter((h) => BaselineStrategyService.forHost([s], h.uuid, h.groupId).length > 0).length,
      })),
    };
  },
});

export const modifyStrategy = defineAction({
  name: 'ModifyStrategy',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyStrategy'],
  rw: 'Write',
  description: 'Creates (no Id) or updates a baseline check strategy and pushes the new schedule to the bound agents. RiskSubTypeName is a comma list of Vigil policy ids (e.g. vigil_debian_essentials,vigil_weakpass).',
  params: Type.Object({
    CustomType: Type.String({ maxLength: 16 }),
    CycleDays: Type.String({ maxLength: 4 }),
    CycleStartTime: Str(4),
    EndTime: Type.String({ maxLength: 8 }),
    Id: Str(16),
    Name: Type.String({ maxLength: 128 }),
    RiskCustomParams: Str(8192),
    RiskSubTypeName: Type.String({ maxLength: 8192 }),
    SourceIp: Str(64),
    StartTime: Type.String({ maxLength: 8 }),
    TargetType: Type.String({ maxLength: 16 }),
  }),
  response: Type.Object({ RequestId: Type.String(), Result: Type.Object({ StrategyId: Type.Integer() }) }),
  async handler(ctx, p) {
    const before = await ctx.services.baseline.strategies.list(ctx.principal.accountId);
    const id = p.Id !== undefined && p.Id !== '' ? Number(p.Id) : undefined;
    if (id !== undefined && !Number.isSafeInteger(id)) throw new VigilError('InvalidParameter', 'Id must be a number.', 400);
    const cst = p.CycleStartTime !== undefined && p.CycleStartTime !== '' ? Number(p.CycleStartTime) : undefined;
    const strategyId = await ctx.services.baseline.strategies.save(ctx.principal.accountId, {
      ...(id !== undefined ? { id } : {}),
      name: p.Name,
      customType: p.CustomType,
      cycleDays: Number(p.CycleDays),
      ...(cst !== undefined ? { cycleStartTime: cst } : {}),
      startTime: p.StartTime,
      endTime: p.EndTime,
      policyIds: splitList(p.RiskSubTypeName, 200),
      targetType: p.TargetType,
    });
    await pushStrategies(ctx, before);
    return { Result: { StrategyId: strategyId } };
  },
});

export const deleteStrategy = defineAction({
  name: 'DeleteStrategy',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteStrategy'],
  rw: 'Write',
  description: 'Deletes a baseline check strategy; its hosts get their remaining strategies (or the default daily full check).',
  params: Type.Object({ Id: Type.String({ maxLength: 16 }), Lang: Str(8), SourceIp: Str(64) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const id = Number(p.Id);
    if (!Number.isSafeInteger(id)) throw new VigilError('InvalidParameter', 'Id must be a number.', 400);
    const before = await ctx.services.baseline.strategies.list(ctx.principal.accountId);
    await ctx.services.baseline.strategies.remove(ctx.principal.accountId, id);
    await pushStrategies(ctx, before);
    return {};
  },
});

function strategyIdOf(type: string, config: string): number {
  if (type !== 'hc_strategy') throw new VigilError('InvalidParameter', 'Type must be hc_strategy.', 400);
  const id = Number(config);
  if (!Number.isSafeInteger(id) || id <= 0) throw new VigilError('InvalidParameter', 'Config must be the strategy id.', 400);
  return id;
}

export const describeStrategyTarget = defineAction({
  name: 'DescribeStrategyTarget',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeStrategyTarget'],
  rw: 'Read',
  description: 'Hosts (uuid) and asset groups (groupId) bound to a baseline strategy (Type hc_strategy, Config = strategy id).',
  params: Type.Object({ Config: Type.String({ maxLength: 64 }), SourceIp: Str(64), Type: Type.String({ maxLength: 32 }) }),
  response: Type.Object({ RequestId: Type.String(), StrategyTargets: Type.Array(Type.Object({ Flag: Type.String(), Target: Type.String(), TargetType: Type.String(), BindUuidCount: Type.Integer() })) }),
  async handler(ctx, p) {
    const id = strategyIdOf(p.Type, p.Config);
    const [s] = await ctx.services.baseline.strategies.list(ctx.principal.accountId, [id]);
    if (!s) throw new VigilError('StrategyNotFound', `No strategy ${id}.`, 404);
    const hosts = await hostsWithGroups(ctx);
    return {
      StrategyTargets: s.targets.map((t) => ({
        Flag: 'add',
        Target: t.target,
        TargetType: t.targetType,
        BindUuidCount: t.targetType === 'uuid' ? (hosts.some((h) => h.uuid === t.target) ? 1 : 0) : hosts.filter((h) => String(h.groupId) === t.target).length,
      })),
    };
  },
});

function parseTargets(raw: string): Array<{ target: string; targetType: string; flag: 'add' | 'del' }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new VigilError('InvalidParameter', 'Target must be JSON: [{"target":"<uuid>","targetType":"uuid","flag":"add"}].', 400);
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > 1000) throw new VigilError('InvalidParameter', 'Target must be a JSON array of 1–1000 entries.', 400);
  return parsed.map((x) => {
    const o = typeof x === 'object' && x !== null ? (x as Record<string, unknown>) : {};
    const target = String(o.target ?? o.Target ?? '');
    const targetType = String(o.targetType ?? o.TargetType ?? 'uuid');
    const flag = String(o.flag ?? o.Flag ?? 'add');
    if (flag !== 'add' && flag !== 'del') throw new VigilError('InvalidParameter', 'flag must be add or del.', 400);
    return { target, targetType, flag };
  });
}

export const modifyStrategyTarget = defineAction({
  name: 'ModifyStrategyTarget',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyStrategyTarget'],
  rw: 'Write',
  description: 'Binds or unbinds hosts/groups of a baseline strategy (Type hc_strategy, Config = strategy id, Target = JSON [{target, targetType uuid|groupId, flag add|del}]) and pushes the schedule to the affected agents.',
  params: Type.Object({ Config: Type.String({ maxLength: 64 }), SourceIp: Str(64), Target: Type.String({ maxLength: 64_000 }), Type: Type.String({ maxLength: 32 }) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    const id = strategyIdOf(p.Type, p.Config);
    const changes = parseTargets(p.Target);
    const before = await ctx.services.baseline.strategies.list(ctx.principal.accountId);
    await ctx.services.baseline.strategies.changeTargets(ctx.principal.accountId, id, changes);
    await pushStrategies(ctx, before);
    return {};
  },
});

export const rollbackHcCheckFix = defineAction({
  name: 'RollbackHcCheckFix',
  product: 'Sas',
  // Vigil action (Sas has no baseline rollback call): whoever may fix may undo the fix.
  ramActions: ['yundun-sas:RollbackHcCheckFix', 'yundun-sas:FixCheckWarnings'],
  rw: 'Write',
  description: 'Vigil extension: restores the file an automatic fix (FixCheckWarnings) changed from the backup the agent kept, byte-identical, then re-checks. CheckWarningIds: comma list of fixed warnings.',
  params: Type.Object({ CheckWarningIds: Type.String({ minLength: 1, maxLength: 64_000 }), Lang: Str(8) }),
  response: Type.Object({ RequestId: Type.String(), RolledBack: Type.Integer(), Failures: Type.Array(Type.Object({ CheckWarningId: Type.Integer(), Message: Type.String() })) }),
  async handler(ctx, p) {
    const accountId = ctx.principal.accountId;
    const ids = splitList(p.CheckWarningIds, 1000).map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
    const ws = await ctx.services.baseline.list(accountId, { warningIds: ids });
    const fixed = ws.filter((w) => w.fixStatus === FIX_STATUS.fixed && w.backupId.length > 0);
    if (fixed.length === 0) throw new VigilError('NothingToRollback', 'None of these warnings has an automatic fix with a backup to roll back.', 400);
    const failures: Array<{ CheckWarningId: number; Message: string }> = [];
    let done = 0;
    for (const w of fixed) {
      try {
        await ctx.services.agents.sendTask(accountId, w.uuid, BASELINE_ROLLBACK_TASK, { backupId: w.backupId, policyId: w.policyId, checkId: w.checkId }, { timeoutMs: ROLLBACK_TIMEOUT_MS });
        await ctx.services.baseline.setFixState(accountId, w.id, { fixStatus: FIX_STATUS.rolledBack, message: 'rolled back', backupId: '' });
        done += 1;
      } catch (err) {
        failures.push({ CheckWarningId: w.id, Message: err instanceof Error ? err.message : String(err) });
      }
    }
    return { RolledBack: done, Failures: failures };
  },
});

export const BASELINE_STRATEGY_ACTIONS = [describeStrategy, modifyStrategy, deleteStrategy, describeStrategyTarget, modifyStrategyTarget, rollbackHcCheckFix];
