import type { Kysely } from 'kysely';
import { AkAnomalyDetector, type AkAnomaly, type AkAnomalyConfig, type AkHistory } from '../../engines/akanomaly/detector.js';
import type { Database } from '../../store/schema.js';
import type { AlertEventData } from '../alerts/alert-types.js';
import type { AuditTrail } from './audit-trail.js';
import type { AuditRecord } from './audit-types.js';

type Log = { warn(o: object, m: string): void };
type Ingest = (accountId: string, uuid: string, data: AlertEventData, time: number) => Promise<unknown>;

/** Rule ids of the "cloud product threat" alerts (AlarmEventType `cloud-threat`). */
export const AK_ANOMALY_RULES = {
  'new-source-ip': 'cloud-threat.ak-new-source-ip',
  'new-action': 'cloud-threat.ak-new-action',
  'denied-burst': 'cloud-threat.ak-denied-burst',
} as const;

/** These alerts belong to no host; the alert's Uuid is empty. */
export const CLOUD_ALERT_UUID = '';
/** Batches waiting to be analysed; beyond this (the database is far behind) batches are skipped and counted. */
const MAX_QUEUED_BATCHES = 200;

function mask(ak: string): string {
  return ak.length > 8 ? `${ak.slice(0, 6)}…${ak.slice(-4)}` : ak;
}

export function toAlertEvent(a: AkAnomaly): AlertEventData {
  const who = `AccessKey ${mask(a.accessKeyId)}${a.userName ? ` (user ${a.userName})` : ''}`;
  switch (a.kind) {
    case 'new-source-ip':
      return {
        ruleId: AK_ANOMALY_RULES[a.kind],
        name: 'Anomalous AccessKey use: call from a new source IP',
        level: 'suspicious',
        aggKey: `${a.accessKeyId}|${a.sourceIp}`,
        details: { evidence: `${who} called ${a.actions[0] ?? ''} from ${a.sourceIp}, an address this key never used before (known: ${a.known.join(', ') || 'none'}).` },
      };
    case 'new-action':
      return {
        ruleId: AK_ANOMALY_RULES[a.kind],
        name: 'Anomalous AccessKey use: action never called before',
        level: 'remind',
        aggKey: `${a.accessKeyId}|${a.actions[0] ?? ''}`,
        details: { evidence: `${who} called ${a.actions[0] ?? ''} from ${a.sourceIp}, an action this key never called before.` },
      };
    case 'denied-burst':
      return {
        ruleId: AK_ANOMALY_RULES[a.kind],
        name: 'Anomalous AccessKey use: burst of denied calls',
        level: 'suspicious',
        aggKey: a.accessKeyId,
        details: { evidence: `${who} made ${a.deniedCount} denied calls in a short window from ${a.sourceIp} (actions: ${a.actions.join(', ')}): probing for permissions?` },
      };
  }
}

/**
 * A key's history in the trail before `before` (the key's first call in the batch being analysed):
 * later batches may already be stored while this one is analysed, and must not count as known.
 */
async function history(db: Kysely<Database>, accessKeyId: string, before: number, maxPerKey: number): Promise<AkHistory> {
  const base = db
    .selectFrom('audit_events')
    .where('access_key_id', '=', accessKeyId)
    .where('decision', '!=', 'NotAuthenticated')
    .where('event_time', '<', before);
  const agg = await base.select((eb) => [eb.fn.min<number>('event_time').as('first'), eb.fn.countAll<number>().as('n')]).executeTakeFirst();
  const ips = await base.select('source_ip').distinct().limit(maxPerKey).execute();
  const actions = await base.select('event_name').distinct().limit(maxPerKey).execute();
  const n = Number(agg?.n ?? 0);
  return { firstSeen: n > 0 ? Number(agg?.first) : before, calls: n, ips: ips.map((r) => r.source_ip), actions: actions.map((r) => r.event_name) };
}

/**
 * Anomalous AccessKey use (R-7.2) from the audit trail: each batch the trail writes goes through the
 * detector (in order, one batch at a time); a key seen for the first time since the server started is
 * seeded from its history in the trail, so a restart does not make every address "new".
 */
export function wireAkAnomaly(audit: AuditTrail, db: Kysely<Database>, ingest: Ingest, log: Log, config: Partial<AkAnomalyConfig> = {}): { idle(): Promise<void>; skipped(): number } {
  const detector = new AkAnomalyDetector(config);
  let chain: Promise<void> = Promise.resolve();
  let queued = 0;
  let skipped = 0;

  const analyse = async (batch: readonly AuditRecord[]) => {
    const calls = batch.filter((r): r is AuditRecord & { accessKeyId: string } => typeof r.accessKeyId === 'string' && r.accessKeyId !== '' && r.decision !== 'NotAuthenticated');
    const firstCall = new Map<string, number>();
    for (const c of calls) firstCall.set(c.accessKeyId, Math.min(firstCall.get(c.accessKeyId) ?? c.time, c.time));
    for (const [key, before] of firstCall) {
      if (!detector.knows(key)) detector.seed(key, await history(db, key, before, detector.config.maxPerKey));
    }
    for (const c of calls) {
      const found = detector.observe({
        accountId: c.accountId,
        accessKeyId: c.accessKeyId,
        userName: c.userName,
        sourceIp: c.sourceIp,
        action: c.eventName,
        time: c.time,
        denied: c.decision === 'ImplicitDeny' || c.decision === 'ExplicitDeny',
      });
      for (const a of found) await ingest(a.accountId, CLOUD_ALERT_UUID, toAlertEvent(a), a.time);
    }
  };

  audit.onWritten((batch) => {
    if (queued >= MAX_QUEUED_BATCHES) {
      if (skipped++ % 100 === 0) log.warn({ skipped }, 'AccessKey anomaly detection is behind; audit batches skipped');
      return;
    }
    queued++;
    chain = chain
      .then(() => analyse(batch))
      .catch((err: unknown) => log.warn({ err }, 'AccessKey anomaly detection failed for a batch'))
      .finally(() => {
        queued--;
      });
    // The trail waits for this on close, so alerts are stored before the database closes.
    return chain;
  });

  return { idle: () => chain, skipped: () => skipped };
}
