import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../audit-types.js';
import { parseSyslog } from '../../../../test/helpers/syslog-parse.js';
import { defaultFormatOptions, escapeSdValue, formatSyslog, FACILITIES } from './syslog-format.js';

const rec = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  id: '00000000-0000-4000-8000-000000000001',
  accountId: '1234567890',
  time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  eventName: 'DescribeSummaryInfo',
  serviceName: 'Sas',
  rw: 'Read',
  eventType: 'ApiCall',
  userType: 'root-account',
  userName: 'root',
  principalId: 'u-1',
  accessKeyId: 'LTAIexample',
  sourceIp: '127.0.0.1',
  userAgent: 'test',
  requestId: 'R-1',
  params: { Lang: 'zh', Note: '日本語 é' },
  errorCode: null,
  errorMessage: null,
  decision: 'Allow',
  latencyMs: 1.25,
  ...over,
});

describe('RFC 5424 formatting', () => {
  const opts = defaultFormatOptions({ hostname: 'h1', procId: '42' });

  it('writes the header, SD element and BOM+JSON MSG exactly', () => {
    const buf = formatSyslog(rec(), opts);
    const text = buf.toString('utf8');
    expect(text.startsWith('<86>1 2026-01-02T03:04:05.678Z h1 vigil 42 DescribeSummaryInfo [vigil@32473 eventId="00000000-0000-4000-8000-000000000001" principal="root"')).toBe(true);
    const p = parseSyslog(buf);
    expect(p).toMatchObject({ facility: FACILITIES.authpriv, severity: 6, hostname: 'h1', appName: 'vigil', procId: '42', msgId: 'DescribeSummaryInfo' });
    expect(p.sd[0]?.params).toMatchObject({ accessKeyId: 'LTAIexample', sourceIp: '127.0.0.1', action: 'DescribeSummaryInfo', result: 'Success', latencyMs: '1.25' });
    expect(JSON.parse(p.msg)).toMatchObject({ eventId: rec().id, requestParameters: { Note: '日本語 é' } });
  });

  it('severity: write success notice, denied or failed warning; facility configurable', () => {
    expect(parseSyslog(formatSyslog(rec({ rw: 'Write' }), opts)).severity).toBe(5);
    expect(parseSyslog(formatSyslog(rec({ decision: 'ImplicitDeny', errorCode: 'NoPermission' }), opts)).severity).toBe(4);
    expect(parseSyslog(formatSyslog(rec({ errorCode: 'InvalidParameter' }), opts)).severity).toBe(4);
    const local0 = parseSyslog(formatSyslog(rec({ decision: 'NotAuthenticated', errorCode: 'SignatureDoesNotMatch' }), { ...opts, facility: 'local0' }));
    expect(local0.pri).toBe(16 * 8 + 4);
  });

  it('escapes ", \\ and ] in SD values and the parser gets the original back', () => {
    expect(escapeSdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const nasty = 'x"]\\ [y="z"] \\"';
    const p = parseSyslog(formatSyslog(rec({ userName: nasty, eventName: 'Bad Action"]' }), opts));
    expect(p.sd).toHaveLength(1);
    expect(p.sd[0]?.params.principal).toBe(nasty);
    expect(p.sd[0]?.params.action).toBe('Bad Action"]');
    expect(p.msgId).toBe('BadAction"]');
  });

  it('header fields keep to printable ASCII; an empty MSGID becomes audit', () => {
    const p = parseSyslog(formatSyslog(rec({ eventName: '中文 ' }), { ...opts, hostname: 'h1' }));
    expect(p.msgId).toBe('audit');
    expect(parseSyslog(formatSyslog(rec({ eventName: 'A'.repeat(100) }), opts)).msgId).toBe('A'.repeat(32));
  });

  it('keeps within maxMessageBytes by eliding requestParameters, JSON still valid', () => {
    const big = rec({ params: { Blob: 'z'.repeat(20_000) } });
    const buf = formatSyslog(big, { ...opts, maxMessageBytes: 2048 });
    expect(buf.length).toBeLessThanOrEqual(2048);
    const ev = JSON.parse(parseSyslog(buf).msg) as { requestParameters: Record<string, unknown> };
    expect(ev.requestParameters.vigilTruncated).toBe(true);
    expect(formatSyslog(big, { ...opts, maxMessageBytes: 64 * 1024 }).length).toBeGreaterThan(20_000);
  });
});
