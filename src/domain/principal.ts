/** Who is calling: a root account or a RAM user, authenticated by AccessKey signature or console session. */
export interface Principal {
  accountId: string;
  userId: string;
  userName: string;
  kind: 'root-account' | 'ram-user';
  accessKeyId?: string;
  via: 'signature' | 'session';
  /** True only for console sessions that passed TOTP. */
  mfa: boolean;
}

export interface RequestMeta {
  requestId: string;
  sourceIp: string;
  userAgent: string;
  secureTransport: boolean;
  now: Date;
}
