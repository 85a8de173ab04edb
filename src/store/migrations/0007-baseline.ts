import type { Kysely } from 'kysely';

// Baseline checks (SPEC ). A risk (Sas RiskId) is one policy; a check (CheckId) one SCA
// check of it; a warning (CheckWarningId) one host × check with its latest result.
// Status: 1 failed, 2 verifying, 3 passed, 6 ignored (Sas RiskStatus codes).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('baseline_risks')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('risk_id', 'integer', (c) => c.notNull())
    .addColumn('policy_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('baseline_risks_pk', ['account_id', 'risk_id'])
    .addUniqueConstraint('baseline_risks_policy', ['account_id', 'policy_id'])
    .execute();

  await db.schema
    .createTable('baseline_checks')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('risk_id', 'integer', (c) => c.notNull())
    .addColumn('check_id', 'bigint', (c) => c.notNull())
    .addColumn('title', 'varchar(512)', (c) => c.notNull())
    .addColumn('category', 'varchar(32)', (c) => c.notNull())
    .addColumn('level', 'varchar(8)', (c) => c.notNull())
    .addColumn('fix_text', 'text', (c) => c.notNull())
    .addColumn('auto_fix', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('baseline_checks_pk', ['account_id', 'risk_id', 'check_id'])
    .execute();

  await db.schema
    .createTable('baseline_warnings')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('risk_id', 'integer', (c) => c.notNull())
    .addColumn('check_id', 'bigint', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('result', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('evidence_json', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('ignore_reason', 'text', (c) => c.notNull())
    .addColumn('fix_status', 'integer', (c) => c.notNull())
    .addColumn('fix_message', 'text', (c) => c.notNull())
    .addColumn('backup_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('first_seen', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addColumn('last_handled', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('baseline_warnings_pk', ['account_id', 'id'])
    .addUniqueConstraint('baseline_warnings_host_check', ['account_id', 'uuid', 'risk_id', 'check_id'])
    .execute();
  await db.schema.createIndex('baseline_warnings_risk').on('baseline_warnings').columns(['account_id', 'risk_id', 'status']).execute();
}
