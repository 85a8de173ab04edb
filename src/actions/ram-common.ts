import { Type } from '@sinclair/typebox';
import type { ActionContext } from './catalog-types.js';

export const RamUser = Type.Object({
  UserId: Type.String(),
  UserName: Type.String(),
  DisplayName: Type.String(),
  Email: Type.String(),
  Comments: Type.String(),
  CreateDate: Type.String(),
  UpdateDate: Type.String(),
  LastLoginDate: Type.Optional(Type.String()),
  MFAEnabled: Type.Boolean(),
  HasLoginProfile: Type.Boolean(),
});

export const RamGroup = Type.Object({ GroupId: Type.String(), GroupName: Type.String(), Comments: Type.String(), CreateDate: Type.String(), UpdateDate: Type.String() });

export const RamPolicy = Type.Object({
  PolicyName: Type.String(),
  PolicyType: Type.Union([Type.Literal('System'), Type.Literal('Custom')]),
  Description: Type.String(),
  DefaultVersion: Type.String(),
  CreateDate: Type.Optional(Type.String()),
  UpdateDate: Type.Optional(Type.String()),
  AttachmentCount: Type.Integer(),
});

export const PolicyVersion = Type.Object({ VersionId: Type.String(), IsDefaultVersion: Type.Boolean(), PolicyDocument: Type.String(), CreateDate: Type.String() });

export const PolicyTypeParam = Type.Union([Type.Literal('System'), Type.Literal('Custom')]);
export const Name64 = Type.String({ minLength: 1, maxLength: 64 });
export const Name128 = Type.String({ minLength: 1, maxLength: 128 });
export const Empty = Type.Object({ RequestId: Type.String() });

export const userArn = (ctx: ActionContext, name: string) => `acs:ram::${ctx.principal.accountId}:user/${name}`;
export const groupArn = (ctx: ActionContext, name: string) => `acs:ram::${ctx.principal.accountId}:group/${name}`;
export const policyArn = (ctx: ActionContext, name: string) => `acs:ram::${ctx.principal.accountId}:policy/${name}`;
export const ram = (name: string) => [`ram:${name}`] as const;
