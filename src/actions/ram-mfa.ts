import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { Empty, Name64, ram, userArn } from './ram-common.js';

export const createVirtualMFADevice = defineAction({
  name: 'CreateVirtualMFADevice',
  product: 'Ram',
  ramActions: ram('CreateVirtualMFADevice'),
  rw: 'Write',
  description: 'Creates a TOTP device: returns its seed and an otpauth:// URI to show as a QR code; bind it with two consecutive codes.',
  params: Type.Object({ VirtualMFADeviceName: Name64 }),
  response: Type.Object({
    RequestId: Type.String(),
    VirtualMFADevice: Type.Object({ SerialNumber: Type.String(), Base32StringSeed: Type.String(), QRCodeUri: Type.String() }),
  }),
  async handler(ctx, p) {
    const d = await ctx.services.ram.users.createMfaDevice(ctx.principal.accountId, p.VirtualMFADeviceName, ctx.meta.now.getTime());
    return { VirtualMFADevice: { SerialNumber: d.serial, Base32StringSeed: d.seed, QRCodeUri: d.uri } };
  },
});

export const bindMFADevice = defineAction({
  name: 'BindMFADevice',
  product: 'Ram',
  ramActions: ram('BindMFADevice'),
  rw: 'Write',
  description: 'Binds a created TOTP device to a user (root or RAM user); console logins then require a code.',
  params: Type.Object({
    SerialNumber: Type.String({ minLength: 1, maxLength: 256 }),
    UserName: Name64,
    AuthenticationCode1: Type.String({ minLength: 6, maxLength: 6 }),
    AuthenticationCode2: Type.String({ minLength: 6, maxLength: 6 }),
  }),
  response: Empty,
  secretParams: ['AuthenticationCode1', 'AuthenticationCode2'],
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    await ctx.services.ram.users.bindMfa(ctx.principal.accountId, p.SerialNumber, p.UserName, p.AuthenticationCode1, p.AuthenticationCode2);
    return {};
  },
});

export const unbindMFADevice = defineAction({
  name: 'UnbindMFADevice',
  product: 'Ram',
  ramActions: ram('UnbindMFADevice'),
  rw: 'Write',
  description: "Removes a user's MFA device.",
  params: Type.Object({ UserName: Name64 }),
  response: Empty,
  resource: (ctx, p) => userArn(ctx, p.UserName),
  async handler(ctx, p) {
    await ctx.services.ram.users.unbindMfa(ctx.principal.accountId, p.UserName);
    return {};
  },
});
