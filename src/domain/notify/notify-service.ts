import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../iam/crypto.js';
import type { Database } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import { NotifyQueue, type QueueOptions } from './notify-queue.js';
import { CHANNEL_TYPES, maskUrl, NOTIFY_LEVELS, type AlertNotice, type ChannelType, type NotifyLevel } from './payloads.js';
import { sendNotice, type ChannelTarget } from './senders.js';

interface NotifyChannelsTable {
  id: string;
  account_id: string;
  name: string;
  type: string;
  levels: string;
  enabled: number;
  config_json: string;
  secrets_sealed: string;
  last_status: string;
  last_error: string;
  last_time: number | null;
  created_at: number;
  updated_at: number;
}
interface NotifySentTable {
  account_id: string;
  alert_id: number;
  milestone: string;
  created_at: number;
}
type Db = Kysely<Database & { notify_channels: NotifyChannelsTable; notify_sent: NotifySentTable }>;

interface Secrets {
  url?: string;
  secret?: string;
  password?: string;
}
interface SmtpConfig {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  from: string;
  to: string[];
}

export interface ChannelInput {
  name?: string;
  type?: ChannelType;
  levels?: NotifyLevel[];
  enabled?: boolean;
  /** Webhook URL; undefined or '' keeps the stored one on modify. */
  url?: string;
  secret?: string;
  clearSecret?: boolean;
  smtp?: Partial<SmtpConfig> & { password?: string };
}

export interface ChannelView {
  id: string;
  name: string;
  type: ChannelType;
  levels: NotifyLevel[];
  enabled: boolean;
  /** Webhook URL masked (tokens in it are secrets too); empty for e-mail. */
  urlMasked: string;
  hasSecret: boolean;
  hasPassword: boolean;
  smtp: SmtpConfig | null;
  lastStatus: string;
  lastError: string;
  lastTime: number | null;
  createdAt: number;
}

/** What the alert pipeline reports after storing an event (AlertService.onIngested). */
export interface AlertIngestedEvent {
  accountId: string;
  uuid: string;
  alertId: number;
  ruleId: string;
  name: string;
  level: NotifyLevel;
  count: number;
  firstTime: number;
  lastTime: number;
  isNew: boolean;
  reopened: boolean;
}

type Log = { warn(o: object, m: string): void };

const MAX_CHANNELS = 50;
/** Count milestones of one aggregated alert that are notified again (besides new and reopened). */
export const COUNT_MILESTONES = [10, 100, 1000, 10_000, 100_000];

/** Which notification an ingested alert event earns, if any. */
export function milestoneOf(e: Pick<AlertIngestedEvent, 'isNew' | 'reopened' | 'count' | 'lastTime'>): string | null {
  if (e.isNew) return 'new';
  if (e.reopened) return `reopened:${e.lastTime}`;
  return COUNT_MILESTONES.includes(e.count) ? `count:${e.count}` : null;
}

function levelsOf(raw: string): NotifyLevel[] {
  return raw.split(',').filter((l): l is NotifyLevel => (NOTIFY_LEVELS as readonly string[]).includes(l));
}

function validUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new VigilError('InvalidParameter', 'Url is not a URL.', 400);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new VigilError('InvalidParameter', 'Url must be http(s).', 400);
  if (url.length > 2048) throw new VigilError('InvalidParameter', 'Url is longer than 2048 characters.', 400);
  return url;
}

const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+$/;

/**
 * Alert notifications: channels per account (secrets sealed), delivery through a bounded
 * retrying queue, and one notification per aggregated alert and milestone (new, reopened, count
 * 10/100/1000…), recorded in `notify_sent` so several server replicas do not send twice.
 */
export class NotificationService {
  private readonly db: Db;
  readonly queue: NotifyQueue;

  constructor(
    db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly log: Log,
    queue: QueueOptions = {},
  ) {
    this.db = db.withTables<{ notify_channels: NotifyChannelsTable; notify_sent: NotifySentTable }>();
    this.queue = new NotifyQueue(queue);
  }

  async list(accountId: string): Promise<ChannelView[]> {
    const rows = await this.db.selectFrom('notify_channels').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
    return rows.map((r) => this.view(r));
  }

