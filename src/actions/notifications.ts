import { Type } from '@sinclair/typebox';
import { defineAction } from './catalog-types.js';
import { VigilError } from '../domain/errors.js';
import { CHANNEL_TYPES, NOTIFY_LEVELS, type ChannelType, type NotifyLevel } from '../domain/notify/payloads.js';
import type { ChannelInput, ChannelView } from '../domain/notify/notify-service.js';

// Vigil actions. Sas's ModifyNoticeConfig routes alert projects to Alibaba Cloud's own SMS/e-mail/
// in-site messages (Route bitmask) and its *DingTalk actions cover DingTalk robots only, so neither
// fits generic webhooks, Slack and SMTP with per-level filters; these names are Vigil's own.

function list(raw: string | undefined, max: number): string[] {
  return (raw ?? '').split(',').map((s) => s.trim()).filter(Boolean).slice(0, max);
}

function levels(raw: string | undefined): NotifyLevel[] | undefined {
  if (raw === undefined) return undefined;
  const l = list(raw, 3);
  const bad = l.find((x) => !(NOTIFY_LEVELS as readonly string[]).includes(x));
  if (bad !== undefined) throw new VigilError('InvalidParameter', `Levels: "${bad.slice(0, 32)}" is not one of ${NOTIFY_LEVELS.join(', ')}.`, 400);
  return l as NotifyLevel[];
}

const ChannelParams = {
  Name: Type.Optional(Type.String({ maxLength: 128 })),
  Levels: Type.Optional(Type.String({ maxLength: 64, description: 'Comma list of serious, suspicious, remind.' })),
  Enabled: Type.Optional(Type.Boolean()),
  Url: Type.Optional(Type.String({ maxLength: 2048, description: 'Webhook URL (webhook, dingtalk, slack). Empty on modify keeps the stored one.' })),
  Secret: Type.Optional(Type.String({ maxLength: 256, description: 'DingTalk signing secret (SEC…). Empty on modify keeps the stored one.' })),
  ClearSecret: Type.Optional(Type.Boolean({ description: 'Removes the stored secret or SMTP password.' })),
  SmtpHost: Type.Optional(Type.String({ maxLength: 253 })),
  SmtpPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  SmtpSecure: Type.Optional(Type.Boolean({ description: 'TLS from the first byte (port 465); otherwise STARTTLS when offered.' })),
  SmtpUser: Type.Optional(Type.String({ maxLength: 256 })),
  SmtpPassword: Type.Optional(Type.String({ maxLength: 256 })),
  MailFrom: Type.Optional(Type.String({ maxLength: 256 })),
  MailTo: Type.Optional(Type.String({ maxLength: 4096, description: 'Comma list of recipients.' })),
};

function input(p: { [K in keyof typeof ChannelParams]?: string | number | boolean }): ChannelInput {
  const s = (k: keyof typeof ChannelParams) => (typeof p[k] === 'string' ? p[k] : undefined);
  const smtp: ChannelInput['smtp'] = {};
  if (s('SmtpHost') !== undefined) smtp.host = s('SmtpHost');
  if (typeof p.SmtpPort === 'number') smtp.port = p.SmtpPort;
  if (typeof p.SmtpSecure === 'boolean') smtp.secure = p.SmtpSecure;
  if (s('SmtpUser') !== undefined) smtp.user = s('SmtpUser');
  if (s('SmtpPassword')) smtp.password = s('SmtpPassword');
  if (s('MailFrom') !== undefined) smtp.from = s('MailFrom');
  if (s('MailTo') !== undefined) smtp.to = list(s('MailTo'), 51);
  const lv = levels(s('Levels'));
  return {
    ...(s('Name') !== undefined ? { name: s('Name') } : {}),
    ...(lv ? { levels: lv } : {}),
    ...(typeof p.Enabled === 'boolean' ? { enabled: p.Enabled } : {}),
    ...(s('Url') ? { url: s('Url') } : {}),
    ...(s('Secret') ? { secret: s('Secret') } : {}),
    ...(p.ClearSecret === true ? { clearSecret: true } : {}),
    smtp,
  };
}

const Channel = Type.Object({
  Id: Type.String(),
  Name: Type.String(),
  Type: Type.String(),
  Levels: Type.String(),
  Enabled: Type.Boolean(),
  UrlMasked: Type.String({ description: 'The URL with everything after the host hidden but its last 4 characters.' }),
  HasSecret: Type.Boolean(),
  HasPassword: Type.Boolean(),
  SmtpHost: Type.String(),
  SmtpPort: Type.Integer(),
  SmtpSecure: Type.Boolean(),
  SmtpUser: Type.String(),
  MailFrom: Type.String(),
  MailTo: Type.String(),
  LastStatus: Type.String({ description: 'never | ok | failed (last delivery or test).' }),
  LastError: Type.String(),
  LastTime: Type.Integer(),
  CreateTime: Type.Integer(),
});

