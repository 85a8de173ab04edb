import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { Empty, groupArn, Name128, Name64, policyArn, PolicyTypeParam, PolicyVersion, ram, RamPolicy, userArn } from './ram-common.js';

const Warnings = Type.Optional(Type.Array(Type.Object({ Path: Type.String(), Message: Type.String() })));
const toWarnings = (w: Array<{ path: string; message: string }>) => (w.length ? { Warnings: w.map((x) => ({ Path: x.path, Message: x.message })) } : {});
const PolicyDocument = Type.String({ minLength: 1, maxLength: 1_048_576, description: 'RAM policy JSON; validated on save (size limit 6144 characters).' });

export const createPolicy = defineAction({
  name: 'CreatePolicy',
  product: 'Ram',
  ramActions: ram('CreatePolicy'),
  rw: 'Write',
  description: 'Creates a custom policy (version v1). Malformed documents are refused with an error that names the element; unknown Vigil actions are warned about.',
  params: Type.Object({ PolicyName: Name128, PolicyDocument, Description: Type.Optional(Type.String({ maxLength: 1024 })) }),
  response: Type.Object({ RequestId: Type.String(), Policy: RamPolicy, Warnings }),
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    const r = await ctx.services.ram.policies.create(ctx.principal.accountId, p.PolicyName, p.PolicyDocument, p.Description ?? '', ctx.meta.now.getTime());
    return { Policy: r.policy, ...toWarnings(r.warnings) };
  },
});

export const getPolicy = defineAction({
  name: 'GetPolicy',
  product: 'Ram',
  ramActions: ram('GetPolicy'),
  rw: 'Read',
  description: 'Gets a policy and its default version document.',
  params: Type.Object({ PolicyName: Name128, PolicyType: PolicyTypeParam }),
  response: Type.Object({ RequestId: Type.String(), Policy: RamPolicy, DefaultPolicyVersion: PolicyVersion }),
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    const r = await ctx.services.ram.policies.get(ctx.principal.accountId, p.PolicyName, p.PolicyType);
    return { Policy: r.policy, DefaultPolicyVersion: r.defaultVersion };
  },
});

export const deletePolicy = defineAction({
  name: 'DeletePolicy',
  product: 'Ram',
  ramActions: ram('DeletePolicy'),
  rw: 'Write',
  description: 'Deletes a custom policy that is attached to nobody.',
  params: Type.Object({ PolicyName: Name128 }),
  response: Empty,
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.remove(ctx.principal.accountId, p.PolicyName);
    return {};
  },
});

export const listPolicies = defineAction({
  name: 'ListPolicies',
  product: 'Ram',
  ramActions: ram('ListPolicies'),
  rw: 'Read',
  description: 'Lists system and custom policies.',
  params: Type.Object({ PolicyType: Type.Optional(PolicyTypeParam), Marker: Type.Optional(Type.String({ maxLength: 128 })), MaxItems: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
  response: Type.Object({ RequestId: Type.String(), IsTruncated: Type.Boolean(), Policies: Type.Object({ Policy: Type.Array(RamPolicy) }) }),
  async handler(ctx, p) {
    return { IsTruncated: false, Policies: { Policy: await ctx.services.ram.policies.list(ctx.principal.accountId, p.PolicyType) } };
  },
});

export const listPolicyVersions = defineAction({
  name: 'ListPolicyVersions',
  product: 'Ram',
  ramActions: ram('ListPolicyVersions'),
  rw: 'Read',
  description: 'Lists the versions (at most 5) of a custom policy.',
  params: Type.Object({ PolicyName: Name128, PolicyType: Type.Optional(PolicyTypeParam) }),
  response: Type.Object({ RequestId: Type.String(), PolicyVersions: Type.Object({ PolicyVersion: Type.Array(PolicyVersion) }) }),
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    return { PolicyVersions: { PolicyVersion: await ctx.services.ram.policies.listVersions(ctx.principal.accountId, p.PolicyName) } };
  },
});

export const createPolicyVersion = defineAction({
  name: 'CreatePolicyVersion',
  product: 'Ram',
  ramActions: ram('CreatePolicyVersion'),
  rw: 'Write',
  description: 'Adds a version to a custom policy, optionally as the default.',
  params: Type.Object({
    PolicyName: Name128,
    PolicyDocument,
    SetAsDefault: Type.Optional(Type.Boolean()),
    RotateStrategy: Type.Optional(Type.Union([Type.Literal('None'), Type.Literal('DeleteOldestNonDefaultVersionWhenLimitExceeded')])),
  }),
  response: Type.Object({ RequestId: Type.String(), PolicyVersion, Warnings }),
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    const r = await ctx.services.ram.policies.createVersion(
      ctx.principal.accountId,
      p.PolicyName,
      p.PolicyDocument,
      p.SetAsDefault ?? false,
      p.RotateStrategy === 'DeleteOldestNonDefaultVersionWhenLimitExceeded',
      ctx.meta.now.getTime(),
    );
    return { PolicyVersion: r.version, ...toWarnings(r.warnings) };
  },
});

