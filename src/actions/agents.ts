import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';

const InstallCode = Type.Object({
  CaptchaCode: Type.String(),
  ExpiredDate: Type.Integer(),
  GroupId: Type.Integer(),
  GroupName: Type.String(),
  Os: Type.String(),
  VendorName: Type.String(),
  OnlyImage: Type.Boolean(),
});

export const addInstallCode = defineAction({
  name: 'AddInstallCode',
  product: 'Sas',
  ramActions: ['yundun-sas:AddInstallCode'],
  rw: 'Write',
  description: 'Creates an install command code (expiry, vendor, default group, OS, image mode) for `curl … /agent/install.sh?code=… | sudo bash`.',
  params: Type.Object({
    ExpiredDate: Type.Optional(Type.Integer({ minimum: 0, description: 'Expiry, epoch ms; default 30 days.' })),
    GroupId: Type.Optional(Type.Integer({ minimum: 0 })),
    OnlyImage: Type.Optional(Type.Boolean()),
    Os: Type.Optional(Type.String({ maxLength: 32 })),
    PrivateLinkId: Type.Optional(Type.Integer()),
    ProxyCluster: Type.Optional(Type.String({ maxLength: 256 })),
    VendorName: Type.Optional(Type.String({ maxLength: 64 })),
  }),
  response: Type.Object({ RequestId: Type.String(), CaptchaCode: Type.String(), Data: Type.String() }),
  async handler(ctx, p) {
    const code = await ctx.services.installCodes.create(
      ctx.principal.accountId,
      {
        ...(p.ExpiredDate !== undefined ? { expiredDate: p.ExpiredDate } : {}),
        ...(p.GroupId !== undefined ? { groupId: p.GroupId } : {}),
        ...(p.VendorName !== undefined ? { vendorName: p.VendorName } : {}),
        ...(p.Os !== undefined ? { os: p.Os } : {}),
        ...(p.OnlyImage !== undefined ? { onlyImage: p.OnlyImage } : {}),
      },
      ctx.meta.now.getTime(),
    );
    // Sas returns the code as `Data`; `CaptchaCode` is what DescribeInstallCodes calls it.
    return { CaptchaCode: code.CaptchaCode, Data: code.CaptchaCode };
  },
});

export const describeInstallCodes = defineAction({
  name: 'DescribeInstallCodes',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeInstallCodes'],
  rw: 'Read',
  description: 'Lists the install command codes of the account, newest first (expired ones included, with their ExpiredDate).',
  params: Type.Object({}),
  response: Type.Object({ RequestId: Type.String(), InstallCodes: Type.Array(InstallCode) }),
  async handler(ctx) {
    return { InstallCodes: await ctx.services.installCodes.list(ctx.principal.accountId) };
  },
});

export const deleteInstallCode = defineAction({
  name: 'DeleteInstallCode',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteInstallCode'],
  rw: 'Write',
  description: 'Deletes an install command code: hosts can no longer enroll with it (enrolled hosts keep their own credential).',
  params: Type.Object({ CaptchaCode: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    await ctx.services.installCodes.remove(ctx.principal.accountId, p.CaptchaCode);
    return {};
  },
});

/** `Uuids` is a comma list in Sas; a JSON array is accepted too. */
export function parseUuids(raw: string): string[] {
  const t = raw.trim();
  let items: unknown[];
  if (t.startsWith('[')) {
    try {
      items = JSON.parse(t) as unknown[];
    } catch {
      throw new VigilError('InvalidParameter', 'Uuids is neither a comma list nor a JSON array.', 400);
    }
    if (!Array.isArray(items)) throw new VigilError('InvalidParameter', 'Uuids must be a list.', 400);
  } else items = t.split(',');
  const out = [...new Set(items.map((s) => String(s).trim()).filter(Boolean))];
  if (out.length === 0) throw new VigilError('InvalidParameter', 'Uuids names no agent.', 400);
  if (out.length > 1000) throw new VigilError('InvalidParameter', 'Uuids names more than 1000 agents.', 400);
  return out;
}

export const pauseClient = defineAction({
  name: 'PauseClient',
  product: 'Sas',
  ramActions: ['yundun-sas:PauseClient'],
  rw: 'Write',
  description: 'Sas semantics: Value 0 disables (pauses) protection on the hosts — detectors and responders stop, heartbeats and inventory continue — and 1 enables it again.',
  params: Type.Object({ Uuids: Type.String({ minLength: 1, maxLength: 100_000 }), Value: Type.String({ minLength: 1, maxLength: 1 }) }),
  response: Type.Object({ RequestId: Type.String() }),
  async handler(ctx, p) {
    if (p.Value !== '0' && p.Value !== '1') throw new VigilError('InvalidParameter', 'Value must be 0 (disable protection) or 1 (enable it).', 400);
    await ctx.services.agents.setPaused(ctx.principal.accountId, parseUuids(p.Uuids), p.Value === '0');
    return {};
  },
});
