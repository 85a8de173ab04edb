import type { Kysely } from 'kysely';

/** AccessKey-leak workflow: scan sources, found leaks; agent webshell findings. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('leak_sources')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('location', 'varchar(1024)', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('last_scan_at', 'bigint')
    .addColumn('last_status', 'varchar(32)', (c) => c.notNull())
    .addColumn('last_message', 'varchar(1024)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('leak_sources_location', ['account_id', 'kind', 'location'])
    .execute();

  // Sas leak ids are Longs; the service allocates them (max + 1, scans are serialised per server).
  await db.schema
    .createTable('ak_leaks')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('dedup_key', 'varchar(64)', (c) => c.notNull())
    .addColumn('secret_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('provider', 'varchar(32)', (c) => c.notNull())
    .addColumn('key_id', 'varchar(128)')
    .addColumn('file', 'varchar(1024)', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('commit_id', 'varchar(64)')
    .addColumn('author', 'varchar(256)')
    .addColumn('commit_date', 'varchar(64)')
    .addColumn('excerpt', 'varchar(1024)', (c) => c.notNull())
    .addColumn('owner_user_id', 'varchar(64)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('deal_type', 'varchar(32)')
    .addColumn('deal_at', 'bigint')
    .addColumn('remark', 'varchar(1024)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ak_leaks_dedup').on('ak_leaks').columns(['account_id', 'dedup_key']).unique().execute();
  await db.schema.createIndex('ak_leaks_account').on('ak_leaks').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('webshell_findings')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('agent_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('path', 'varchar(2048)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('rule', 'varchar(128)', (c) => c.notNull())
    .addColumn('confidence', 'varchar(16)', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('scan_trigger', 'varchar(16)', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webshell_findings_account').on('webshell_findings').columns(['account_id', 'last_seen_at']).execute();
}
