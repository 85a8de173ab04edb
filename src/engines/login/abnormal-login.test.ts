import { describe, expect, it } from 'vitest';
import { AuthLogParser } from '../bruteforce/auth-log-parser.js';
import { LoginBaselines, type LoginEvent } from './abnormal-login.js';

const day = (d: number, h: number, m = 0): number => Date.UTC(2024, 0, d, h, m);
const login = (user: string, source: string, timeMs: number): LoginEvent => ({ user, source, timeMs });

// Office hours 09-11 UTC from two addresses over ten days.
const history: LoginEvent[] = Array.from({ length: 10 }, (_, i) => login('alice', i % 2 ? '203.0.113.10' : '203.0.113.11', day(i + 1, 9 + (i % 3))));

describe('LoginBaselines', () => {
  it('is silent for a usual source at a usual hour', () => {
    const b = new LoginBaselines();
    b.learnAll(history);
    expect(b.evaluate(login('alice', '203.0.113.10', day(20, 10, 30)))).toEqual([]);
  });

  it('flags a new source IP and an unusual hour separately', () => {
    const b = new LoginBaselines();
    b.learnAll(history);
    expect(b.evaluate(login('alice', '198.51.100.99', day(20, 10))).map((f) => f.ruleId)).toEqual(['login.new-source']);
    expect(b.evaluate(login('alice', '203.0.113.11', day(20, 3))).map((f) => f.ruleId)).toEqual(['login.unusual-time']);
    // An hour next to a learned one is within the slack.
    expect(b.evaluate(login('alice', '203.0.113.11', day(20, 12)))).toEqual([]);
  });

  it('judges hours in the configured local time', () => {
    const b = new LoginBaselines({ utcOffsetMinutes: 8 * 60 });
    b.learnAll(history); // 17-19 local
    expect(b.evaluate(login('alice', '203.0.113.10', day(20, 10)))).toEqual([]);
    expect(b.evaluate(login('alice', '203.0.113.10', day(20, 1)))[0]).toMatchObject({ ruleId: 'login.unusual-time', localHour: 9 });
  });

  it('waits for the minimum history before judging sources and hours', () => {
    const b = new LoginBaselines({ minHistory: 5 });
    b.learnAll(history.slice(0, 4));
    expect(b.evaluate(login('alice', '198.51.100.1', day(20, 3)))).toEqual([]);
    expect(b.evaluate(login('bob', '198.51.100.1', day(20, 3)))).toEqual([]);
  });

  it('flags a non-allowlisted source at once when an allowlist is set, regardless of history', () => {
    const b = new LoginBaselines({ allowlists: { root: ['10.0.0.0/8', '2001:db8::/32'] } });
    expect(b.evaluate(login('root', '10.2.3.4', day(1, 3)))).toEqual([]);
    expect(b.evaluate(login('root', '2001:db8::5', day(1, 3)))).toEqual([]);
    expect(b.evaluate(login('root', '198.51.100.7', day(1, 3)))).toMatchObject([{ ruleId: 'login.not-allowlisted', level: 'serious' }]);
    expect(() => new LoginBaselines({ allowlists: { x: ['nonsense'] } })).toThrow(/allowlist/);
  });

  it('observe() learns as it goes: the second login from a new place is no longer new', () => {
    const b = new LoginBaselines();
    b.learnAll(history);
    expect(b.observe(login('alice', '198.51.100.50', day(21, 10)))).toHaveLength(1);
    expect(b.observe(login('alice', '198.51.100.50', day(22, 10)))).toEqual([]);
    expect(b.baseline('alice')?.logins).toBe(12);
  });

  it('takes its events from sshd Accepted lines', () => {
    const p = new AuthLogParser({ time: { year: 2024, utcOffsetMinutes: 0 } });
    const lines = Array.from({ length: 6 }, (_, i) => `Jan  ${i + 1} 09:1${i}:00 h sshd[${100 + i}]: Accepted publickey for deploy from 203.0.113.20 port 5000${i} ssh2: ED25519 SHA256:x`);
    lines.push('Jan  9 03:00:00 h sshd[200]: Accepted password for deploy from 198.51.100.5 port 40000 ssh2');
    const b = new LoginBaselines();
    const found = lines
      .flatMap((l) => p.feed(l))
      .filter((e) => e.kind === 'success')
      .flatMap((e) => b.observe({ user: e.user ?? '', source: e.source, timeMs: e.timeMs }));
    expect(found.map((f) => f.ruleId)).toEqual(['login.new-source', 'login.unusual-time']);
  });

  it('applies host-wide usual IPs, accounts and time windows (Sas login_common_*) without any history', () => {
    const b = new LoginBaselines({ commonIps: ['10.0.0.0/8'], commonAccounts: ['deploy'], commonTimes: [{ start: '22:00', end: '06:00:00' }] });
    expect(b.evaluate(login('deploy', '10.1.2.3', day(5, 23, 30)))).toEqual([]);
    expect(b.evaluate(login('deploy', '10.1.2.3', day(5, 5, 59)))).toEqual([]);
    const f = b.evaluate(login('root', '127.0.0.2', day(5, 12)));
    expect(f.map((x) => [x.ruleId, x.level])).toEqual([
      ['login.not-allowlisted', 'serious'],
      ['login.unusual-account', 'suspicious'],
      ['login.unusual-time', 'suspicious'],
    ]);
    expect(() => new LoginBaselines({ commonTimes: [{ start: '25:00', end: '01:00' }] })).toThrow(/common login time/);
    expect(() => new LoginBaselines({ commonIps: ['not-an-ip'] })).toThrow(/common login IPs/);
  });

  it('round-trips learned baselines through export/import', () => {
    const a = new LoginBaselines();
    a.learnAll(history);
    const b = new LoginBaselines();
    b.importBaselines(JSON.parse(JSON.stringify(a.exportBaselines())));
    expect(b.evaluate(login('alice', '198.51.100.99', day(20, 10))).map((x) => x.ruleId)).toEqual(['login.new-source']);
    b.importBaselines([{ user: 5 }, 'junk']);
    expect(b.baseline('alice')?.logins).toBe(10);
  });
});
