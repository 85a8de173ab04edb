import { Type } from '@sinclair/typebox';
import { defineAction, type ActionContext } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';

const AccessKeyStatus = Type.Union([Type.Literal('Active'), Type.Literal('Inactive')]);
const UserName = Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Defaults to the caller.' }));

/** Resolves the target user of an AccessKey action: the caller, or the named user of the same account. */
async function targetUser(ctx: ActionContext, userName: string | undefined): Promise<{ id: string; name: string }> {
  if (!userName || userName === ctx.principal.userName) return { id: ctx.principal.userId, name: ctx.principal.userName };
  const row = await ctx.services.store.db
    .selectFrom('users')
    .select(['id', 'user_name'])
    .where('account_id', '=', ctx.principal.accountId)
    .where('user_name', '=', userName)
    .executeTakeFirst();
  if (!row) throw new VigilError('EntityNotExist.User', `The user "${userName}" does not exist.`, 404);
  return { id: row.id, name: row.user_name };
}

const userArn = (ctx: ActionContext, userName: string | undefined) => `acs:ram::${ctx.principal.accountId}:user/${userName ?? ctx.principal.userName}`;

export const createAccessKey = defineAction({
  name: 'CreateAccessKey',
  product: 'Ram',
  ramActions: ['ram:CreateAccessKey'],
  rw: 'Write',
  description: 'Creates an AccessKey pair; the secret is returned once and stored encrypted.',
  params: Type.Object({ UserName }),
  response: Type.Object({
    RequestId: Type.String(),
    AccessKey: Type.Object({ AccessKeyId: Type.String(), AccessKeySecret: Type.String(), Status: AccessKeyStatus, CreateDate: Type.String() }),
  }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    const user = await targetUser(ctx, p.UserName);
    const { view, secret } = await ctx.services.accessKeys.create(ctx.principal.accountId, user.id, ctx.meta.now.getTime());
    return { AccessKey: { AccessKeyId: view.AccessKeyId, AccessKeySecret: secret, Status: view.Status, CreateDate: view.CreateDate } };
  },
});

export const listAccessKeys = defineAction({
  name: 'ListAccessKeys',
  product: 'Ram',
  ramActions: ['ram:ListAccessKeys'],
  rw: 'Read',
  description: "Lists a user's AccessKeys (ids and status; never secrets).",
  params: Type.Object({ UserName }),
  response: Type.Object({
    RequestId: Type.String(),
    AccessKeys: Type.Object({
      AccessKey: Type.Array(Type.Object({ AccessKeyId: Type.String(), Status: AccessKeyStatus, CreateDate: Type.String(), LastUsedDate: Type.Optional(Type.String()) })),
    }),
  }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    const user = await targetUser(ctx, p.UserName);
    return { AccessKeys: { AccessKey: await ctx.services.accessKeys.list(ctx.principal.accountId, user.id) } };
  },
});

export const updateAccessKey = defineAction({
  name: 'UpdateAccessKey',
  product: 'Ram',
  ramActions: ['ram:UpdateAccessKey'],
  rw: 'Write',
  description: 'Activates or deactivates an AccessKey; an inactive key is refused with InvalidAccessKeyId.Inactive.',
  params: Type.Object({ UserAccessKeyId: Type.String({ minLength: 1, maxLength: 64 }), Status: AccessKeyStatus, UserName }),
  response: Type.Object({ RequestId: Type.String() }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    const user = await targetUser(ctx, p.UserName);
    await ctx.services.accessKeys.setStatus(ctx.principal.accountId, user.id, p.UserAccessKeyId, p.Status);
    return {};
  },
});

export const deleteAccessKey = defineAction({
  name: 'DeleteAccessKey',
  product: 'Ram',
  ramActions: ['ram:DeleteAccessKey'],
  rw: 'Write',
  description: 'Deletes an AccessKey.',
  params: Type.Object({ UserAccessKeyId: Type.String({ minLength: 1, maxLength: 64 }), UserName }),
  response: Type.Object({ RequestId: Type.String() }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    const user = await targetUser(ctx, p.UserName);
    await ctx.services.accessKeys.remove(ctx.principal.accountId, user.id, p.UserAccessKeyId);
    return {};
  },
});
