import { hostname } from 'node:os';
import type { AuditRecord } from '../audit-types.js';
import { toTrailEvent } from '../audit-trail.js';

/** RFC 5424 §6.2.1 facility codes, by the names syslog.conf uses. */
export const FACILITIES = {
  kern: 0, user: 1, mail: 2, daemon: 3, auth: 4, syslog: 5, lpr: 6, news: 7, uucp: 8, cron: 9,
  authpriv: 10, ftp: 11, ntp: 12, audit: 13, alert: 14, clock: 15,
  local0: 16, local1: 17, local2: 18, local3: 19, local4: 20, local5: 21, local6: 22, local7: 23,
} as const;
export type FacilityName = keyof typeof FACILITIES;
export const FACILITY_NAMES = Object.keys(FACILITIES) as FacilityName[];

/** Severity codes used (RFC 5424 §6.2.1). */
export const SEVERITY = { warning: 4, notice: 5, info: 6 } as const;

/**
 * 32473 is the private enterprise number reserved for documentation (RFC 5612); Vigil has no
 * registered number, so the default SD-ID is a placeholder that operators may replace (`sdId`).
 */
export const DEFAULT_SD_ID = 'vigil@32473';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface SyslogFormatOptions {
  facility: FacilityName;
  appName: string;
  hostname: string;
  procId: string;
  sdId: string;
  /** Whole message (header + SD + MSG) limit; the event's requestParameters are elided to fit. */
  maxMessageBytes: number;
}

export function defaultFormatOptions(over: Partial<SyslogFormatOptions> = {}): SyslogFormatOptions {
  return {
    facility: 'authpriv',
    appName: 'vigil',
    hostname: printable(hostname(), 255) || '-',
    procId: String(process.pid),
    sdId: DEFAULT_SD_ID,
    maxMessageBytes: 8192,
    ...over,
  };
}

/** Keeps printable US-ASCII (%d33-126) only, as header fields require; empty → NILVALUE by the caller. */
export function printable(s: string, max: number): string {
  return s.replace(/[^\x21-\x7e]/g, '').slice(0, max);
}

/** SD-PARAM value escaping (RFC 5424 §6.3.3): `"`, `\` and `]` get a backslash. */
export function escapeSdValue(v: string): string {
  return v.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** Success → info (reads) or notice (writes); denied or failed → warning. */
export function severityOf(r: AuditRecord): number {
  if (r.decision !== 'Allow' || r.errorCode) return SEVERITY.warning;
  return r.rw === 'Write' ? SEVERITY.notice : SEVERITY.info;
}

function sdElement(r: AuditRecord, sdId: string): string {
  const params: Array<[string, string]> = [
    ['eventId', r.id],
    ['principal', r.userName || r.principalId || '-'],
    ['principalId', r.principalId],
    ['accountId', r.accountId],
    ['accessKeyId', r.accessKeyId ?? ''],
    ['sourceIp', r.sourceIp],
    ['action', r.eventName],
    ['result', r.errorCode ?? 'Success'],
    ['decision', r.decision],
    ['latencyMs', String(r.latencyMs)],
    ['requestId', r.requestId],
  ];
  return `[${sdId}${params.map(([k, v]) => ` ${k}="${escapeSdValue(v)}"`).join('')}]`;
}

/** One RFC 5424 message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] BOM+JSON`. */
export function formatSyslog(r: AuditRecord, o: SyslogFormatOptions): Buffer {
  const pri = FACILITIES[o.facility] * 8 + severityOf(r);
  const msgId = printable(r.eventName, 32) || 'audit';
  const head = `<${pri}>1 ${new Date(r.time).toISOString()} ${o.hostname || '-'} ${o.appName || '-'} ${o.procId || '-'} ${msgId} ${sdElement(r, o.sdId)} `;
  const headBuf = Buffer.from(head, 'utf8');
  const event = toTrailEvent(r);
  let msg = Buffer.from(JSON.stringify(event), 'utf8');
  const room = o.maxMessageBytes - headBuf.length - BOM.length;
  if (msg.length > room) {
    // Keep the JSON valid: drop the (largest, caller-supplied) parameters and say so.
    const elided = { ...event, requestParameters: { vigilTruncated: true, originalBytes: msg.length } };
    msg = Buffer.from(JSON.stringify(elided), 'utf8');
    if (msg.length > room) msg = msg.subarray(0, Math.max(0, room));
  }
  return Buffer.concat([headBuf, BOM, msg]);
}