function row(c: ChannelView) {
  return {
    Id: c.id,
    Name: c.name,
    Type: c.type,
    Levels: c.levels.join(','),
    Enabled: c.enabled,
    UrlMasked: c.urlMasked,
    HasSecret: c.hasSecret,
    HasPassword: c.hasPassword,
    SmtpHost: c.smtp?.host ?? '',
    SmtpPort: c.smtp?.port ?? 0,
    SmtpSecure: c.smtp?.secure ?? false,
    SmtpUser: c.smtp?.user ?? '',
    MailFrom: c.smtp?.from ?? '',
    MailTo: (c.smtp?.to ?? []).join(','),
    LastStatus: c.lastStatus,
    LastError: c.lastError,
    LastTime: c.lastTime ?? 0,
    CreateTime: c.createdAt,
  };
}

const SECRET_PARAMS = ['Url', 'Secret', 'SmtpPassword'] as const;

export const describeNotificationChannels = defineAction({
  name: 'DescribeNotificationChannels',
  product: 'Sas',
  ramActions: ['yundun-sas:DescribeNotificationChannels'],
  rw: 'Read',
  description: 'Vigil: alert notification channels of the account. Secrets are never returned: URLs are masked, secrets and passwords appear as Has* flags.',
  params: Type.Object({}),
  response: Type.Object({ RequestId: Type.String(), Channels: Type.Array(Channel) }),
  async handler(ctx) {
    return { Channels: (await ctx.services.notifications.list(ctx.principal.accountId)).map(row) };
  },
});

export const createNotificationChannel = defineAction({
  name: 'CreateNotificationChannel',
  product: 'Sas',
  ramActions: ['yundun-sas:CreateNotificationChannel'],
  rw: 'Write',
  description: 'Vigil: adds an alert notification channel: webhook (generic JSON), dingtalk (robot, optional signing secret), slack (incoming webhook) or email (SMTP), for some alert levels.',
  params: Type.Object({ Type: Type.String({ maxLength: 16, description: CHANNEL_TYPES.join(' | ') }), ...ChannelParams }),
  response: Type.Object({ RequestId: Type.String(), Id: Type.String() }),
  secretParams: SECRET_PARAMS,
  async handler(ctx, p) {
    if (!(CHANNEL_TYPES as readonly string[]).includes(p.Type)) throw new VigilError('InvalidParameter', `Type must be one of ${CHANNEL_TYPES.join(', ')}.`, 400);
    const i = input(p);
    return { Id: await ctx.services.notifications.create(ctx.principal.accountId, { ...i, type: p.Type as ChannelType, levels: i.levels ?? [...NOTIFY_LEVELS] }) };
  },
});

export const modifyNotificationChannel = defineAction({
  name: 'ModifyNotificationChannel',
  product: 'Sas',
  ramActions: ['yundun-sas:ModifyNotificationChannel'],
  rw: 'Write',
  description: 'Vigil: changes a channel. Parameters left out keep their value; an empty Url, Secret or SmtpPassword keeps the stored secret.',
  params: Type.Object({ Id: Type.String({ minLength: 1, maxLength: 64 }), ...ChannelParams }),
  response: Type.Object({ RequestId: Type.String() }),
  secretParams: SECRET_PARAMS,
  async handler(ctx, p) {
    await ctx.services.notifications.modify(ctx.principal.accountId, p.Id, input(p));
    return {};
  },
});

export const deleteNotificationChannels = defineAction({
  name: 'DeleteNotificationChannels',
  product: 'Sas',
  ramActions: ['yundun-sas:DeleteNotificationChannels'],
  rw: 'Write',
  description: 'Vigil: removes channels (comma list of Ids).',
  params: Type.Object({ Ids: Type.String({ minLength: 1, maxLength: 4096 }) }),
  response: Type.Object({ RequestId: Type.String(), Deleted: Type.Integer() }),
  async handler(ctx, p) {
    return { Deleted: await ctx.services.notifications.remove(ctx.principal.accountId, list(p.Ids, 100)) };
  },
});

export const testNotificationChannel = defineAction({
  name: 'TestNotificationChannel',
  product: 'Sas',
  ramActions: ['yundun-sas:TestNotificationChannel'],
  rw: 'Write',
  description: 'Vigil: sends a test message through a channel now (one attempt) and returns the outcome; the channel shows it as its last status.',
  params: Type.Object({ Id: Type.String({ minLength: 1, maxLength: 64 }) }),
  response: Type.Object({ RequestId: Type.String(), Success: Type.Boolean(), Message: Type.String() }),
  async handler(ctx, p) {
    const r = await ctx.services.notifications.test(ctx.principal.accountId, p.Id);
    return { Success: r.ok, Message: r.message };
  },
});

export const NOTIFY_ACTIONS = [describeNotificationChannels, createNotificationChannel, modifyNotificationChannel, deleteNotificationChannels, testNotificationChannel];
