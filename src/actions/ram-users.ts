import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { Empty, Name64, ram, RamUser, userArn } from './ram-common.js';

const Fields = {
  DisplayName: Type.Optional(Type.String({ maxLength: 128 })),
  Email: Type.Optional(Type.String({ maxLength: 128 })),
  Comments: Type.Optional(Type.String({ maxLength: 128 })),
};

export const createUser = defineAction({
  name: 'CreateUser',
  product: 'Ram',
  ramActions: ram('CreateUser'),
  rw: 'Write',
  description: 'Creates a RAM user (no console password until CreateLoginProfile; no API access until CreateAccessKey).',
  params: Type.Object({ UserName: Name64, ...Fields, MobilePhone: Type.Optional(Type.String({ maxLength: 32 })) }),
  response: Type.Object({ RequestId: Type.String(), User: RamUser }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    return { User: await ctx.services.ram.users.create(ctx.principal.accountId, p.UserName, p, ctx.meta.now.getTime()) };
  },
});

export const getUser = defineAction({
  name: 'GetUser',
  product: 'Ram',
  ramActions: ram('GetUser'),
  rw: 'Read',
  description: 'Gets a RAM user.',
  params: Type.Object({ UserName: Name64 }),
  response: Type.Object({ RequestId: Type.String(), User: RamUser }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    return { User: await ctx.services.ram.users.get(ctx.principal.accountId, p.UserName) };
  },
});

export const updateUser = defineAction({
  name: 'UpdateUser',
  product: 'Ram',
  ramActions: ram('UpdateUser'),
  rw: 'Write',
  description: "Renames a RAM user or changes its display name, e-mail or comments.",
  params: Type.Object({
    UserName: Name64,
    NewUserName: Type.Optional(Name64),
    NewDisplayName: Type.Optional(Type.String({ maxLength: 128 })),
    NewEmail: Type.Optional(Type.String({ maxLength: 128 })),
    NewComments: Type.Optional(Type.String({ maxLength: 128 })),
  }),
  response: Type.Object({ RequestId: Type.String(), User: RamUser }),
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    const f = {
      ...(p.NewDisplayName !== undefined ? { DisplayName: p.NewDisplayName } : {}),
      ...(p.NewEmail !== undefined ? { Email: p.NewEmail } : {}),
      ...(p.NewComments !== undefined ? { Comments: p.NewComments } : {}),
    };
    return { User: await ctx.services.ram.users.update(ctx.principal.accountId, p.UserName, p.NewUserName, f, ctx.meta.now.getTime()) };
  },
});

export const deleteUser = defineAction({
  name: 'DeleteUser',
  product: 'Ram',
  ramActions: ram('DeleteUser'),
  rw: 'Write',
  description: 'Deletes a RAM user with its AccessKeys, sessions, group memberships and policy attachments.',
  params: Type.Object({ UserName: Name64 }),
  response: Empty,
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    await ctx.services.ram.users.remove(ctx.principal.accountId, p.UserName);
    return {};
  },
});

export const listUsers = defineAction({
  name: 'ListUsers',
  product: 'Ram',
  ramActions: ram('ListUsers'),
  rw: 'Read',
  description: 'Lists RAM users with MFA state and last login.',
  params: Type.Object({ Marker: Type.Optional(Type.String({ maxLength: 64 })), MaxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
  response: Type.Object({ RequestId: Type.String(), IsTruncated: Type.Boolean(), Marker: Type.Optional(Type.String()), Users: Type.Object({ User: Type.Array(RamUser) }) }),
  async handler(ctx, p) {
    const all = await ctx.services.ram.users.list(ctx.principal.accountId);
    const start = p.Marker ? all.findIndex((u) => u.UserName > (p.Marker as string)) : 0;
    const from = start === -1 ? all.length : start;
    const page = all.slice(from, from + (p.MaxItems ?? 100));
    const truncated = from + page.length < all.length;
    return { IsTruncated: truncated, ...(truncated ? { Marker: page[page.length - 1]?.UserName as string } : {}), Users: { User: page } };
  },
});

const LoginProfile = Type.Object({ UserName: Type.String(), PasswordResetRequired: Type.Boolean(), MFABindRequired: Type.Boolean(), CreateDate: Type.String() });

export const createLoginProfile = defineAction({
  name: 'CreateLoginProfile',
  product: 'Ram',
  ramActions: ram('CreateLoginProfile'),
  rw: 'Write',
  description: 'Gives a RAM user a console password (checked against the password policy).',
  params: Type.Object({
    UserName: Name64,
    Password: Type.String({ minLength: 1, maxLength: 128 }),
    PasswordResetRequired: Type.Optional(Type.Boolean()),
    MFABindRequired: Type.Optional(Type.Boolean()),
  }),
  response: Type.Object({ RequestId: Type.String(), LoginProfile }),
  secretParams: ['Password'],
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    await ctx.services.ram.users.setPassword(ctx.principal.accountId, p.UserName, p.Password, ctx.meta.now.getTime());
    return {
      LoginProfile: { UserName: p.UserName, PasswordResetRequired: p.PasswordResetRequired ?? false, MFABindRequired: p.MFABindRequired ?? false, CreateDate: ctx.meta.now.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    };
  },
});

export const updateLoginProfile = defineAction({
  name: 'UpdateLoginProfile',
  product: 'Ram',
  ramActions: ram('UpdateLoginProfile'),
  rw: 'Write',
  description: "Changes a RAM user's console password (ends the user's sessions).",
  params: Type.Object({
    UserName: Name64,
    Password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    PasswordResetRequired: Type.Optional(Type.Boolean()),
    MFABindRequired: Type.Optional(Type.Boolean()),
  }),
  response: Empty,
  secretParams: ['Password'],
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    if (p.Password !== undefined) await ctx.services.ram.users.setPassword(ctx.principal.accountId, p.UserName, p.Password, ctx.meta.now.getTime());
    else await ctx.services.ram.users.get(ctx.principal.accountId, p.UserName);
    return {};
  },
});
