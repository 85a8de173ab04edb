import type { AuditEvent } from '../../api/types.js';

const CSV_COLUMNS: ReadonlyArray<readonly [string, (event: AuditEvent) => string | number | undefined]> = [
  ['eventTime', (e) => e.eventTime],
  ['eventName', (e) => e.eventName],
  ['eventType', (e) => e.eventType],
  ['eventRW', (e) => e.eventRW],
  ['userName', (e) => e.userIdentity.userName],
  ['userType', (e) => e.userIdentity.type],
  ['accessKeyId', (e) => e.userIdentity.accessKeyId],
  ['sourceIpAddress', (e) => e.sourceIpAddress],
  ['userAgent', (e) => e.userAgent],
  ['result', (e) => e.errorCode ?? 'Success'],
  ['errorMessage', (e) => e.errorMessage],
  ['decision', (e) => e.additionalEventData.Decision],
  ['latencyMs', (e) => e.additionalEventData.LatencyMs],
  ['requestId', (e) => e.requestId],
  ['eventId', (e) => e.eventId],
  ['requestParameters', (e) => JSON.stringify(e.requestParameters)],
];

/**
 * One CSV cell (RFC 4180 quoting). Text starting with a formula character gets a leading `'` so
 * that a spreadsheet opening the export does not evaluate attacker-controlled input.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditEventsToCsv(events: readonly AuditEvent[]): string {
  const header = CSV_COLUMNS.map(([name]) => name).join(',');
  const rows = events.map((event) => CSV_COLUMNS.map(([, pick]) => csvCell(pick(event))).join(','));
  return [header, ...rows].join('\r\n') + '\r\n';
}

export function auditEventsToJson(events: readonly AuditEvent[]): string {
  return JSON.stringify(events, null, 2) + '\n';
}
