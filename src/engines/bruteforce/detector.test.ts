import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AuthEvent } from './auth-event.js';
import { AuthLogParser } from './auth-log-parser.js';
import { BruteForceDetector, validateRule, type BruteForceConfig, type BruteForceFinding } from './detector.js';
import { isIp } from './ip.js';

const DATA = process.env.VIGIL_SHARED_DATA ?? fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

function fail(ip: string, sec: number, extra: Partial<AuthEvent> = {}): AuthEvent {
  return { kind: 'failure', service: 'sshd', source: ip, ip, user: 'root', attempts: 1, timeMs: T0 + sec * 1000, rule: 'test', line: `fail ${ip} ${sec}`, ...extra };
}
function ok(ip: string, sec: number, user = 'admin'): AuthEvent {
  return { kind: 'success', service: 'sshd', source: ip, ip, user, attempts: 1, timeMs: T0 + sec * 1000, rule: 'test', line: `ok ${ip} ${sec}` };
}
function run(config: BruteForceConfig, events: AuthEvent[]): BruteForceFinding[] {
  const d = new BruteForceDetector(config);
  return events.flatMap((e) => d.observe(e));
}

const RULE = { id: 'r1', failures: 5, windowSeconds: 60, blockSeconds: 600 };

describe('BruteForceDetector', () => {
  it('blocks after N failures inside the sliding window, not when they are spread out', () => {
    const spread = [0, 20, 40, 61, 81].map((s) => fail('203.0.113.5', s)); // never 5 within 60 s
    expect(run({ rules: [RULE] }, spread)).toEqual([]);
    const dense = [0, 10, 20, 30, 40].map((s) => fail('203.0.113.5', s));
    const out = run({ rules: [RULE] }, dense);
    expect(out).toHaveLength(1);
    expect(out[0]?.block).toEqual({ ip: '203.0.113.5', durationSeconds: 600, untilMs: T0 + 40_000 + 600_000 });
    expect(out[0]?.failures).toBe(5);
  });

  it('is quiet while blocked and fires again after the block expires', () => {
    const evs = [...[0, 1, 2, 3, 4, 5, 6].map((s) => fail('203.0.113.6', s)), ...[700, 701, 702, 703, 704].map((s) => fail('203.0.113.6', s))];
    const out = run({ rules: [RULE] }, evs);
    expect(out.map((f) => f.lastMs - T0)).toEqual([4000, 704_000]);
  });

  it('counts per source and weighs multi-line attempts', () => {
    const evs = [fail('198.51.100.1', 0, { attempts: 3 }), fail('198.51.100.2', 1), fail('198.51.100.1', 2, { attempts: 2 })];
    const out = run({ rules: [RULE] }, evs);
    expect(out.map((f) => f.ip)).toEqual(['198.51.100.1']);
  });

  it('respects the allowlist (CIDR, v4 and v6) and never blocks host names', () => {
    const evs = [
      ...[0, 1, 2, 3, 4].map((s) => fail('10.1.2.3', s)),
      ...[0, 1, 2, 3, 4].map((s) => fail('2001:db8::7', s)),
      ...[0, 1, 2, 3, 4].map((s) => fail('example.com', s, { ip: undefined, source: 'example.com' })),
      ...[0, 1, 2, 3, 4].map((s) => fail('203.0.113.9', s)),
    ];
    const out = run({ rules: [RULE], allowlist: ['10.0.0.0/8', '2001:db8::/32'] }, evs);
    expect(out.map((f) => [f.source, f.block?.ip ?? null])).toEqual([
      ['example.com', null],
      ['203.0.113.9', '203.0.113.9'],
    ]);
  });

  it('applies service filters and several rules independently', () => {
    const rules = [
      { id: 'ssh-fast', failures: 3, windowSeconds: 10, blockSeconds: 60, services: ['sshd' as const] },
      { id: 'any-slow', failures: 6, windowSeconds: 3600, blockSeconds: 86400 },
    ];
    const evs = [0, 1, 2].map((s) => fail('192.0.2.50', s, { service: 'mysql' })).concat([100, 200, 300].map((s) => fail('192.0.2.50', s)));
    const out = run({ rules }, evs);
    expect(out.map((f) => f.bruteForceRuleId)).toEqual(['any-slow']);
  });

  it('raises a serious, separate finding for a success after failures from the same source', () => {
    const evs = [fail('203.0.113.7', 0), fail('203.0.113.7', 5), fail('203.0.113.7', 9), ok('203.0.113.7', 12, 'deploy'), ok('203.0.113.8', 13)];
    const out = run({ rules: [RULE] }, evs);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ ruleId: 'bruteforce.success-after-failures', level: 'serious', ip: '203.0.113.7', successUser: 'deploy', failures: 3 });
    expect(out[0]?.block).toBeUndefined();
  });

  it('bounds memory: sources beyond maxSources are dropped oldest first', () => {
    const d = new BruteForceDetector({ rules: [RULE], maxSources: 100 });
    for (let i = 0; i < 5000; i++) d.observe(fail(`198.18.${i >> 8}.${i & 255}`, i));
    expect(d.trackedSources).toBe(100);
  });

  it('keeps observed failures across reconfigure, and keeps the old config when the new one is bad', () => {
    const d = new BruteForceDetector({ rules: [RULE] });
    for (const s of [0, 1, 2]) d.observe(fail('203.0.113.20', s));
    d.reconfigure({ rules: [{ ...RULE, failures: 4 }] });
    expect(() => d.reconfigure({ rules: [RULE], allowlist: ['bad/99'] })).toThrow(/allowlist/);
    const out = d.observe(fail('203.0.113.20', 3));
    expect(out.map((f) => [f.failures, f.block?.ip])).toEqual([[4, '203.0.113.20']]);
    // The success-after-failures memory survives too.
    expect(d.observe(ok('203.0.113.20', 5)).map((f) => f.ruleId)).toEqual(['bruteforce.success-after-failures']);
  });

  it('forget() lets a source be blocked again by fresh failures only', () => {
    const d = new BruteForceDetector({ rules: [RULE] });
    const hits = [0, 1, 2, 3, 4].flatMap((s) => d.observe(fail('203.0.113.30', s)));
    expect(hits.filter((f) => f.block)).toHaveLength(1);
    d.forget('203.0.113.30');
    expect([5, 6, 7, 8].flatMap((s) => d.observe(fail('203.0.113.30', s)))).toEqual([]);
    expect(d.observe(fail('203.0.113.30', 9)).map((f) => f.block?.ip)).toEqual(['203.0.113.30']);
  });

  it('rejects invalid rules and allowlist entries', () => {
    expect(validateRule({ id: 'x', failures: 0, windowSeconds: 10, blockSeconds: 10 })).not.toEqual([]);
    expect(() => new BruteForceDetector({ rules: [RULE], allowlist: ['10.0.0.0/33'] })).toThrow(/allowlist/);
  });
});

