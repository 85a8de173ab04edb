import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryDelta, inventoryHash } from '../../src/agent/inventory-delta.js';
import { AssetService } from '../../src/domain/assets/asset-service.js';
import type { HostInventory } from '../../src/host/inventory/inventory-types.js';
import { migrateToLatest, type Store } from '../../src/store/db.js';
import { openTempStore } from '../helpers/temp-store.js';

const ACC = 'acc-diff';
const T0 = 1_760_000_000_000;

function inventory(opts: { pids: number[]; bashVersion?: string; extraPkg?: boolean }): Record<string, unknown> {
  return {
    hostname: 'diff-host',
    os: { id: 'debian', prettyName: 'Debian GNU/Linux 12', kernel: '6.1.0', arch: 'x86_64' },
    interfaces: [{ name: 'eth0', mac: '52:54:00:00:00:01', ips: ['10.1.2.3'] }],
    processes: opts.pids.map((pid) => ({ pid, ppid: 1, uid: 0, user: 'root', name: `p${pid}`, exe: `/usr/bin/p${pid}`, cmdline: `p${pid} --serve`, startTime: T0 + pid, state: 'S' })),
    software: [
      { source: 'dpkg', name: 'bash', version: opts.bashVersion ?? '5.2.15-2', arch: 'amd64' },
      { source: 'dpkg', name: 'openssl', version: '3.0.11-1', arch: 'amd64' },
      ...(opts.extraPkg ? [{ source: 'dpkg', name: 'curl', version: '7.88.1-10', arch: 'amd64' }] : []),
    ],
    accounts: [{ name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' }],
  };
}

describe.each(['sqlite', 'postgres'] as const)('incremental inventory ingest on %s', (dialect) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let assets: AssetService;

  beforeAll(async () => {
    ({ store, cleanup } = await openTempStore(dialect, 'vigil-ingest-diff-'));
    await migrateToLatest(store);
    assets = new AssetService(store.db);
  });
  afterAll(async () => {
    await store?.close();
    await cleanup?.();
  });

  /**
   * Row versions per item key: the SQLite rowid plus the connection's total_changes() counter, or
   * PostgreSQL's xmin (the id of the transaction that last wrote the row) — no triggers involved.
   */
  async function versions(uuid: string): Promise<{ rows: Map<string, string>; changes: number }> {
    if (dialect === 'sqlite') {
      const rows = await sql<{ item_key: string; v: number }>`select item_key, rowid as v from asset_items where account_id = ${ACC} and uuid = ${uuid}`.execute(store.db);
      const c = await sql<{ c: number }>`select total_changes() as c`.execute(store.db);
      return { rows: new Map(rows.rows.map((r) => [r.item_key, String(r.v)])), changes: Number(c.rows[0]?.c) };
    }
    const rows = await sql<{ item_key: string; v: string }>`select item_key, xmin::text as v from asset_items where account_id = ${ACC} and uuid = ${uuid}`.execute(store.db);
    return { rows: new Map(rows.rows.map((r) => [r.item_key, r.v])), changes: 0 };
  }
  const names = async (uuid: string, kind: string) =>
    (await store.db.selectFrom('asset_items').select(['name', 'version', 'pid']).where('account_id', '=', ACC).where('uuid', '=', uuid).where('kind', '=', kind).orderBy('name').execute()).map((r) => `${r.name}@${r.version || r.pid}`);

  it('writes no item rows for an identical second snapshot, and only the changed rows for a changed one', async () => {
    const uuid = 'host-diff-1';
    const first = await assets.ingestInventory(ACC, uuid, inventory({ pids: [100, 200, 300] }), T0 + 1_000);
    expect(first).toMatchObject({ items: 6, inserted: 6, updated: 0, deleted: 0 });
    const v1 = await versions(uuid);
    expect(v1.rows.size).toBe(6);

    const again = await assets.ingestInventory(ACC, uuid, inventory({ pids: [100, 200, 300] }), T0 + 2_000);
    expect(again).toEqual({ items: 6, inserted: 0, updated: 0, deleted: 0, unchanged: 6 });
    const v2 = await versions(uuid);
    expect(v2.rows).toEqual(v1.rows);
    // SQLite: the only row written is the asset_instances row (last_inventory_at moves on).
    if (dialect === 'sqlite') expect(v2.changes - v1.changes).toBe(1);
    const inst = await store.db.selectFrom('asset_instances').select(['last_inventory_at']).where('account_id', '=', ACC).where('uuid', '=', uuid).executeTakeFirstOrThrow();
    expect(Number(inst.last_inventory_at)).toBe(T0 + 2_000);

    // pid 200 exits, pid 400 starts, bash is upgraded, curl is installed: 2 inserts, 1 update, 1 delete.
    const changed = await assets.ingestInventory(ACC, uuid, inventory({ pids: [100, 300, 400], bashVersion: '5.2.15-2+b7', extraPkg: true }), T0 + 3_000);
    expect(changed).toEqual({ items: 7, inserted: 2, updated: 1, deleted: 1, unchanged: 4 });
    const v3 = await versions(uuid);
    if (dialect === 'sqlite') expect(v3.changes - v2.changes).toBe(1 + 4);
    const kept = [...v3.rows].filter(([k, v]) => v2.rows.get(k) === v).length;
    // p100, p300, openssl, root untouched; an UPDATE keeps its SQLite rowid (bash), but gets a new xmin.
    expect(kept).toBe(dialect === 'sqlite' ? 5 : 4);
    expect(v3.rows.size).toBe(7);
    expect(await names(uuid, 'process')).toEqual(['p100@100', 'p300@300', 'p400@400']);
    expect(await names(uuid, 'software')).toEqual(['bash@5.2.15-2+b7', 'curl@7.88.1-10', 'openssl@3.0.11-1']);
  });

  it('applies a large diff in chunks and ends with exactly the new snapshot', async () => {
    const uuid = 'host-diff-2';
    const many = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    await assets.ingestInventory(ACC, uuid, inventory({ pids: many(1_000, 900) }), T0 + 1_000);
    const r = await assets.ingestInventory(ACC, uuid, inventory({ pids: many(1_500, 900) }), T0 + 2_000);
    expect(r).toMatchObject({ inserted: 500, deleted: 500, updated: 0, unchanged: 403 });
    const pids = (await store.db.selectFrom('asset_items').select('pid').where('account_id', '=', ACC).where('uuid', '=', uuid).where('kind', '=', 'process').execute()).map((x) => Number(x.pid));
    expect(pids.sort((a, b) => a - b)).toEqual(many(1_500, 900));
  });

  it('replaces rows stored before item keys existed with one full write', async () => {
    const uuid = 'host-diff-3';
    await assets.ingestInventory(ACC, uuid, inventory({ pids: [1, 2] }), T0);
    await store.db.updateTable('asset_items').set({ item_key: '', item_hash: '' }).where('account_id', '=', ACC).where('uuid', '=', uuid).execute();
    const r = await assets.ingestInventory(ACC, uuid, inventory({ pids: [1, 2, 3] }), T0 + 1);
    expect(r).toMatchObject({ items: 6, inserted: 6, deleted: 5 });
    expect(await names(uuid, 'process')).toEqual(['p1@1', 'p2@2', 'p3@3']);
    const again = await assets.ingestInventory(ACC, uuid, inventory({ pids: [1, 2, 3] }), T0 + 2);
    expect(again).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: 6 });
  });

  it('applies an agent delta on top of the snapshot it names, and asks for a full one otherwise', async () => {
    const uuid = 'host-diff-4';
    const asAgent = (x: Record<string, unknown>): HostInventory => ({ collectedAt: T0, hardware: { cpuModel: 'x', cores: 2, memTotalBytes: 2 ** 31 }, ports: [], cron: [], services: [], modules: [], middleware: [], warnings: [], ...x }) as unknown as HostInventory;
    const a = asAgent(inventory({ pids: [10, 20, 30] }));
    const b = asAgent(inventory({ pids: [10, 30, 40], bashVersion: '5.2.21-2' }));
    const ha = inventoryHash(a);
    const hb = inventoryHash(b);
    await assets.ingestInventory(ACC, uuid, a, T0 + 1, { hash: ha });
    const before = await versions(uuid);

    // An unchanged delta (on-demand collection) rewrites no item row.
    const same = await assets.ingestDelta(ACC, uuid, inventoryDelta(a, a, ha, ha), T0 + 2);
    expect(same).toMatchObject({ inserted: 0, updated: 0, deleted: 0, unchanged: 6 });
    expect((await versions(uuid)).rows).toEqual(before.rows);

    const delta = inventoryDelta(a, b, ha, hb);
    expect(Object.keys(delta.sections).sort()).toEqual(['processes', 'software']);
    expect(delta.sections.processes?.added).toHaveLength(1);
    expect(delta.sections.processes?.removed).toHaveLength(1);
    const r = await assets.ingestDelta(ACC, uuid, delta, T0 + 3);
    expect(r).toEqual({ items: 6, inserted: 1, updated: 1, deleted: 1, unchanged: 4 });
    expect(await names(uuid, 'process')).toEqual(['p10@10', 'p30@30', 'p40@40']);
    expect(await names(uuid, 'software')).toEqual(['bash@5.2.21-2', 'openssl@3.0.11-1']);
    const inst = await store.db.selectFrom('asset_instances').select(['inventory_hash', 'last_inventory_at', 'counts_json']).where('account_id', '=', ACC).where('uuid', '=', uuid).executeTakeFirstOrThrow();
    expect(inst.inventory_hash).toBe(hb);
    expect(Number(inst.last_inventory_at)).toBe(T0 + 3);
    expect(JSON.parse(inst.counts_json)).toMatchObject({ process: 3, software: 2, account: 1 });

    // The same delta again: its base is no longer what is stored.
    expect(await assets.ingestDelta(ACC, uuid, delta, T0 + 4)).toEqual({ needFull: expect.any(String) });
    // A base that matches but removes an item the server does not have.
    const bogus = inventoryDelta(asAgent(inventory({ pids: [99] })), b, hb, hb);
    expect(await assets.ingestDelta(ACC, uuid, bogus, T0 + 5)).toEqual({ needFull: expect.any(String) });
    await expect(assets.ingestDelta(ACC, uuid, { base: 1 }, T0 + 6)).rejects.toThrow(/Malformed inventory delta/);
    expect(await names(uuid, 'process')).toEqual(['p10@10', 'p30@30', 'p40@40']);
  });
});
