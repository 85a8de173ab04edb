import type { Kysely } from 'kysely';

/** RAM: groups, memberships, custom policies with versions, attachments; extra user fields. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').addColumn('comments', 'varchar(256)', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('users').addColumn('email', 'varchar(256)', (c) => c.notNull().defaultTo('')).execute();

  await db.schema
    .createTable('ram_groups')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('group_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('comments', 'varchar(256)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ram_groups_name', ['account_id', 'group_name'])
    .execute();

  await db.schema
    .createTable('ram_group_members')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('group_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ram_group_members_pk', ['group_id', 'user_id'])
    .execute();
  await db.schema.createIndex('ram_group_members_user').on('ram_group_members').column('user_id').execute();

  await db.schema
    .createTable('ram_policies')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('description', 'varchar(1024)', (c) => c.notNull())
    .addColumn('default_version', 'varchar(16)', (c) => c.notNull())
    .addColumn('next_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('ram_policies_name', ['account_id', 'policy_name'])
    .execute();

  await db.schema
    .createTable('ram_policy_versions')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('policy_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('version_id', 'varchar(16)', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ram_policy_versions_pk', ['policy_id', 'version_id'])
    .execute();

  await db.schema
    .createTable('ram_attachments')
    .addColumn('account_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('principal_type', 'varchar(8)', (c) => c.notNull())
    .addColumn('principal_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('policy_type', 'varchar(8)', (c) => c.notNull())
    .addColumn('policy_name', 'varchar(128)', (c) => c.notNull())
    .addColumn('attached_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('ram_attachments_pk', ['account_id', 'principal_type', 'principal_id', 'policy_type', 'policy_name'])
    .execute();
}
