import type { Kysely } from 'kysely';

/**
 * Incremental inventory ingest (issue 2): each asset_items row carries a stable identity within its
 * host (`item_key`) and a hash of its content (`item_hash`), so a new snapshot is diffed against the
 * stored one and only the removed/added/changed rows are written. `asset_instances.inventory_hash`
 * is the agent's content hash of the last snapshot stored — the base an agent delta must match.
 * Rows written before this migration have an empty key and are replaced by the next snapshot.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('asset_items').addColumn('item_key', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('asset_items').addColumn('item_hash', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.createIndex('asset_items_item_key').on('asset_items').columns(['account_id', 'uuid', 'item_key']).execute();
  await db.schema.alterTable('asset_instances').addColumn('inventory_hash', 'varchar(64)', (c) => c.notNull().defaultTo('')).execute();
}
