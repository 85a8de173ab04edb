import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AlertsTable, Database } from '../../store/schema.js';
import type { AlertDetails, AlertLevel, AlertView } from './alert-types.js';

export type Db = Kysely<Database>;

export function uniqueInfo(ruleId: string, aggKey: string): string {
  return createHash('sha256').update(`${ruleId}\0${aggKey}`).digest('hex').slice(0, 32);
}

const LEVEL_RANK: Record<AlertLevel, number> = { remind: 0, suspicious: 1, serious: 2 };
export function higherLevel(a: AlertLevel, b: AlertLevel): AlertLevel {
  return LEVEL_RANK[a] >= LEVEL_RANK[b] ? a : b;
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function toView(r: Selectable<AlertsTable>, host?: { instance_name: string; intranet_ip: string; internet_ip: string }): AlertView {
  return {
    id: r.id,
    uuid: r.uuid,
    ruleId: r.rule_id,
    uniqueInfo: r.unique_info,
    name: r.name,
    level: r.level as AlertLevel,
    status: r.status,
    count: r.count,
    firstTime: r.first_time,
    lastTime: r.last_time,
    details: parseJson<AlertDetails>(r.details_json, {}),
    notes: parseJson(r.notes_json, []),
    operateErrorCode: r.operate_error_code,
    operateMsg: r.operate_msg,
    operateTime: r.operate_time,
    markMisRules: r.mark_mis_rules,
    instanceName: host?.instance_name ?? '',
    intranetIp: host?.intranet_ip ?? '',
    internetIp: host?.internet_ip ?? '',
  };
}

/**
 * Ids are account-independent integers (Sas `Id`, `TaskId`, `QuaraFileId` are Longs). One writer per
 * table per process: callers serialise inserts through `IdSequence.next` + insert under `lock`.
 */
export class IdSequence {
  private chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier locked call finished, so max(id)+1 stays unique in this process. */
  lock<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

export async function nextGlobalId(db: Db, table: 'alerts' | 'alert_operations' | 'alert_quara_files'): Promise<number> {
  const r = await db.selectFrom(table).select((eb) => eb.fn.max<number>('id').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

export async function nextWhitelistId(db: Db, accountId: string): Promise<number> {
  const r = await db.selectFrom('alert_whitelist').select((eb) => eb.fn.max<number>('id').as('m')).where('account_id', '=', accountId).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}
