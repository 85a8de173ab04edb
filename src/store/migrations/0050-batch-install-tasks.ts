import type { Kysely } from 'kysely';

/** SSH batch install tasks and their per-host results (never credentials), kept across restarts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('batch_install_tasks')
    .addColumn('task_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('code', 'varchar(64)', (c) => c.notNull())
    .addColumn('downloader', 'varchar(8)', (c) => c.notNull())
    .addColumn('parallelism', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint', (c) => c.notNull())
    .addColumn('hosts_json', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('batch_install_tasks_account').on('batch_install_tasks').columns(['account_id', 'created_at']).execute();
}
