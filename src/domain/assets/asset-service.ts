import type { Kysely, Transaction } from 'kysely';
import type { HostInventory } from '../../host/inventory/inventory-types.js';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import type { InstanceView } from './asset-types.js';
import { vendorCode } from './asset-types.js';
import { hostAddresses, inventoryRows, isPrivateIp, ITEM_KINDS, type ItemRow } from './inventory-rows.js';
import { diffItems } from './item-diff.js';
import { applyDelta, parseDelta } from './delta-apply.js';
import { insertRows } from '../../store/bulk-insert.js';
import { normalizeInventory } from './normalize-inventory.js';
import { CLIENT_STATUS_SQL } from './sql-helpers.js';
import { carryEvaluation, VULN_INPUT_ITEM_KINDS } from '../vulns/evaluation-carry.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Writes per transaction when a large diff is applied in chunks (each INSERT stays under SQLite's parameter limit: 15 columns × 300). */
const CHUNK = 300;
/** Rows per bulk insert call: one multi-row INSERT on PostgreSQL must stay under 65535 parameters (15 columns). */
const BULK_ROWS = 4000;

export interface IngestResult {
  items: number;
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
}
export const DEFAULT_GROUP_NAME = 'default';

/**
 * Hosts, their inventory, groups, tags and importance (SPEC ). Every method takes the
 * caller's account id; nothing crosses accounts.
 */
export class AssetService {
  /** Ingests of one host run one after another, so two snapshots never interleave their delete/insert. */
  private readonly ingestChains = new Map<string, Promise<unknown>>();

  constructor(readonly db: Kysely<Database>) {}

  /**
   * Replaces the host's previous inventory snapshot with `data`, writing only what changed: the
   * stored item keys/hashes are diffed against the new rows and only removed/added/changed rows are
   * deleted/inserted/updated. `data` is validated and bounded here, so it may come straight from an
   * agent message. `opts.hash` is the agent's content hash of this snapshot (the base of its next delta).
   */
  async ingestInventory(accountId: string, agentId: string, data: unknown, now = Date.now(), opts: { hash?: string } = {}): Promise<IngestResult> {
    const key = `${accountId}:${agentId}`;
    const prior = this.ingestChains.get(key) ?? Promise.resolve();
    const run = prior.catch(() => undefined).then(() => this.ingestNow(accountId, agentId, data, now, opts.hash ?? ''));
    this.ingestChains.set(key, run);
    try {
      return await run;
    } finally {
      if (this.ingestChains.get(key) === run) this.ingestChains.delete(key);
    }
  }

  /**
   * Applies an agent's `full: false` inventory delta when the host's stored snapshot is the delta's
   * base; otherwise (`needFull`) the caller asks the agent for a full snapshot.
   */
  async ingestDelta(accountId: string, agentId: string, data: unknown, now = Date.now()): Promise<IngestResult | { needFull: string }> {
    const delta = parseDelta(data);
    if (!delta) throw new VigilError('InvalidInventoryDelta', 'Malformed inventory delta.', 400);
    const key = `${accountId}:${agentId}`;
    const prior = this.ingestChains.get(key) ?? Promise.resolve();
    const run = prior
      .catch(() => undefined)
      .then(async (): Promise<IngestResult | { needFull: string }> => {
        const inst = await this.db.selectFrom('asset_instances').select('inventory_hash').where('account_id', '=', accountId).where('uuid', '=', agentId).executeTakeFirst();
        if (!inst || inst.inventory_hash === '' || inst.inventory_hash !== delta.base) return { needFull: 'base hash differs from the stored snapshot' };
        const stored = await this.db.selectFrom('asset_items').select(['kind', 'data_json']).where('account_id', '=', accountId).where('uuid', '=', agentId).execute();
        const full = applyDelta(stored, delta, now);
        if (!full) return { needFull: 'a removed item is not stored' };
        return this.ingestNow(accountId, agentId, full, now, delta.hash);
      });
    this.ingestChains.set(key, run);
    try {
      return await run;
    } finally {
      if (this.ingestChains.get(key) === run) this.ingestChains.delete(key);
    }
  }

