import type { Kysely } from 'kysely';

// Vulnerability management (SPEC R-4). Portable DDL only (SQLite + PostgreSQL).
// Advisories, their affected entries and the KEV list are shared reference data (one copy for the
// whole installation, like a package mirror); findings, host evaluation state and the whitelist
// belong to an account.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vul_advisories')
    .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('modified', 'varchar(64)', (c) => c.notNull())
    .addColumn('published', 'varchar(64)', (c) => c.notNull())
    .addColumn('withdrawn', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('aliases_json', 'text', (c) => c.notNull())
    .addColumn('cves_json', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('severity', 'varchar(32)', (c) => c.notNull())
    .addColumn('cvss_json', 'text', (c) => c.notNull())
    .addColumn('cvss_vector', 'varchar(256)', (c) => c.notNull())
    // Base score × 10 (integer: portable and exact).
    .addColumn('cvss_score10', 'integer', (c) => c.notNull())
    .addColumn('references_json', 'text', (c) => c.notNull())
    .addColumn('record_json', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('vul_affected')
    .addColumn('advisory_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('ecosystem', 'varchar(200)', (c) => c.notNull())
    .addColumn('ecosystem_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('package', 'varchar(512)', (c) => c.notNull())
    .addColumn('ranges_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vul_affected_pk', ['advisory_id', 'seq'])
    .execute();
  await db.schema.createIndex('vul_affected_eco').on('vul_affected').columns(['ecosystem_key', 'package']).execute();

  await db.schema
    .createTable('vul_kev')
    .addColumn('cve_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('date_added', 'varchar(32)', (c) => c.notNull())
    .addColumn('ransomware', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('vul_meta')
    .addColumn('meta_key', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('vul_findings')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('advisory_id', 'varchar(128)', (c) => c.notNull())
    .addColumn('package', 'varchar(512)', (c) => c.notNull())
    .addColumn('id', 'bigint', (c) => c.notNull())
    .addColumn('advisory_package', 'varchar(512)', (c) => c.notNull())
    .addColumn('installed_version', 'varchar(256)', (c) => c.notNull())
    .addColumn('fixed_version', 'varchar(256)', (c) => c.notNull())
    .addColumn('ecosystem', 'varchar(200)', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('necessity', 'varchar(8)', (c) => c.notNull())
    .addColumn('necessity_json', 'text', (c) => c.notNull())
    .addColumn('tags', 'varchar(512)', (c) => c.notNull())
    .addColumn('kernel', 'integer', (c) => c.notNull())
    .addColumn('first_ts', 'bigint', (c) => c.notNull())
    .addColumn('last_ts', 'bigint', (c) => c.notNull())
    .addColumn('modify_ts', 'bigint', (c) => c.notNull())
    .addColumn('repair_ts', 'bigint')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('result_code', 'varchar(64)', (c) => c.notNull())
    .addColumn('result_message', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vul_findings_pk', ['account_id', 'uuid', 'advisory_id', 'package'])
    .execute();
  await db.schema.createIndex('vul_findings_adv').on('vul_findings').columns(['account_id', 'advisory_id']).execute();
  await db.schema.createIndex('vul_findings_status').on('vul_findings').columns(['account_id', 'status']).execute();

  await db.schema
    .createTable('vul_host_state')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('inventory_at', 'bigint', (c) => c.notNull())
    .addColumn('db_version', 'bigint', (c) => c.notNull())
    .addColumn('ecosystem', 'varchar(200)', (c) => c.notNull())
    .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vul_host_state_pk', ['account_id', 'uuid'])
    .execute();

  await db.schema
    .createTable('vul_whitelist')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('alias_name', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('target_info', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vul_whitelist_pk', ['account_id', 'id'])
    .addUniqueConstraint('vul_whitelist_name', ['account_id', 'name'])
    .execute();
}
