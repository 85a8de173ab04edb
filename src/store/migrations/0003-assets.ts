import type { Kysely } from 'kysely';

// Asset center (SPEC ). Portable DDL only (SQLite + PostgreSQL).
// Inventory items of every kind share one table: a host's snapshot is replaced with one delete and
// batched inserts, and the columns every list searches (name, version, user, port, pid, path, time)
// are real, indexed columns for cross-host queries ("which hosts listen on 6379"); the kind-specific
// rest travels in data_json for display.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('asset_instances')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('instance_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('hostname', 'varchar(256)', (c) => c.notNull())
    .addColumn('intranet_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('internet_ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('ips', 'text', (c) => c.notNull())
    .addColumn('macs', 'text', (c) => c.notNull())
    .addColumn('os', 'varchar(32)', (c) => c.notNull())
    .addColumn('os_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('kernel', 'varchar(256)', (c) => c.notNull())
    .addColumn('arch', 'varchar(64)', (c) => c.notNull())
    .addColumn('cpu_info', 'varchar(256)', (c) => c.notNull())
    .addColumn('cores', 'integer', (c) => c.notNull())
    .addColumn('mem_mb', 'bigint', (c) => c.notNull())
    .addColumn('group_id', 'integer')
    .addColumn('importance', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('vendor', 'integer', (c) => c.notNull())
    .addColumn('vendor_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('counts_json', 'text', (c) => c.notNull())
    .addColumn('warnings_json', 'text', (c) => c.notNull())
    .addColumn('last_inventory_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_instances_pk', ['account_id', 'uuid'])
    .execute();
  await db.schema.createIndex('asset_instances_name').on('asset_instances').columns(['account_id', 'instance_name']).execute();

  await db.schema
    .createTable('asset_items')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(512)', (c) => c.notNull())
    .addColumn('version', 'varchar(256)', (c) => c.notNull())
    .addColumn('user_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('port', 'integer')
    .addColumn('pid', 'integer')
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('ts', 'bigint')
    .addColumn('flag', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('asset_items_host').on('asset_items').columns(['account_id', 'uuid', 'kind']).execute();
  await db.schema.createIndex('asset_items_name').on('asset_items').columns(['account_id', 'kind', 'name']).execute();
  await db.schema.createIndex('asset_items_port').on('asset_items').columns(['account_id', 'kind', 'port']).execute();

  await db.schema
    .createTable('asset_groups')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_groups_pk', ['account_id', 'id'])
    .addUniqueConstraint('asset_groups_name', ['account_id', 'name'])
    .execute();

  await db.schema
    .createTable('asset_tags')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_tags_pk', ['account_id', 'id'])
    .addUniqueConstraint('asset_tags_name', ['account_id', 'name'])
    .execute();

  await db.schema
    .createTable('asset_instance_tags')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('tag_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_instance_tags_pk', ['account_id', 'uuid', 'tag_id'])
    .execute();

  await db.schema
    .createTable('asset_exports')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('export_type', 'varchar(32)', (c) => c.notNull())
    .addColumn('file_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('total_count', 'integer', (c) => c.notNull())
    .addColumn('current_count', 'integer', (c) => c.notNull())
    .addColumn('file_path', 'text')
    .addColumn('token', 'varchar(128)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_exports_pk', ['account_id', 'id'])
    .execute();
}