  /**
   * Small diffs (the common case: a few processes came and went) are one transaction. A snapshot for
   * a host with no keyed rows yet (first inventory, or rows from before item keys) is a full replace:
   * the old rows go with the instance update in one transaction, then the rows are bulk-inserted with
   * the cached prepared statement (`insertRows`). Other large diffs are split into transactions of
   * CHUNK writes that yield to the event loop in between, so list calls are not queued behind one
   * long write; the host's items are a mix of old and new until the last chunk lands.
   */
  private async ingestNow(accountId: string, agentId: string, data: unknown, now: number, hash: string): Promise<IngestResult> {
    const inv = normalizeInventory(data, now);
    const rows = inventoryRows(inv);
    // better-sqlite3 queries resolve as microtasks: without this yield, parsing, hashing and the
    // writes below would be one event-loop block, and API calls would wait for all of it.
    await yieldToEventLoop();
    const host = (q: 'asset_items') => this.db.selectFrom(q).where('account_id', '=', accountId).where('uuid', '=', agentId);
    const stored = await host('asset_items').select(['item_key', 'item_hash', 'kind']).execute();
    const diff = diffItems(stored, rows);
    // Vulnerability inputs (packages, listening ports) untouched: the host's evaluation carries over.
    const storedKind = new Map(stored.map((s) => [s.item_key, s.kind]));
    const vulnInputsChanged =
      diff.added.some((r) => VULN_INPUT_ITEM_KINDS.has(r.kind)) || diff.changed.some((r) => VULN_INPUT_ITEM_KINDS.has(r.kind)) || diff.removed.some((k) => VULN_INPUT_ITEM_KINDS.has(storedKind.get(k) ?? 'software'));
    const result: IngestResult = { items: rows.length, inserted: diff.added.length, updated: diff.changed.length, deleted: 0, unchanged: diff.unchanged };
    const withHost = (r: ItemRow) => ({ ...r, account_id: accountId, uuid: agentId });
    const fullReplace = stored.length === 0 || diff.removed.includes('');
    if (fullReplace) {
      await this.db.transaction().execute(async (tx) => {
        await this.upsertInstance(tx, accountId, agentId, inv, now, hash);
        if (stored.length > 0) result.deleted = Number((await tx.deleteFrom('asset_items').where('account_id', '=', accountId).where('uuid', '=', agentId).executeTakeFirst()).numDeletedRows);
      });
      result.updated = 0;
      result.inserted = rows.length;
      for (let i = 0; i < rows.length; i += BULK_ROWS) await insertRows(this.db, 'asset_items', rows.slice(i, i + BULK_ROWS).map(withHost));
      return result;
    }
    type Op = { del: string } | { ins: ItemRow } | { upd: ItemRow };
    const ops: Op[] = [...diff.removed.map((k) => ({ del: k })), ...diff.changed.map((r) => ({ upd: r })), ...diff.added.map((r) => ({ ins: r }))];
    for (let i = 0; i === 0 || i < ops.length; i += CHUNK) {
      const chunk = ops.slice(i, i + CHUNK);
      const last = i + CHUNK >= ops.length;
      if (i > 0) await yieldToEventLoop();
      await this.db.transaction().execute(async (tx) => {
        const dels = chunk.flatMap((o) => ('del' in o ? [o.del] : []));
        const ins = chunk.flatMap((o) => ('ins' in o ? [withHost(o.ins)] : []));
        if (dels.length > 0) {
          const r = await tx.deleteFrom('asset_items').where('account_id', '=', accountId).where('uuid', '=', agentId).where('item_key', 'in', dels).executeTakeFirst();
          result.deleted += Number(r.numDeletedRows);
        }
        for (const o of chunk) {
          if (!('upd' in o)) continue;
          const { item_key, kind: _kind, ...cols } = o.upd;
          await tx.updateTable('asset_items').set(cols).where('account_id', '=', accountId).where('uuid', '=', agentId).where('item_key', '=', item_key).execute();
        }
        if (ins.length > 0) await tx.insertInto('asset_items').values(ins).execute();
        if (last) await this.upsertInstance(tx, accountId, agentId, inv, now, hash, !vulnInputsChanged);
      });
    }
    return result;
  }

