import type { Kysely } from 'kysely';

// Baseline check strategies (Sas DescribeStrategy / ModifyStrategy / ModifyStrategyTarget):
// which policies (policy_ids), when (cycle_days + daily window), and on which hosts (targets:
// uuids or asset groups).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('baseline_strategies')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'integer', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    .addColumn('custom_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('cycle_days', 'integer', (c) => c.notNull())
    .addColumn('cycle_start_time', 'integer', (c) => c.notNull())
    .addColumn('start_time', 'varchar(8)', (c) => c.notNull())
    .addColumn('end_time', 'varchar(8)', (c) => c.notNull())
    .addColumn('policy_ids', 'text', (c) => c.notNull())
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('baseline_strategies_pk', ['account_id', 'id'])
    .addUniqueConstraint('baseline_strategies_name', ['account_id', 'name'])
    .execute();
  await db.schema
    .createTable('baseline_strategy_targets')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('strategy_id', 'integer', (c) => c.notNull())
    .addColumn('target_type', 'varchar(16)', (c) => c.notNull())
    .addColumn('target', 'varchar(128)', (c) => c.notNull())
    .addPrimaryKeyConstraint('baseline_strategy_targets_pk', ['account_id', 'strategy_id', 'target_type', 'target'])
    .execute();
}
