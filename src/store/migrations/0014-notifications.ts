import type { Kysely } from 'kysely';

/** Alert notification channels and the per-alert record of what was already sent. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notify_channels')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('levels', 'varchar(64)', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    // Non-secret settings (SMTP host, port, sender, recipients) as JSON.
    .addColumn('config_json', 'text', (c) => c.notNull())
    // Webhook URL, signing secret, SMTP password: sealed with the master key (SecretBox).
    .addColumn('secrets_sealed', 'text', (c) => c.notNull())
    .addColumn('last_status', 'varchar(16)', (c) => c.notNull())
    .addColumn('last_error', 'varchar(1024)', (c) => c.notNull())
    .addColumn('last_time', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notify_channels_account').on('notify_channels').columns(['account_id']).execute();
  await db.schema
    .createTable('notify_sent')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('alert_id', 'bigint', (c) => c.notNull())
    .addColumn('milestone', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('notify_sent_pk', ['account_id', 'alert_id', 'milestone'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notify_sent').execute();
  await db.schema.dropTable('notify_channels').execute();
}