  /** Makes an enrolled agent visible in the asset list before its first inventory arrives. */
  async ensureInstanceForAgent(accountId: string, agentId: string, now = Date.now()): Promise<void> {
    const exists = await this.db.selectFrom('asset_instances').select('uuid').where('account_id', '=', accountId).where('uuid', '=', agentId).executeTakeFirst();
    if (exists) return;
    const agent = await this.db.selectFrom('agents').selectAll().where('account_id', '=', accountId).where('id', '=', agentId).executeTakeFirst();
    if (!agent) return;
    let ips: string[] = [];
    try {
      const parsed = JSON.parse(agent.ips_json ?? '[]') as unknown;
      if (Array.isArray(parsed)) ips = parsed.filter((x): x is string => typeof x === 'string').slice(0, 64);
    } catch {
      ips = [];
    }
    const stub = normalizeInventory({ hostname: agent.hostname, os: { id: 'linux', prettyName: agent.os ?? '', kernel: agent.kernel ?? '', arch: agent.arch ?? '' }, interfaces: [{ name: 'agent', mac: '', ips }] }, now);
    await this.db.transaction().execute(async (tx) => this.upsertInstance(tx, accountId, agentId, stub, 0));
  }

  /**
   * Writes the host's instance row. `sameVulnItems`: the new inventory's software and port rows are
   * those of the stored one — if the OS name and kernel are unchanged too, a vulnerability
   * evaluation current for the previous inventory is carried over to this one (no re-evaluation).
   */
  private async upsertInstance(tx: Db, accountId: string, uuid: string, inv: HostInventory, inventoryAt: number, inventoryHash = '', sameVulnItems = false): Promise<void> {
    const now = Date.now();
    const { ips, macs } = hostAddresses(inv);
    const intranet = ips.find((ip) => isPrivateIp(ip)) ?? '';
    const internet = ips.find((ip) => !isPrivateIp(ip)) ?? '';
    const counts: Record<string, number> = {};
    for (const k of ITEM_KINDS) counts[k] = 0;
    counts.process = inv.processes.length;
    counts.port = inv.ports.length;
    counts.account = inv.accounts.length;
    counts.software = inv.software.length;
    counts.cron = inv.cron.length;
    counts.service = inv.services.length;
    counts.module = inv.modules.length;
    counts.middleware = inv.middleware.length;
    const facts = {
      instance_name: inv.hostname || uuid,
      hostname: inv.hostname,
      intranet_ip: intranet,
      internet_ip: internet,
      ips: ips.join(','),
      macs: macs.join(','),
      os: 'linux',
      os_name: inv.os.prettyName,
      kernel: inv.os.kernel,
      arch: inv.os.arch,
      cpu_info: inv.hardware.cpuModel,
      cores: inv.hardware.cores,
      mem_mb: Math.round(inv.hardware.memTotalBytes / (1024 * 1024)),
      counts_json: JSON.stringify(counts),
      warnings_json: JSON.stringify(inv.warnings),
      last_inventory_at: inventoryAt,
      inventory_hash: inventoryHash,
      updated_at: now,
    };
    const existing = await tx.selectFrom('asset_instances').select(['os_name', 'kernel', 'last_inventory_at']).where('account_id', '=', accountId).where('uuid', '=', uuid).executeTakeFirst();
    if (existing) {
      await tx.updateTable('asset_instances').set(facts).where('account_id', '=', accountId).where('uuid', '=', uuid).execute();
      if (sameVulnItems && existing.os_name === facts.os_name && existing.kernel === facts.kernel) await carryEvaluation(tx, accountId, uuid, Number(existing.last_inventory_at), inventoryAt);
      return;
    }
    const agent = await tx.selectFrom('agents').select(['group_id', 'vendor_name']).where('account_id', '=', accountId).where('id', '=', uuid).executeTakeFirst();
    let groupId = agent?.group_id ?? null;
    if (groupId !== null) {
      const g = await tx.selectFrom('asset_groups').select('id').where('account_id', '=', accountId).where('id', '=', groupId).executeTakeFirst();
      if (!g) groupId = null;
    }
    groupId ??= await this.defaultGroupId(tx, accountId);
    const vendorName = agent?.vendor_name || 'IDC';
    await tx
      .insertInto('asset_instances')
      .values({ ...facts, account_id: accountId, uuid, group_id: groupId, importance: 1, vendor: vendorCode(vendorName), vendor_name: vendorName, region_id: '', created_at: now })
      .execute();
  }

