import type { Kysely } from 'kysely';

/**
 * Incremental re-evaluation after an advisory DB update (issue 4): the names each host's OS
 * packages can be looked up by in the advisory index (binary and source names), per ecosystem key,
 * so an import finds the hosts its changed (ecosystem, package) pairs touch with one indexed query.
 * Rows are written when a host's inventory is evaluated in full. Existing host states are dropped so
 * every host is evaluated in full once (which writes its names) before it is evaluated incrementally.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vul_host_names')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('uuid', 'varchar(64)', (c) => c.notNull())
    .addColumn('eco_key', 'varchar(200)', (c) => c.notNull())
    .addColumn('name', 'varchar(512)', (c) => c.notNull())
    .addPrimaryKeyConstraint('vul_host_names_pk', ['account_id', 'uuid', 'name'])
    .execute();
  await db.schema.createIndex('vul_host_names_eco').on('vul_host_names').columns(['eco_key', 'name']).execute();
  // Finding ids are allocated per account from MAX(id): without this index every evaluation that
  // inserts a finding scans all the account's findings.
  await db.schema.createIndex('vul_findings_id').on('vul_findings').columns(['account_id', 'id']).execute();
  await db.deleteFrom('vul_host_state' as never).execute();
}
