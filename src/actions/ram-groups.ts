import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { Empty, groupArn, Name64, ram, RamGroup, userArn } from './ram-common.js';

export const createGroup = defineAction({
  name: 'CreateGroup',
  product: 'Ram',
  ramActions: ram('CreateGroup'),
  rw: 'Write',
  description: 'Creates a RAM user group.',
  params: Type.Object({ GroupName: Name64, Comments: Type.Optional(Type.String({ maxLength: 128 })) }),
  response: Type.Object({ RequestId: Type.String(), Group: RamGroup }),
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    return { Group: await ctx.services.ram.groups.create(ctx.principal.accountId, p.GroupName, p.Comments ?? '', ctx.meta.now.getTime()) };
  },
});

export const deleteRamGroup = defineAction({
  name: 'DeleteGroup',
  product: 'Ram',
  ramActions: ram('DeleteGroup'),
  rw: 'Write',
  description: 'Deletes a RAM user group with its memberships and attachments (RAM 2015-05-01; the Sas DeleteGroup deletes asset groups).',
  params: Type.Object({ GroupName: Name64 }),
  response: Empty,
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    await ctx.services.ram.groups.remove(ctx.principal.accountId, p.GroupName);
    return {};
  },
});

export const listGroups = defineAction({
  name: 'ListGroups',
  product: 'Ram',
  ramActions: ram('ListGroups'),
  rw: 'Read',
  description: 'Lists RAM user groups.',
  params: Type.Object({ Marker: Type.Optional(Type.String({ maxLength: 64 })), MaxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
  response: Type.Object({ RequestId: Type.String(), IsTruncated: Type.Boolean(), Groups: Type.Object({ Group: Type.Array(RamGroup) }) }),
  async handler(ctx) {
    return { IsTruncated: false, Groups: { Group: await ctx.services.ram.groups.list(ctx.principal.accountId) } };
  },
});

const Membership = Type.Object({ GroupName: Name64, UserName: Name64 });

export const addUserToGroup = defineAction({
  name: 'AddUserToGroup',
  product: 'Ram',
  ramActions: ram('AddUserToGroup'),
  rw: 'Write',
  description: 'Adds a RAM user to a group (the user gets the group’s policies).',
  params: Membership,
  response: Empty,
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    await ctx.services.ram.groups.addUser(ctx.principal.accountId, p.GroupName, p.UserName, ctx.meta.now.getTime());
    return {};
  },
});

export const removeUserFromGroup = defineAction({
  name: 'RemoveUserFromGroup',
  product: 'Ram',
  ramActions: ram('RemoveUserFromGroup'),
  rw: 'Write',
  description: 'Removes a RAM user from a group.',
  params: Membership,
  response: Empty,
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    await ctx.services.ram.groups.removeUser(ctx.principal.accountId, p.GroupName, p.UserName);
    return {};
  },
});

export const listGroupsForUser = defineAction({
  name: 'ListGroupsForUser',
  product: 'Ram',
  ramActions: ram('ListGroupsForUser'),
  rw: 'Read',
  description: 'Lists the groups a RAM user belongs to.',
  params: Type.Object({ UserName: Name64 }),
  response: Type.Object({ RequestId: Type.String(), Groups: Type.Object({ Group: Type.Array(RamGroup) }) }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    return { Groups: { Group: await ctx.services.ram.groups.groupsForUser(ctx.principal.accountId, p.UserName) } };
  },
});

export const listUsersForGroup = defineAction({
  name: 'ListUsersForGroup',
  product: 'Ram',
  ramActions: ram('ListUsersForGroup'),
  rw: 'Read',
  description: 'Lists the members of a RAM group.',
  params: Type.Object({ GroupName: Name64 }),
  response: Type.Object({ RequestId: Type.String(), Users: Type.Object({ User: Type.Array(Type.Object({ UserName: Type.String(), DisplayName: Type.String(), JoinDate: Type.String() })) }) }),
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    return { Users: { User: await ctx.services.ram.groups.usersForGroup(ctx.principal.accountId, p.GroupName) } };
  },
});
