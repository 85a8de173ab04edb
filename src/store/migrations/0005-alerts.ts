import type { Kysely } from 'kysely';

/** Security alerts (aggregated agent findings), whitelist rules, handling operations, quarantined files. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('unique_info', 'varchar(64)', (c) => c.notNull())
    .addColumn('agg_key', 'varchar(1024)', (c) => c.notNull())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('level', 'varchar(16)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('first_time', 'bigint', (c) => c.notNull())
    .addColumn('last_time', 'bigint', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .addColumn('notes_json', 'text', (c) => c.notNull())
    .addColumn('operate_error_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('operate_msg', 'varchar(1024)', (c) => c.notNull())
    .addColumn('operate_time', 'bigint')
    .addColumn('mark_mis_rules', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('alerts_aggregate', ['account_id', 'uuid', 'unique_info'])
    .execute();
  await db.schema.createIndex('alerts_list').on('alerts').columns(['account_id', 'last_time']).execute();
  await db.schema.createIndex('alerts_rule').on('alerts').columns(['account_id', 'rule_id']).execute();

  await db.schema
    .createTable('alert_whitelist')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('field', 'varchar(64)', (c) => c.notNull())
    .addColumn('operate', 'varchar(16)', (c) => c.notNull())
    .addColumn('field_value', 'varchar(1024)', (c) => c.notNull())
    .addColumn('scope_uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_whitelist_pk', ['account_id', 'id'])
    .execute();

  await db.schema
    .createTable('alert_operations')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('operation_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('alert_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('message', 'varchar(1024)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();

  await db.schema
    .createTable('alert_quara_files')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('alert_id', 'integer', (c) => c.notNull())
    .addColumn('quara_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('path', 'varchar(4096)', (c) => c.notNull())
    .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('message', 'varchar(1024)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alert_quara_files_account').on('alert_quara_files').columns(['account_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['alert_quara_files', 'alert_operations', 'alert_whitelist', 'alerts']) await db.schema.dropTable(t).ifExists().execute();
}