describe('brute force over the fail2ban sshd corpus', () => {
  interface Case { lineNo: number; match: boolean; host?: string; attempts?: number; modes: string[] }
  const cases = JSON.parse(readFileSync(`${DATA}/authlog/sshd-expectations.json`, 'utf8')) as Case[];
  const lines = readFileSync(`${DATA}/authlog/sshd.log`, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const replay = (config: BruteForceConfig): BruteForceFinding[] => {
    const parser = new AuthLogParser({ mode: 'normal', time: { year: 2005, utcOffsetMinutes: 0 } });
    const d = new BruteForceDetector(config);
    return lines.flatMap((l) => parser.feed(l)).flatMap((e) => d.observe(e));
  };

  it('with a 1-failure rule blocks every IP source of the match:true cases and none seen only on match:false lines', () => {
    const normal = cases.filter((c) => c.modes.includes('normal'));
    const expected = new Set(normal.filter((c) => c.match && c.host && isIp(c.host)).map((c) => c.host));
    const out = replay({ rules: [{ id: 'one', failures: 1, windowSeconds: 60, blockSeconds: 365 * 86400 }] });
    const blocked = out.filter((f) => f.block).map((f) => f.block?.ip);
    for (const ip of expected) expect(blocked).toContain(ip);
    // An address whose every line is a normal-mode match:false case must never be blocked.
    const falseLines = new Set(normal.filter((c) => !c.match).map((c) => c.lineNo));
    const allLines = readFileSync(`${DATA}/authlog/sshd.log`, 'utf8').split('\n');
    const onlyFalse = ['192.0.2.113', '192.0.2.1', '192.0.2.6', '192.0.2.3'].filter((ip) =>
      allLines.every((l, i) => !l.includes(` ${ip} `) || l.startsWith('#') || falseLines.has(i + 1)),
    );
    expect(onlyFalse).toContain('192.0.2.113');
    for (const ip of onlyFalse) expect(blocked).not.toContain(ip);
  });

  it('3-in-60s blocks 127.0.0.1 (four failures logged at Sep 29 17:15:02) but not a one-off source', () => {
    const out = replay({ rules: [{ id: 'three', failures: 3, windowSeconds: 60, blockSeconds: 600 }] });
    const blocked = out.flatMap((f) => (f.block ? [f.block.ip] : []));
    expect(blocked).toContain('127.0.0.1');
    expect(blocked).not.toContain('194.117.26.69');
  });

  it('flags the README success-after-failure sequences (192.0.2.114, 192.0.2.116) and not the clean ones', () => {
    const out = replay({ rules: [], successAfterFailures: { minFailures: 3, windowSeconds: 600 } });
    const saf = out.filter((f) => f.ruleId === 'bruteforce.success-after-failures').map((f) => `${f.successUser}@${f.ip}`);
    // 192.0.2.114: 2 attempts (two users) + 1 on the Accepted line; 192.0.2.116: 3 attempts folded into the Accepted line.
    expect(saf.sort()).toEqual(['known@192.0.2.114', 'known@192.0.2.116']);
  });
});
