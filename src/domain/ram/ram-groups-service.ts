import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import { checkName, ramDate } from './ram-format.js';
import type { RamRevision } from './ram-revision.js';
import type { RamUsersService } from './ram-users-service.js';

export interface RamGroupView {
  GroupId: string;
  GroupName: string;
  Comments: string;
  CreateDate: string;
  UpdateDate: string;
}

export class RamGroupsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly users: RamUsersService,
    private readonly revision: RamRevision,
  ) {}

  async row(accountId: string, groupName: string) {
    const g = await this.db.selectFrom('ram_groups').selectAll().where('account_id', '=', accountId).where('group_name', '=', groupName).executeTakeFirst();
    if (!g) throw new VigilError('EntityNotExist.Group', `The group "${groupName.slice(0, 64)}" does not exist.`, 404);
    return g;
  }

  private view(g: { id: string; group_name: string; comments: string; created_at: number; updated_at: number }): RamGroupView {
    return { GroupId: g.id, GroupName: g.group_name, Comments: g.comments, CreateDate: ramDate(g.created_at) as string, UpdateDate: ramDate(g.updated_at) as string };
  }

  async create(accountId: string, groupName: string, comments: string, now = Date.now()): Promise<RamGroupView> {
    const bad = checkName('GroupName', groupName);
    if (bad) throw new VigilError('InvalidParameter.GroupName', bad);
    const exists = await this.db.selectFrom('ram_groups').select('id').where('account_id', '=', accountId).where('group_name', '=', groupName).executeTakeFirst();
    if (exists) throw new VigilError('EntityAlreadyExists.Group', `The group "${groupName}" already exists.`, 409);
    await this.db.insertInto('ram_groups').values({ id: randomUUID(), account_id: accountId, group_name: groupName, comments, created_at: now, updated_at: now }).execute();
    return this.view(await this.row(accountId, groupName));
  }

  async list(accountId: string): Promise<RamGroupView[]> {
    const rows = await this.db.selectFrom('ram_groups').selectAll().where('account_id', '=', accountId).orderBy('group_name').execute();
    return rows.map((g) => this.view(g));
  }

  /** Deletes the group with its memberships and policy attachments. */
  async remove(accountId: string, groupName: string): Promise<void> {
    const g = await this.row(accountId, groupName);
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('ram_group_members').where('group_id', '=', g.id).execute();
      await tx.deleteFrom('ram_attachments').where('account_id', '=', accountId).where('principal_type', '=', 'Group').where('principal_id', '=', g.id).execute();
      await tx.deleteFrom('ram_groups').where('id', '=', g.id).execute();
    });
    this.revision.bump();
  }

  async addUser(accountId: string, groupName: string, userName: string, now = Date.now()): Promise<void> {
    const g = await this.row(accountId, groupName);
    const u = await this.users.row(accountId, userName);
    const exists = await this.db.selectFrom('ram_group_members').select('user_id').where('group_id', '=', g.id).where('user_id', '=', u.id).executeTakeFirst();
    if (exists) throw new VigilError('EntityAlreadyExists.User.Group', `The user "${userName}" is already in the group "${groupName}".`, 409);
    await this.db.insertInto('ram_group_members').values({ account_id: accountId, group_id: g.id, user_id: u.id, joined_at: now }).execute();
    this.revision.bump();
  }

  async removeUser(accountId: string, groupName: string, userName: string): Promise<void> {
    const g = await this.row(accountId, groupName);
    const u = await this.users.row(accountId, userName);
    const res = await this.db.deleteFrom('ram_group_members').where('group_id', '=', g.id).where('user_id', '=', u.id).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new VigilError('EntityNotExist.User.Group', `The user "${userName}" is not in the group "${groupName}".`, 404);
    this.revision.bump();
  }

  async groupsForUser(accountId: string, userName: string): Promise<RamGroupView[]> {
    const u = await this.users.row(accountId, userName);
    const rows = await this.db
      .selectFrom('ram_group_members')
      .innerJoin('ram_groups', 'ram_groups.id', 'ram_group_members.group_id')
      .selectAll('ram_groups')
      .where('ram_group_members.user_id', '=', u.id)
      .orderBy('ram_groups.group_name')
      .execute();
    return rows.map((g) => this.view(g));
  }

  async usersForGroup(accountId: string, groupName: string): Promise<Array<{ UserName: string; DisplayName: string; JoinDate: string }>> {
    const g = await this.row(accountId, groupName);
    const rows = await this.db
      .selectFrom('ram_group_members')
      .innerJoin('users', 'users.id', 'ram_group_members.user_id')
      .select(['users.user_name', 'users.display_name', 'ram_group_members.joined_at'])
      .where('ram_group_members.group_id', '=', g.id)
      .orderBy('users.user_name')
      .execute();
    return rows.map((r) => ({ UserName: r.user_name, DisplayName: r.display_name, JoinDate: ramDate(r.joined_at) as string }));
  }
}
