import type { Kysely } from 'kysely';

/**
 * Vulnerability settings (ModifyVulConfig / ModifyVulTargetConfig): one row per account, host
 * ('' = the account-wide value) and setting type (cve, cms, app, emg, scanMode, vulLevel, scanCycle…).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vul_settings')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('config', 'varchar(256)', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vul_settings_pk', ['account_id', 'uuid', 'type'])
    .execute();
}
