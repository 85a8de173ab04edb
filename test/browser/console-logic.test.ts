// The console's pure logic (no browser needed): i18n completeness, language choice, audit query
// mapping and export encoding.
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../console/src/api/types.js';
import en from '../../console/src/i18n/en.json' with { type: 'json' };
import zhCN from '../../console/src/i18n/zh-CN.json' with { type: 'json' };
import { pickLanguage } from '../../console/src/i18n/languages.js';
import { alertName } from '../../console/src/pages/alerts/alert-names.js';
import { previousRunAlert, signalAlert, supervisorLostAlert, tamperAlert } from '../../src/agent/self-protect.js';
import { auditEventsToCsv, auditEventsToJson, csvCell } from '../../console/src/pages/audit/audit-export.js';
import { buildLookupParams } from '../../console/src/pages/audit/audit-query.js';

function leafKeys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafKeys(child, prefix ? `${prefix}.${key}` : key));
}

function event(overrides: Partial<AuditEvent>): AuditEvent {
  return {
    eventId: 'e1',
    eventName: 'CreateAccessKey',
    eventTime: '2026-01-02T03:04:05Z',
    eventType: 'ConsoleOperation',
    eventRW: 'Write',
    eventSource: 'vigil',
    serviceName: 'Ram',
    sourceIpAddress: '127.0.0.1',
    userAgent: 'ua',
    requestId: 'r1',
    requestParameters: {},
    userIdentity: { type: 'root-account', principalId: 'p', accountId: 'a', userName: 'root' },
    additionalEventData: { LatencyMs: 3, Decision: 'Allow' },
    ...overrides,
  };
}

describe('alert names in the console language', () => {
  it('translates the names agents send, webshell rules by prefix, and leaves unknown names and English alone', () => {
    expect(alertName('Reverse shell: shell relayed to a network socket', 'zh-CN')).toBe('反弹 Shell：Shell 经管道或伪终端中转到网络');
    expect(alertName('Webshell: php.eval-request', 'zh-CN')).toBe('网站后门：php.eval-request');
    expect(alertName('Something new', 'zh-CN')).toBe('Something new');
    expect(alertName('Mining program', 'en')).toBe('Mining program');
    // Every self-protection alert the agent can raise has a Chinese name.
    const sent = [
      tamperAlert({ path: '/x', change: 'deleted', evidence: '' }),
      signalAlert('SIGTERM', 'systemd'),
      supervisorLostAlert(1, 1),
      previousRunAlert({ pid: 2, startedAt: 0, clean: false }, null, false),
    ].map((a) => a?.name ?? '');
    for (const name of sent) expect(alertName(name, 'zh-CN'), name).toMatch(/^Vigil 客户端/);
  });
});

describe('console i18n', () => {
  it('has every key in both languages, none empty', () => {
    expect(leafKeys(zhCN).sort()).toEqual(leafKeys(en).sort());
    for (const bundle of [en, zhCN]) {
      for (const key of leafKeys(bundle)) {
        const text = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], bundle);
        expect(typeof text === 'string' && text.trim() !== '', `${key} is empty`).toBe(true);
      }
    }
  });

  it('uses the remembered language, else zh-CN for zh browsers and English otherwise', () => {
    expect(pickLanguage('en', 'zh-CN')).toBe('en');
    expect(pickLanguage('zh-CN', 'en-US')).toBe('zh-CN');
    expect(pickLanguage(null, 'zh-TW')).toBe('zh-CN');
    expect(pickLanguage(null, 'ZH')).toBe('zh-CN');
    expect(pickLanguage('fr', 'de-DE')).toBe('en');
    expect(pickLanguage(null, undefined)).toBe('en');
  });
});

describe('audit query', () => {
  it('maps filters to LookupEvents parameters', () => {
    expect(buildLookupParams({})).toEqual({ MaxResults: 50 });
    expect(
      buildLookupParams(
        { eventName: ' CreateAccessKey ', userName: 'alice', startTime: '2026-01-01T00:00:00.000Z', endTime: '2026-01-02T00:00:00.000Z' },
        'tok',
      ),
    ).toEqual({
      MaxResults: 50,
      LookupAttribute: [
        { Key: 'EventName', Value: 'CreateAccessKey' },
        { Key: 'UserName', Value: 'alice' },
      ],
      StartTime: '2026-01-01T00:00:00.000Z',
      EndTime: '2026-01-02T00:00:00.000Z',
      NextToken: 'tok',
    });
    expect(buildLookupParams({ eventName: '   ', userName: '' })).toEqual({ MaxResults: 50 });
  });
});

describe('audit export', () => {
  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(12)).toBe('12');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell(-1)).toBe('-1');
  });

  it('writes one CSV row per event with the result and decision', () => {
    const csv = auditEventsToCsv([
      event({}),
      event({ eventId: 'e2', errorCode: 'NoPermission', additionalEventData: { LatencyMs: 9, Decision: 'ImplicitDeny' }, requestParameters: { a: 1 } }),
    ]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    const header = lines[0]?.split(',') ?? [];
    const second = lines[2] ?? '';
    expect(header.slice(0, 2)).toEqual(['eventTime', 'eventName']);
    expect(lines[1]).toContain(',Success,');
    expect(second).toContain(',NoPermission,');
    expect(second).toContain(',ImplicitDeny,9,');
    expect(second.endsWith(',"{""a"":1}"')).toBe(true);
  });

  it('exports JSON that parses back to the same events', () => {
    const events = [event({ requestParameters: { UserAccessKeyId: 'LTAI1' } })];
    expect(JSON.parse(auditEventsToJson(events))).toEqual(events);
  });
});
