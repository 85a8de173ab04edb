import type { Kysely } from 'kysely';

// Extends the spine's `agents` table (ALTER TABLE, one column per statement: SQLite allows only that)
// and adds install codes and the server → agent task queue. Portable DDL only.
export async function up(db: Kysely<unknown>): Promise<void> {
  const agentColumns: Array<[string, 'text' | 'bigint' | 'integer' | 'varchar(64)' | 'varchar(256)']> = [
    ['secret_enc', 'text'],
    ['machine_id', 'varchar(64)'],
    ['os', 'varchar(256)'],
    ['kernel', 'varchar(256)'],
    ['arch', 'varchar(64)'],
    ['ips_json', 'text'],
    ['agent_version', 'varchar(64)'],
    ['group_id', 'bigint'],
    ['vendor_name', 'varchar(64)'],
    ['install_code', 'varchar(64)'],
    ['last_ip', 'varchar(64)'],
    ['last_event_seq', 'bigint'],
    ['dropped_events', 'bigint'],
    ['connected', 'integer'],
  ];
  for (const [name, type] of agentColumns) await db.schema.alterTable('agents').addColumn(name, type).execute();
  await db.schema.createIndex('agents_account').on('agents').columns(['account_id', 'status']).execute();

  await db.schema
    .createTable('agent_install_codes')
    .addColumn('code', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('group_id', 'bigint')
    .addColumn('vendor_name', 'varchar(64)', (c) => c.notNull())
    .addColumn('os', 'varchar(32)', (c) => c.notNull())
    .addColumn('only_image', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enrolled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_install_codes_account').on('agent_install_codes').columns(['account_id', 'created_at']).execute();

  await db.schema
    .createTable('agent_tasks')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('agent_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(64)', (c) => c.notNull())
    .addColumn('params_json', 'text', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('result_json', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('agent_tasks_pending').on('agent_tasks').columns(['agent_id', 'status']).execute();
}