  /** The account's default group ("default", GroupFlag 1), created on first use. */
  async defaultGroupId(db: Db, accountId: string): Promise<number> {
    const g = await db.selectFrom('asset_groups').select('id').where('account_id', '=', accountId).where('is_default', '=', 1).executeTakeFirst();
    if (g) return g.id;
    const id = await nextId(db, 'asset_groups', accountId);
    await db.insertInto('asset_groups').values({ account_id: accountId, id, name: DEFAULT_GROUP_NAME, is_default: 1, created_at: Date.now() }).execute();
    return id;
  }

  async requireUuids(accountId: string, uuids: string[]): Promise<void> {
    if (uuids.length === 0) return;
    const found = await this.db.selectFrom('asset_instances').select('uuid').where('account_id', '=', accountId).where('uuid', 'in', uuids).execute();
    const have = new Set(found.map((r) => r.uuid));
    const missing = uuids.filter((u) => !have.has(u));
    if (missing.length > 0) throw new VigilError('InvalidUuid', `Unknown asset uuid: ${missing.slice(0, 5).join(', ')}.`, 400);
  }

  // ---- groups -------------------------------------------------------------------------------

  async listGroups(accountId: string): Promise<Array<{ id: number; name: string; isDefault: boolean; count: number }>> {
    await this.defaultGroupId(this.db, accountId);
    const groups = await this.db.selectFrom('asset_groups').select(['id', 'name', 'is_default']).where('account_id', '=', accountId).orderBy('id').execute();
    const counts = await this.db
      .selectFrom('asset_instances')
      .select(['group_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .groupBy('group_id')
      .execute();
    const byGroup = new Map(counts.map((c) => [c.group_id, Number(c.n)]));
    return groups.map((g) => ({ id: g.id, name: g.name, isDefault: g.is_default === 1, count: byGroup.get(g.id) ?? 0 }));
  }

  /** CreateOrUpdateAssetGroup: create (no GroupId) or rename; listed uuids move into the group. */
  async createOrUpdateGroup(accountId: string, groupId: number | undefined, name: string | undefined, uuids: string[]): Promise<number> {
    await this.requireUuids(accountId, uuids);
    return this.db.transaction().execute(async (tx) => {
      let id = groupId;
      if (id === undefined) {
        if (!name) throw new VigilError('MissingGroupName', 'GroupName is required to create a group.', 400);
        const clash = await tx.selectFrom('asset_groups').select('id').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
        if (clash) throw new VigilError('GroupNameExists', `A group named "${name}" already exists.`, 400);
        id = await nextId(tx, 'asset_groups', accountId);
        await tx.insertInto('asset_groups').values({ account_id: accountId, id, name, is_default: 0, created_at: Date.now() }).execute();
      } else {
        const g = await tx.selectFrom('asset_groups').select('id').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
        if (!g) throw new VigilError('GroupNotExist', `Group ${id} does not exist.`, 404);
        if (name) {
          const clash = await tx.selectFrom('asset_groups').select('id').where('account_id', '=', accountId).where('name', '=', name).where('id', '!=', id).executeTakeFirst();
          if (clash) throw new VigilError('GroupNameExists', `A group named "${name}" already exists.`, 400);
          await tx.updateTable('asset_groups').set({ name }).where('account_id', '=', accountId).where('id', '=', id).execute();
        }
      }
      if (uuids.length > 0) await tx.updateTable('asset_instances').set({ group_id: id }).where('account_id', '=', accountId).where('uuid', 'in', uuids).execute();
      return id;
    });
  }

  /** DeleteGroup: its hosts move to the default group; the default group cannot be deleted. */
  async deleteGroup(accountId: string, groupId: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const g = await tx.selectFrom('asset_groups').select(['id', 'is_default']).where('account_id', '=', accountId).where('id', '=', groupId).executeTakeFirst();
      if (!g) throw new VigilError('GroupNotExist', `Group ${groupId} does not exist.`, 404);
      if (g.is_default === 1) throw new VigilError('DefaultGroupCannotDelete', 'The default group cannot be deleted.', 400);
      const def = await this.defaultGroupId(tx, accountId);
      await tx.updateTable('asset_instances').set({ group_id: def }).where('account_id', '=', accountId).where('group_id', '=', groupId).execute();
      await tx.deleteFrom('asset_groups').where('account_id', '=', accountId).where('id', '=', groupId).execute();
    });
  }

