import type { Kysely } from 'kysely';

/** Saved asset search conditions (Sas ModifySearchCondition / DescribeSearchCondition). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('asset_search_conditions')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('type', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('filter_conditions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_search_conditions_pk', ['account_id', 'type', 'name'])
    .execute();
}
