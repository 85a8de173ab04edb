/** Response shapes of the notification actions (src/actions/notifications.ts). */
export type ChannelType = 'webhook' | 'dingtalk' | 'slack' | 'email';
export const CHANNEL_TYPES: ChannelType[] = ['webhook', 'dingtalk', 'slack', 'email'];
export const LEVELS = ['serious', 'suspicious', 'remind'] as const;

export interface Channel {
  Id: string;
  Name: string;
  Type: ChannelType;
  Levels: string;
  Enabled: boolean;
  UrlMasked: string;
  HasSecret: boolean;
  HasPassword: boolean;
  SmtpHost: string;
  SmtpPort: number;
  SmtpSecure: boolean;
  SmtpUser: string;
  MailFrom: string;
  MailTo: string;
  LastStatus: string;
  LastError: string;
  LastTime: number;
  CreateTime: number;
}

/** Form values of the channel dialog. */
export interface ChannelForm {
  Type: ChannelType;
  Name: string;
  Levels: string[];
  Enabled: boolean;
  Url?: string;
  Secret?: string;
  SmtpHost?: string;
  SmtpPort?: number;
  SmtpSecure?: boolean;
  SmtpUser?: string;
  SmtpPassword?: string;
  MailFrom?: string;
  MailTo?: string;
}

/** Action parameters from the form: empty secrets are left out so the stored ones stay. */
export function channelParams(v: ChannelForm): Record<string, unknown> {
  const p: Record<string, unknown> = { Name: v.Name.trim(), Levels: v.Levels.join(','), Enabled: v.Enabled };
  if (v.Type === 'email') {
    Object.assign(p, { SmtpHost: v.SmtpHost?.trim() ?? '', SmtpPort: v.SmtpPort ?? 587, SmtpSecure: v.SmtpSecure ?? false, SmtpUser: v.SmtpUser?.trim() ?? '', MailFrom: v.MailFrom?.trim() ?? '', MailTo: v.MailTo?.trim() ?? '' });
    if (v.SmtpPassword) p.SmtpPassword = v.SmtpPassword;
  } else {
    if (v.Url?.trim()) p.Url = v.Url.trim();
    if (v.Type === 'dingtalk' && v.Secret) p.Secret = v.Secret;
  }
  return p;
}