  // ---- tags and importance --------------------------------------------------------------------

  /** ModifyTagWithUuid: the listed hosts get exactly these tags (created as needed). */
  async setTags(accountId: string, uuids: string[], tagNames: string[]): Promise<void> {
    await this.requireUuids(accountId, uuids);
    await this.db.transaction().execute(async (tx) => {
      const ids: number[] = [];
      for (const name of tagNames) ids.push(await this.tagId(tx, accountId, name, true));
      for (const uuid of uuids) {
        await tx.deleteFrom('asset_instance_tags').where('account_id', '=', accountId).where('uuid', '=', uuid).execute();
        if (ids.length > 0) await tx.insertInto('asset_instance_tags').values(ids.map((tag_id) => ({ account_id: accountId, uuid, tag_id }))).execute();
      }
    });
  }

  /** DeleteTagWithUuid: remove the tag from the listed hosts, or delete it everywhere when none are listed. */
  async deleteTag(accountId: string, tagName: string, uuids: string[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const id = await this.tagId(tx, accountId, tagName, false);
      let q = tx.deleteFrom('asset_instance_tags').where('account_id', '=', accountId).where('tag_id', '=', id);
      if (uuids.length > 0) q = q.where('uuid', 'in', uuids);
      await q.execute();
      if (uuids.length === 0) await tx.deleteFrom('asset_tags').where('account_id', '=', accountId).where('id', '=', id).execute();
    });
  }

  async groupedTags(accountId: string): Promise<Array<{ id: number; name: string; count: number }>> {
    const rows = await this.db
      .selectFrom('asset_tags as g')
      .leftJoin('asset_instance_tags as t', (j) => j.onRef('t.tag_id', '=', 'g.id').onRef('t.account_id', '=', 'g.account_id'))
      .select(['g.id', 'g.name', (eb) => eb.fn.count<number>('t.uuid').as('n')])
      .where('g.account_id', '=', accountId)
      .groupBy(['g.id', 'g.name'])
      .orderBy('g.id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, count: Number(r.n) }));
  }

  private async tagId(tx: Db, accountId: string, name: string, create: boolean): Promise<number> {
    const t = await tx.selectFrom('asset_tags').select('id').where('account_id', '=', accountId).where('name', '=', name).executeTakeFirst();
    if (t) return t.id;
    if (!create) throw new VigilError('TagNotExist', `Tag "${name}" does not exist.`, 404);
    const id = await nextId(tx, 'asset_tags', accountId);
    await tx.insertInto('asset_tags').values({ account_id: accountId, id, name, created_at: Date.now() }).execute();
    return id;
  }

  async setImportance(accountId: string, uuids: string[], importance: number): Promise<void> {
    if (![0, 1, 2].includes(importance)) throw new VigilError('InvalidParameter', 'ImportantCode must be 0 (test), 1 (general) or 2 (important).', 400);
    await this.requireUuids(accountId, uuids);
    if (uuids.length > 0) await this.db.updateTable('asset_instances').set({ importance }).where('account_id', '=', accountId).where('uuid', 'in', uuids).execute();
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** Hosts by uuid with group, tags and agent status. */
  async views(accountId: string, uuids: string[]): Promise<InstanceView[]> {
    if (uuids.length === 0) return [];
    const rows = await this.db
      .selectFrom('asset_instances as i')
      .leftJoin('agents as a', (j) => j.onRef('a.id', '=', 'i.uuid').onRef('a.account_id', '=', 'i.account_id'))
      .leftJoin('asset_groups as g', (j) => j.onRef('g.id', '=', 'i.group_id').onRef('g.account_id', '=', 'i.account_id'))
      .selectAll('i')
      .select([CLIENT_STATUS_SQL.as('client_status'), 'a.last_heartbeat_at', 'a.agent_version', 'g.name as group_name'])
      .where('i.account_id', '=', accountId)
      .where('i.uuid', 'in', uuids)
      .execute();
    const tags = await this.db
      .selectFrom('asset_instance_tags as t')
      .innerJoin('asset_tags as g', (j) => j.onRef('g.id', '=', 't.tag_id').onRef('g.account_id', '=', 't.account_id'))
      .select(['t.uuid', 'g.id', 'g.name'])
      .where('t.account_id', '=', accountId)
      .where('t.uuid', 'in', uuids)
      .orderBy('g.id')
      .execute();
    const byUuid = new Map(rows.map((r) => [r.uuid, r]));
    return uuids.flatMap((uuid) => {
      const r = byUuid.get(uuid);
      if (!r) return [];
      const view: InstanceView = {
        uuid: r.uuid,
        instanceName: r.instance_name,
        hostname: r.hostname,
        intranetIp: r.intranet_ip,
        internetIp: r.internet_ip,
        ips: r.ips ? r.ips.split(',') : [],
        macs: r.macs ? r.macs.split(',') : [],
        os: r.os,
        osName: r.os_name,
        kernel: r.kernel,
        arch: r.arch,
        cpuInfo: r.cpu_info,
        cores: r.cores,
        memMb: Number(r.mem_mb),
        groupId: r.group_id ?? 0,
        groupName: r.group_name ?? '',
        importance: r.importance,
        vendor: r.vendor,
        vendorName: r.vendor_name,
        regionId: r.region_id,
        tags: tags.filter((t) => t.uuid === uuid).map((t) => ({ id: t.id, name: t.name })),
        clientStatus: r.client_status === 'pause' ? 'pause' : r.client_status === 'online' ? 'online' : 'offline',
        lastHeartbeatAt: r.last_heartbeat_at ?? null,
        agentVersion: r.agent_version ?? '',
        lastInventoryAt: Number(r.last_inventory_at),
        createdAt: Number(r.created_at),
        counts: JSON.parse(r.counts_json) as Record<string, number>,
        warnings: JSON.parse(r.warnings_json) as string[],
      };
      return [view];
    });
  }

  async view(accountId: string, uuid: string): Promise<InstanceView> {
    const [v] = await this.views(accountId, [uuid]);
    if (!v) throw new VigilError('InvalidUuid', `Unknown asset uuid: ${uuid}.`, 404);
    return v;
  }
}

/** Lets pending I/O callbacks (API requests, other agents' messages) run before continuing. */
function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Next small integer id within an account (Sas group/tag ids are int32). */
export async function nextId(db: Db, table: 'asset_groups' | 'asset_tags' | 'asset_exports', accountId: string): Promise<number> {
  const r = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max<number>('id').as('m'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}