  async create(accountId: string, input: ChannelInput): Promise<string> {
    const n = await this.db.selectFrom('notify_channels').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', accountId).executeTakeFirst();
    if (Number(n?.n ?? 0) >= MAX_CHANNELS) throw new VigilError('LimitExceeded', `At most ${MAX_CHANNELS} notification channels per account.`, 400);
    if (!input.type || !CHANNEL_TYPES.includes(input.type)) throw new VigilError('InvalidParameter', `Type must be one of ${CHANNEL_TYPES.join(', ')}.`, 400);
    const { config, secrets } = this.settle(input.type, input, {}, null);
    const now = Date.now();
    const id = `nc-${randomUUID()}`;
    await this.db
      .insertInto('notify_channels')
      .values({
        id,
        account_id: accountId,
        name: this.name(input.name),
        type: input.type,
        levels: this.levels(input.levels).join(','),
        enabled: input.enabled === false ? 0 : 1,
        config_json: JSON.stringify(config),
        secrets_sealed: this.box.seal(JSON.stringify(secrets)),
        last_status: 'never',
        last_error: '',
        last_time: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    return id;
  }

  async modify(accountId: string, id: string, input: ChannelInput): Promise<void> {
    const row = await this.row(accountId, id);
    const type = row.type as ChannelType;
    if (input.type && input.type !== type) throw new VigilError('InvalidParameter', 'Type of a channel cannot change; create a new channel.', 400);
    const { config, secrets } = this.settle(type, input, this.secrets(row), JSON.parse(row.config_json) as SmtpConfig | null);
    await this.db
      .updateTable('notify_channels')
      .set({
        ...(input.name !== undefined ? { name: this.name(input.name) } : {}),
        ...(input.levels !== undefined ? { levels: this.levels(input.levels).join(',') } : {}),
        ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
        config_json: JSON.stringify(config),
        secrets_sealed: this.box.seal(JSON.stringify(secrets)),
        updated_at: Date.now(),
      })
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .execute();
  }

  async remove(accountId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const r = await this.db.deleteFrom('notify_channels').where('account_id', '=', accountId).where('id', 'in', ids).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  /** Sends a test message now (one attempt, no queue) and records the outcome. */
  async test(accountId: string, id: string): Promise<{ ok: boolean; message: string }> {
    const row = await this.row(accountId, id);
    const now = Date.now();
    const notice: AlertNotice = { alertId: 0, uuid: 'test', instanceName: 'vigil-test-host', ip: '', name: 'Vigil test notification', ruleId: 'test', level: levelsOf(row.levels)[0] ?? 'serious', count: 1, firstTime: now, lastTime: now, reason: 'test', test: true };
    try {
      await sendNotice(this.target(row), notice);
      await this.record(id, true, '');
      return { ok: true, message: 'sent' };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      await this.record(id, false, msg);
      return { ok: false, message: msg };
    }
  }

  /** Hook for the alert pipeline: decides, deduplicates and queues. Never throws, never waits on delivery. */
  async onAlert(e: AlertIngestedEvent): Promise<void> {
    const milestone = milestoneOf(e);
    if (!milestone) return;
    const channels = (await this.db.selectFrom('notify_channels').selectAll().where('account_id', '=', e.accountId).where('enabled', '=', 1).execute()).filter((c) => levelsOf(c.levels).includes(e.level));
    if (channels.length === 0) return;
    const ins = await this.db.insertInto('notify_sent').values({ account_id: e.accountId, alert_id: e.alertId, milestone, created_at: Date.now() }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    if (Number(ins.numInsertedOrUpdatedRows ?? 0n) === 0) return; // another replica or an earlier event sent it
    const host = await this.db.selectFrom('asset_instances').select(['instance_name', 'intranet_ip', 'internet_ip']).where('account_id', '=', e.accountId).where('uuid', '=', e.uuid).executeTakeFirst();
    const notice: AlertNotice = {
      alertId: e.alertId,
      uuid: e.uuid,
      instanceName: host?.instance_name ?? '',
      ip: host?.internet_ip || host?.intranet_ip || '',
      name: e.name,
      ruleId: e.ruleId,
      level: e.level,
      count: e.count,
      firstTime: e.firstTime,
      lastTime: e.lastTime,
      reason: milestone.startsWith('reopened') ? 'reopened' : milestone,
    };
    for (const c of channels) {
      const target = this.target(c);
      this.queue.push({
        attempt: () => sendNotice(target, notice),
        done: (ok, error, attempts) => {
          if (!ok) this.log.warn({ channel: c.id, alertId: e.alertId, attempts, error }, 'alert notification not delivered');
          void this.record(c.id, ok, error).catch(() => undefined);
        },
      });
    }
  }

  stop(): void {
    this.queue.stop();
  }

  private async record(id: string, ok: boolean, error: string): Promise<void> {
    await this.db.updateTable('notify_channels').set({ last_status: ok ? 'ok' : 'failed', last_error: error.slice(0, 1000), last_time: Date.now() }).where('id', '=', id).execute();
  }

  private async row(accountId: string, id: string): Promise<NotifyChannelsTable> {
    const row = await this.db.selectFrom('notify_channels').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new VigilError('ChannelNotFound', `No notification channel ${id}.`, 404);
    return row;
  }

  private secrets(row: NotifyChannelsTable): Secrets {
    return JSON.parse(this.box.open(row.secrets_sealed)) as Secrets;
  }

  private target(row: NotifyChannelsTable): ChannelTarget {
    const s = this.secrets(row);
    const type = row.type as ChannelType;
    if (type !== 'email') return { type, ...(s.url ? { url: s.url } : {}), ...(s.secret ? { secret: s.secret } : {}) };
    const c = JSON.parse(row.config_json) as SmtpConfig;
    return { type, smtp: { ...c, ...(c.user ? { user: c.user } : {}), ...(s.password ? { password: s.password } : {}) } };
  }

  private name(raw: string | undefined): string {
    const n = (raw ?? '').trim();
    if (n === '' || n.length > 128) throw new VigilError('InvalidParameter', 'Name is required (1..128 characters).', 400);
    return n;
  }

  private levels(raw: NotifyLevel[] | undefined): NotifyLevel[] {
    const l = [...new Set(raw ?? [])];
    if (l.length === 0) throw new VigilError('InvalidParameter', `Levels names at least one of ${NOTIFY_LEVELS.join(', ')}.`, 400);
    return l;
  }

  /** Merges input over stored settings and validates them for the channel type. */
  private settle(type: ChannelType, input: ChannelInput, prior: Secrets, priorConfig: SmtpConfig | null): { config: SmtpConfig | null; secrets: Secrets } {
    if (type !== 'email') {
      const url = input.url ? validUrl(input.url) : prior.url;
      if (!url) throw new VigilError('MissingParameter', 'Url is required for webhook channels.', 400);
      let secret = input.clearSecret ? undefined : input.secret || prior.secret;
      if (type !== 'dingtalk') secret = undefined;
      if (secret !== undefined && secret.length > 256) throw new VigilError('InvalidParameter', 'Secret is longer than 256 characters.', 400);
      return { config: null, secrets: { url, ...(secret ? { secret } : {}) } };
    }
    const s = input.smtp ?? {};
    const c: SmtpConfig = {
      host: (s.host ?? priorConfig?.host ?? '').trim(),
      port: s.port ?? priorConfig?.port ?? 587,
      secure: s.secure ?? priorConfig?.secure ?? false,
      user: (s.user ?? priorConfig?.user ?? '').trim(),
      from: (s.from ?? priorConfig?.from ?? '').trim(),
      to: s.to ?? priorConfig?.to ?? [],
    };
    if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(c.host)) throw new VigilError('InvalidParameter', 'SmtpHost must be a host name or address.', 400);
    if (!Number.isInteger(c.port) || c.port < 1 || c.port > 65535) throw new VigilError('InvalidParameter', 'SmtpPort must be 1..65535.', 400);
    if (!EMAIL.test(c.from)) throw new VigilError('InvalidParameter', 'MailFrom must be an e-mail address.', 400);
    if (c.to.length === 0 || c.to.length > 50 || c.to.some((t) => !EMAIL.test(t))) throw new VigilError('InvalidParameter', 'MailTo must be 1..50 comma-separated e-mail addresses.', 400);
    const password = input.clearSecret ? undefined : s.password || prior.password;
    return { config: c, secrets: password ? { password } : {} };
  }

  private view(r: NotifyChannelsTable): ChannelView {
    const s = this.secrets(r);
    return {
      id: r.id,
      name: r.name,
      type: r.type as ChannelType,
      levels: levelsOf(r.levels),
      enabled: r.enabled === 1,
      urlMasked: s.url ? maskUrl(s.url) : '',
      hasSecret: !!s.secret,
      hasPassword: !!s.password,
      smtp: r.type === 'email' ? (JSON.parse(r.config_json) as SmtpConfig) : null,
      lastStatus: r.last_status,
      lastError: r.last_error,
      lastTime: r.last_time === null ? null : Number(r.last_time),
      createdAt: Number(r.created_at),
    };
  }
}
