import type { Kysely } from 'kysely';

/** Anti-brute-force rules, blocked sources reported by agents, login base configs. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Sas rule ids are Longs; the service allocates them (max + 1, serialised per server).
  await db.schema
    .createTable('bf_rules')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('fail_count', 'integer', (c) => c.notNull())
    .addColumn('span_seconds', 'integer', (c) => c.notNull())
    .addColumn('forbidden_seconds', 'integer', (c) => c.notNull())
    .addColumn('default_rule', 'integer', (c) => c.notNull())
    .addColumn('protocols', 'varchar(256)', (c) => c.notNull())
    .addColumn('source_ip', 'varchar(1024)', (c) => c.notNull())
    .addColumn('uuid_list', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bf_rules_account').on('bf_rules').columns(['account_id']).execute();

  await db.schema
    .createTable('bf_blocks')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('agent_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('ip', 'varchar(64)', (c) => c.notNull())
    .addColumn('rule_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('rule_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('reason', 'varchar(2048)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('backend', 'varchar(16)', (c) => c.notNull())
    .addColumn('error', 'varchar(1024)', (c) => c.notNull())
    .addColumn('blocked_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('bf_blocks_source').on('bf_blocks').columns(['account_id', 'agent_id', 'ip']).unique().execute();

  await db.schema
    .createTable('login_base_configs')
    .addColumn('id', 'bigint', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('config_key', 'varchar(256)', (c) => c.notNull())
    .addColumn('config', 'varchar(2048)', (c) => c.notNull())
    .addColumn('uuid_list', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_base_configs_key').on('login_base_configs').columns(['account_id', 'type', 'config_key']).unique().execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('login_base_configs').execute();
  await db.schema.dropTable('bf_blocks').execute();
  await db.schema.dropTable('bf_rules').execute();
}
