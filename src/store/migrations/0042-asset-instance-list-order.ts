import type { Kysely } from 'kysely';

/**
 * DescribeCloudCenterInstances pages the account's hosts in (instance_name, uuid) order (issue 2):
 * with the uuid in the index the page is read straight off it, without sorting all of the account's
 * hosts for every call (SQLite: no "TEMP B-TREE FOR LAST TERM OF ORDER BY"). It replaces the
 * (account_id, instance_name) index, a prefix of it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('asset_instances_list_order').on('asset_instances').columns(['account_id', 'instance_name', 'uuid']).execute();
  await db.schema.dropIndex('asset_instances_name').execute();
}
