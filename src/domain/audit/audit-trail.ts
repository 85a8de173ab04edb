import { appendFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { insertRows } from '../../store/bulk-insert.js';
import type { Database, AuditEventsTable } from '../../store/schema.js';
import { VigilError } from '../errors.js';
import type { AuditRecord, LookupQuery, TrailEvent } from './audit-types.js';
import type { AuditForwarder, ForwarderStats } from './forward/queued-forwarder.js';

const FLUSH_EVERY_MS = 50;
const FLUSH_BATCH = 128;
/** Bound on records waiting for the database (e.g. while PostgreSQL is unreachable). */
const MAX_PENDING = 200_000;

export interface AuditLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Columns `LookupEvents` may filter on (ActionTrail LookupAttribute keys). */
const LOOKUP_COLUMNS = {
  EventName: 'event_name',
  UserName: 'user_name',
  AccessKeyId: 'access_key_id',
  ServiceName: 'service_name',
  EventRW: 'event_rw',
  EventId: 'id',
  ErrorCode: 'error_code',
  SourceIpAddress: 'source_ip',
} as const satisfies Record<string, keyof AuditEventsTable>;

export const LOOKUP_KEYS = Object.keys(LOOKUP_COLUMNS);

/**
 * The audit trail: every call is recorded. Writes are batched (one transaction per flush) so the
 * hot path never waits on the database; `close()` flushes what is pending.
 */
export class AuditTrail {
  private pending: AuditRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private readonly written: Array<(batch: readonly AuditRecord[]) => void | Promise<void>> = [];
  /** Listener work still running; `close()` waits for it before the store closes. */
  private readonly listening = new Set<Promise<void>>();
  dropped = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: AuditLogger,
    private readonly jsonlFile?: string,
    /** Syslog/webhook targets; fed each stored batch, they send in the background. */
    private readonly forwarders: readonly AuditForwarder[] = [],
  ) {}

  forwardingStats(): ForwarderStats[] {
    return this.forwarders.map((f) => f.stats());
  }

  /** Called with each batch once it is in the database (detectors that read the trail, e.g. anomalous AccessKey use). */
  onWritten(fn: (batch: readonly AuditRecord[]) => void | Promise<void>): void {
    this.written.push(fn);
  }

  record(r: AuditRecord): void {
    if (this.pending.length >= MAX_PENDING) {
      this.pending.shift();
      this.dropped++;
      if (this.dropped % 1000 === 1) this.log.error({ dropped: this.dropped }, 'audit buffer full: database unreachable, oldest records dropped');
    }
    this.pending.push(r);
    if (this.pending.length >= FLUSH_BATCH) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    if (this.pending.length === 0) return;
    const batch = this.pending.splice(0, FLUSH_BATCH);
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
    if (this.pending.length > 0 && !this.timer) this.timer = setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  private async write(batch: AuditRecord[]): Promise<void> {
    try {
      await insertRows(this.db, 'audit_events', batch.map(toRow));
    } catch (err) {
      this.log.error({ err, count: batch.length }, 'audit write failed; will retry');
      this.pending.unshift(...batch);
      await new Promise((r) => setTimeout(r, 1000));
      return;
    }
    for (const fn of this.written) {
      try {
        const p = fn(batch);
        if (p) {
          const tracked = p.catch((err: unknown) => this.log.warn({ err }, 'audit listener failed')).finally(() => this.listening.delete(tracked));
          this.listening.add(tracked);
        }
      } catch (err) {
        this.log.warn({ err }, 'audit listener failed');
      }
    }
    if (this.jsonlFile) {
      try {
        await appendFile(this.jsonlFile, batch.map((r) => JSON.stringify(toTrailEvent(r))).join('\n') + '\n', { mode: 0o600 });
      } catch (err) {
        this.log.warn({ err, file: this.jsonlFile }, 'audit JSON-lines forwarding failed');
      }
    }
    for (const f of this.forwarders) f.enqueue(batch);
  }

  async close(): Promise<void> {
    await this.flush();
    while (this.pending.length > 0) await this.flush();
    await Promise.all([...this.listening]);
    await Promise.all(this.forwarders.map((f) => f.close()));
  }

  async lookup(q: LookupQuery): Promise<{ events: TrailEvent[]; nextToken?: string }> {
    await this.flush();
    let query = this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', q.accountId)
      .where('event_time', '>=', q.startTime)
      .where('event_time', '<=', q.endTime);
    for (const { key, value } of q.attributes) {
      const col = LOOKUP_COLUMNS[key as keyof typeof LOOKUP_COLUMNS];
      if (!col) throw new VigilError('InvalidParameter', `LookupAttribute key "${key}" is not supported; use one of ${LOOKUP_KEYS.join(', ')}`);
      query = query.where(col, '=', value);
    }
    if (q.nextToken) {
      const cursor = decodeCursor(q.nextToken);
      query = query.where((eb) => eb.or([eb('event_time', '<', cursor.time), eb.and([eb('event_time', '=', cursor.time), eb('id', '<', cursor.id)])]));
    }
    const rows = await query.orderBy('event_time', 'desc').orderBy('id', 'desc').limit(q.maxResults + 1).execute();
    const page = rows.slice(0, q.maxResults);
    const last = page[page.length - 1];
    return {
      events: page.map((row) => toTrailEvent(fromRow(row))),
      ...(rows.length > q.maxResults && last ? { nextToken: encodeCursor(last.event_time, last.id) } : {}),
    };
  }

  async purgeOlderThan(days: number, now = Date.now()): Promise<number> {
    const res = await this.db.deleteFrom('audit_events').where('event_time', '<', now - days * 86_400_000).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

function encodeCursor(time: number, id: string): string {
  return Buffer.from(`${time}:${id}`).toString('base64url');
}

function decodeCursor(token: string): { time: number; id: string } {
  const raw = Buffer.from(token, 'base64url').toString('utf8');
  const m = /^(\d{1,16}):([0-9a-f-]{1,64})$/.exec(raw);
  if (!m) throw new VigilError('InvalidParameter', 'NextToken is not valid');
  return { time: Number(m[1]), id: m[2] as string };
}

function toRow(r: AuditRecord): AuditEventsTable {
  return {
    id: r.id,
    account_id: r.accountId,
    event_time: r.time,
    event_name: r.eventName,
    service_name: r.serviceName,
    event_rw: r.rw,
    event_type: r.eventType,
    user_type: r.userType,
    user_name: r.userName,
    principal_id: r.principalId,
    access_key_id: r.accessKeyId,
    source_ip: r.sourceIp,
    user_agent: r.userAgent.slice(0, 512),
    request_id: r.requestId,
    params_json: JSON.stringify(r.params),
    error_code: r.errorCode,
    error_message: r.errorMessage,
    decision: r.decision,
    latency_ms: r.latencyMs,
  };
}

function fromRow(row: AuditEventsTable): AuditRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    time: Number(row.event_time),
    eventName: row.event_name,
    serviceName: row.service_name,
    rw: row.event_rw,
    eventType: row.event_type,
    userType: row.user_type,
    userName: row.user_name,
    principalId: row.principal_id,
    accessKeyId: row.access_key_id,
    sourceIp: row.source_ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    decision: row.decision as AuditRecord['decision'],
    latencyMs: Number(row.latency_ms),
  };
}

export function toTrailEvent(r: AuditRecord): TrailEvent {
  return {
    eventId: r.id,
    eventName: r.eventName,
    eventTime: new Date(r.time).toISOString(),
    eventType: r.eventType,
    eventRW: r.rw,
    eventSource: 'vigil',
    eventVersion: '1',
    serviceName: r.serviceName,
    sourceIpAddress: r.sourceIp,
    userAgent: r.userAgent,
    requestId: r.requestId,
    requestParameters: r.params,
    ...(r.errorCode ? { errorCode: r.errorCode } : {}),
    ...(r.errorMessage ? { errorMessage: r.errorMessage } : {}),
    userIdentity: {
      type: r.userType,
      principalId: r.principalId,
      accountId: r.accountId,
      userName: r.userName,
      ...(r.accessKeyId ? { accessKeyId: r.accessKeyId } : {}),
    },
    additionalEventData: { LatencyMs: r.latencyMs, Decision: r.decision },
  };
}