export const setDefaultPolicyVersion = defineAction({
  name: 'SetDefaultPolicyVersion',
  product: 'Ram',
  ramActions: ram('SetDefaultPolicyVersion'),
  rw: 'Write',
  description: 'Switches the version of a custom policy that is in force.',
  params: Type.Object({ PolicyName: Name128, VersionId: Type.String({ minLength: 2, maxLength: 16 }) }),
  response: Empty,
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.setDefaultVersion(ctx.principal.accountId, p.PolicyName, p.VersionId);
    return {};
  },
});

export const deletePolicyVersion = defineAction({
  name: 'DeletePolicyVersion',
  product: 'Ram',
  ramActions: ram('DeletePolicyVersion'),
  rw: 'Write',
  description: 'Deletes a non-default version of a custom policy.',
  params: Type.Object({ PolicyName: Name128, VersionId: Type.String({ minLength: 2, maxLength: 16 }) }),
  response: Empty,
  resource: (ctx, p) => policyArn(ctx, p.PolicyName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.deleteVersion(ctx.principal.accountId, p.PolicyName, p.VersionId);
    return {};
  },
});

const Attachment = { PolicyType: PolicyTypeParam, PolicyName: Name128 };

export const attachPolicyToUser = defineAction({
  name: 'AttachPolicyToUser',
  product: 'Ram',
  ramActions: ram('AttachPolicyToUser'),
  rw: 'Write',
  description: 'Attaches a policy to a RAM user.',
  params: Type.Object({ ...Attachment, UserName: Name64 }),
  response: Empty,
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.attach(ctx.principal.accountId, p.PolicyType, p.PolicyName, 'User', p.UserName, ctx.meta.now.getTime());
    return {};
  },
});

export const detachPolicyFromUser = defineAction({
  name: 'DetachPolicyFromUser',
  product: 'Ram',
  ramActions: ram('DetachPolicyFromUser'),
  rw: 'Write',
  description: 'Detaches a policy from a RAM user.',
  params: Type.Object({ ...Attachment, UserName: Name64 }),
  response: Empty,
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.detach(ctx.principal.accountId, p.PolicyType, p.PolicyName, 'User', p.UserName);
    return {};
  },
});

export const attachPolicyToGroup = defineAction({
  name: 'AttachPolicyToGroup',
  product: 'Ram',
  ramActions: ram('AttachPolicyToGroup'),
  rw: 'Write',
  description: 'Attaches a policy to a RAM group.',
  params: Type.Object({ ...Attachment, GroupName: Name64 }),
  response: Empty,
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.attach(ctx.principal.accountId, p.PolicyType, p.PolicyName, 'Group', p.GroupName, ctx.meta.now.getTime());
    return {};
  },
});

export const detachPolicyFromGroup = defineAction({
  name: 'DetachPolicyFromGroup',
  product: 'Ram',
  ramActions: ram('DetachPolicyFromGroup'),
  rw: 'Write',
  description: 'Detaches a policy from a RAM group.',
  params: Type.Object({ ...Attachment, GroupName: Name64 }),
  response: Empty,
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    await ctx.services.ram.policies.detach(ctx.principal.accountId, p.PolicyType, p.PolicyName, 'Group', p.GroupName);
    return {};
  },
});

const AttachedPolicies = Type.Object({ RequestId: Type.String(), Policies: Type.Object({ Policy: Type.Array(Type.Intersect([RamPolicy, Type.Object({ AttachDate: Type.String() })])) }) });

export const listPoliciesForUser = defineAction({
  name: 'ListPoliciesForUser',
  product: 'Ram',
  ramActions: ram('ListPoliciesForUser'),
  rw: 'Read',
  description: 'Lists the policies attached directly to a RAM user.',
  params: Type.Object({ UserName: Name64 }),
  response: AttachedPolicies,
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    return { Policies: { Policy: await ctx.services.ram.policies.policiesFor(ctx.principal.accountId, 'User', p.UserName) } };
  },
});

export const listPoliciesForGroup = defineAction({
  name: 'ListPoliciesForGroup',
  product: 'Ram',
  ramActions: ram('ListPoliciesForGroup'),
  rw: 'Read',
  description: 'Lists the policies attached to a RAM group.',
  params: Type.Object({ GroupName: Name64 }),
  response: AttachedPolicies,
  resource: (ctx, p) => groupArn(ctx, p.GroupName),
  async handler(ctx, p) {
    return { Policies: { Policy: await ctx.services.ram.policies.policiesFor(ctx.principal.accountId, 'Group', p.GroupName) } };
  },
});
