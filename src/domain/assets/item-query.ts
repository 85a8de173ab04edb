import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import type { Page } from './asset-types.js';
import type { ItemKind } from './inventory-rows.js';
import { containsCi } from './sql-helpers.js';

export interface ItemFilter {
  uuid?: string;
  name?: string;
  /** Exact name match (export and cross-host lookups). */
  nameExact?: string;
  user?: string;
  port?: number;
  path?: string;
  /** Searches `detail` (process cmdline, port bind ip, cron period, software source). */
  detail?: string;
  version?: string;
  tsFrom?: number;
  tsTo?: number;
  flag?: number;
  /** Sas `Remark`: the host's name or one of its IPs. */
  remark?: string;
}

export interface ItemRow {
  uuid: string;
  instanceName: string;
  intranetIp: string;
  internetIp: string;
  ips: string;
  collectedAt: number;
  name: string;
  version: string;
  userName: string;
  port: number | null;
  pid: number | null;
  path: string;
  detail: string;
  ts: number | null;
  flag: number;
  data: Record<string, unknown>;
}

/** One page of inventory items of one kind across the account's hosts (DescribeProperty*Detail). */
export async function queryItems(db: Kysely<Database>, accountId: string, kind: ItemKind, f: ItemFilter, currentPage: number, pageSize: number): Promise<Page<ItemRow>> {
  let q = db
    .selectFrom('asset_items as x')
    .innerJoin('asset_instances as i', (j) => j.onRef('i.uuid', '=', 'x.uuid').onRef('i.account_id', '=', 'x.account_id'))
    .where('x.account_id', '=', accountId)
    .where('x.kind', '=', kind);
  if (f.uuid) q = q.where('x.uuid', '=', f.uuid);
  if (f.name) q = q.where(containsCi('x.name', f.name));
  if (f.nameExact !== undefined) q = q.where('x.name', '=', f.nameExact);
  if (f.user) q = q.where(containsCi('x.user_name', f.user));
  if (f.port !== undefined) q = q.where('x.port', '=', f.port);
  if (f.path) q = q.where(containsCi('x.path', f.path));
  if (f.detail) q = q.where(containsCi('x.detail', f.detail));
  if (f.version) q = q.where(containsCi('x.version', f.version));
  if (f.tsFrom !== undefined) q = q.where('x.ts', '>=', f.tsFrom);
  if (f.tsTo !== undefined) q = q.where('x.ts', '<=', f.tsTo);
  if (f.flag !== undefined) q = q.where('x.flag', '=', f.flag);
  if (f.remark) {
    const r = f.remark;
    q = q.where((eb) => eb.or([containsCi('i.instance_name', r), containsCi('i.ips', r), containsCi('i.intranet_ip', r), containsCi('i.internet_ip', r)]));
  }
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  const rows = await q
    .select(['x.uuid', 'x.name', 'x.version', 'x.user_name', 'x.port', 'x.pid', 'x.path', 'x.detail', 'x.ts', 'x.flag', 'x.data_json', 'i.instance_name', 'i.intranet_ip', 'i.internet_ip', 'i.ips', 'i.last_inventory_at'])
    .orderBy('i.instance_name')
    .orderBy('x.uuid')
    .orderBy('x.name')
    .orderBy('x.port')
    .orderBy('x.pid')
    .orderBy('x.path')
    .limit(pageSize)
    .offset((currentPage - 1) * pageSize)
    .execute();
  return {
    totalCount: Number(total?.n ?? 0),
    currentPage,
    pageSize,
    items: rows.map((r) => ({
      uuid: r.uuid,
      instanceName: r.instance_name,
      intranetIp: r.intranet_ip,
      internetIp: r.internet_ip,
      ips: r.ips,
      collectedAt: Number(r.last_inventory_at),
      name: r.name,
      version: r.version,
      userName: r.user_name,
      port: r.port,
      pid: r.pid,
      path: r.path,
      detail: r.detail,
      ts: r.ts === null ? null : Number(r.ts),
      flag: r.flag,
      data: JSON.parse(r.data_json) as Record<string, unknown>,
    })),
  };
}
