/**
 * Baseline check strategies stored server-side (Sas DescribeStrategy, ModifyStrategy,
 * DeleteStrategy, DescribeStrategyTarget, ModifyStrategyTarget). Hosts are bound by uuid or by
 * asset group; `schedulesFor` gives the strategies that apply to one host, which the actions push
 * to the agent as a `baseline.strategy` task.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import { parseClock, type StrategySchedule } from './strategy-schedule.js';

export interface StrategyView {
  id: number;
  name: string;
  customType: string;
  cycleDays: number;
  cycleStartTime: number;
  startTime: string;
  endTime: string;
  policyIds: string[];
  targetType: string;
  targets: Array<{ targetType: string; target: string }>;
  updatedAt: number;
}

export interface StrategyInput {
  id?: number;
  name: string;
  customType: string;
  cycleDays: number;
  cycleStartTime?: number;
  startTime: string;
  endTime: string;
  policyIds: string[];
  targetType: string;
}

export const CYCLE_DAYS = [1, 2, 3, 5, 7, 15, 30] as const;
const TARGET_TYPES = ['uuid', 'groupId'];

function validate(i: StrategyInput): void {
  const bad = (m: string) => new VigilError('InvalidParameter', m, 400);
  if (i.name.trim().length === 0 || i.name.length > 128) throw bad('Name must have 1–128 characters.');
  if (!['common', 'custom'].includes(i.customType)) throw bad('CustomType must be common or custom.');
  if (!(CYCLE_DAYS as readonly number[]).includes(i.cycleDays)) throw bad(`CycleDays must be one of ${CYCLE_DAYS.join(', ')}.`);
  if (parseClock(i.startTime) === null || parseClock(i.endTime) === null) throw bad('StartTime and EndTime must be HH:MM:SS.');
  if (i.cycleStartTime !== undefined && ![0, 6, 12, 18].includes(i.cycleStartTime)) throw bad('CycleStartTime must be 0, 6, 12 or 18.');
  if (!TARGET_TYPES.includes(i.targetType)) throw bad('TargetType must be uuid or groupId.');
  for (const p of i.policyIds) if (!/^[\w.-]{1,128}$/.test(p)) throw bad(`RiskSubTypeName has an invalid policy id: ${p.slice(0, 64)}`);
}

export class BaselineStrategyService {
  constructor(private readonly db: Kysely<Database>) {}

  async list(accountId: string, ids?: number[]): Promise<StrategyView[]> {
    let q = this.db.selectFrom('baseline_strategies').selectAll().where('account_id', '=', accountId);
    if (ids?.length) q = q.where('id', 'in', ids);
    const rows = await q.orderBy('id').execute();
    const targets = await this.db.selectFrom('baseline_strategy_targets').selectAll().where('account_id', '=', accountId).execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      customType: r.custom_type,
      cycleDays: r.cycle_days,
      cycleStartTime: r.cycle_start_time,
      startTime: r.start_time,
      endTime: r.end_time,
      policyIds: r.policy_ids ? r.policy_ids.split(',') : [],
      targetType: r.target_type,
      targets: targets.filter((t) => t.strategy_id === r.id).map((t) => ({ targetType: t.target_type, target: t.target })),
      updatedAt: Number(r.updated_at),
    }));
  }

  /** ModifyStrategy: creates (no id) or updates a strategy; returns its id. */
  async save(accountId: string, i: StrategyInput, now = Date.now()): Promise<number> {
    validate(i);
    const values = {
      name: i.name.trim(),
      custom_type: i.customType,
      cycle_days: i.cycleDays,
      cycle_start_time: i.cycleStartTime ?? Math.floor((parseClock(i.startTime) ?? 0) / 3_600_000 / 6) * 6,
      start_time: i.startTime,
      end_time: i.endTime,
      policy_ids: [...new Set(i.policyIds)].join(','),
      target_type: i.targetType,
      updated_at: now,
    };
    return this.db.transaction().execute(async (tx) => {
      const clash = await tx.selectFrom('baseline_strategies').select('id').where('account_id', '=', accountId).where('name', '=', values.name).executeTakeFirst();
      if (clash && clash.id !== i.id) throw new VigilError('StrategyNameExists', `A strategy named ${values.name} exists.`, 400);
      if (i.id !== undefined) {
        const res = await tx.updateTable('baseline_strategies').set(values).where('account_id', '=', accountId).where('id', '=', i.id).executeTakeFirst();
        if (Number(res.numUpdatedRows) === 0) throw new VigilError('StrategyNotFound', `No strategy ${i.id}.`, 404);
        return i.id;
      }
      const max = await tx.selectFrom('baseline_strategies').select((eb) => eb.fn.max<number>('id').as('m')).where('account_id', '=', accountId).executeTakeFirst();
      const id = Number(max?.m ?? 0) + 1;
      await tx.insertInto('baseline_strategies').values({ account_id: accountId, id, ...values, created_at: now }).execute();
      return id;
    });
  }

  async remove(accountId: string, id: number): Promise<void> {
    const res = await this.db.deleteFrom('baseline_strategies').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError('StrategyNotFound', `No strategy ${id}.`, 404);
    await this.db.deleteFrom('baseline_strategy_targets').where('account_id', '=', accountId).where('strategy_id', '=', id).execute();
  }

  /** ModifyStrategyTarget: adds/removes uuids or group ids. */
  async changeTargets(accountId: string, id: number, changes: Array<{ target: string; targetType: string; flag: 'add' | 'del' }>, now = Date.now()): Promise<void> {
    const [s] = await this.list(accountId, [id]);
    if (!s) throw new VigilError('StrategyNotFound', `No strategy ${id}.`, 404);
    for (const c of changes) {
      if (!TARGET_TYPES.includes(c.targetType)) throw new VigilError('InvalidParameter', 'targetType must be uuid or groupId.', 400);
      if (c.target.length === 0 || c.target.length > 128) throw new VigilError('InvalidParameter', 'target must have 1–128 characters.', 400);
    }
    await this.db.transaction().execute(async (tx) => {
      for (const c of changes) {
        const key = { account_id: accountId, strategy_id: id, target_type: c.targetType, target: c.target };
        await tx.deleteFrom('baseline_strategy_targets').where('account_id', '=', accountId).where('strategy_id', '=', id).where('target_type', '=', c.targetType).where('target', '=', c.target).execute();
        if (c.flag === 'add') await tx.insertInto('baseline_strategy_targets').values(key).execute();
      }
      await tx.updateTable('baseline_strategies').set({ updated_at: now }).where('account_id', '=', accountId).where('id', '=', id).execute();
    });
  }

  /** The strategies that bind a host (by uuid or by its group). */
  static forHost(all: readonly StrategyView[], uuid: string, groupId: number | undefined): StrategySchedule[] {
    return all
      .filter((s) => s.targets.some((t) => (t.targetType === 'uuid' && t.target === uuid) || (t.targetType === 'groupId' && groupId !== undefined && t.target === String(groupId))))
      .map((s) => ({ id: s.id, name: s.name, policyIds: s.policyIds, cycleDays: s.cycleDays, startTime: s.startTime, endTime: s.endTime }));
  }
}
