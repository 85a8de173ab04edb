import { describe, expect, it } from 'vitest';
import { AuthLogParser } from './auth-log-parser.js';
import { IpAllowlist, isLoopbackOrPrivate, parseCidr, parseIp } from './ip.js';
import { parseSyslogLine } from './syslog-line.js';

const time = { year: 2024, utcOffsetMinutes: 0 };

describe('vsftpd, MySQL and PAM lines', () => {
  const parse = (line: string) => new AuthLogParser({ time }).feed(line);

  it('reads vsftpd native FAIL/OK LOGIN lines with their year', () => {
    const [f] = parse('Sun Mar  3 10:00:01 2024 [pid 4242] [bob] FAIL LOGIN: Client "::ffff:203.0.113.20"');
    expect(f).toMatchObject({ kind: 'failure', service: 'vsftpd', ip: '203.0.113.20', user: 'bob', timeMs: Date.UTC(2024, 2, 3, 10, 0, 1) });
    const [s] = parse('Sun Mar  3 10:00:09 2024 [pid 4243] [bob] OK LOGIN: Client "203.0.113.20"');
    expect(s).toMatchObject({ kind: 'success', service: 'vsftpd', ip: '203.0.113.20' });
  });

  it('reads vsftpd PAM failures from syslog', () => {
    const [f] = parse('Mar  3 10:00:01 ftp vsftpd[77]: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=bob rhost=198.51.100.4  user=bob');
    expect(f).toMatchObject({ kind: 'failure', service: 'vsftpd', ip: '198.51.100.4', user: 'bob' });
  });

  it('reads MySQL 8 and MariaDB "Access denied" lines', () => {
    const [m8] = parse("2024-05-01T08:09:10.123456Z 12 [Note] [MY-010926] [Server] Access denied for user 'root'@'198.51.100.9' (using password: YES)");
    expect(m8).toMatchObject({ service: 'mysql', ip: '198.51.100.9', user: 'root', timeMs: Date.UTC(2024, 4, 1, 8, 9, 10) });
    const [maria] = parse("2024-05-01  8:09:11 31 [Warning] Access denied for user 'app'@'localhost' (using password: NO)");
    expect(maria).toMatchObject({ service: 'mysql', source: 'localhost', user: 'app' });
    expect(maria?.ip).toBeUndefined();
    const [sys] = parse("May  1 08:09:12 db mariadbd[900]: 2024-05-01  8:09:12 33 [Warning] Access denied for user 'x'@'192.0.2.77' (using password: YES)");
    expect(sys).toMatchObject({ service: 'mysql', ip: '192.0.2.77' });
  });

  it('cuts hostile long lines and ignores unrelated ones', () => {
    expect(parse(`Mar  3 10:00:01 h sshd[1]: Failed password for ${'x'.repeat(100_000)} from 1.2.3.4 port 22 ssh2`)).toEqual([]);
    expect(parse('Mar  3 10:00:01 h cron[1]: (root) CMD (true)')).toEqual([]);
    expect(parse('garbage')).toEqual([]);
  });

  it('puts a December line read in January into the previous year', () => {
    const rec = parseSyslogLine('Dec 31 23:59:59 h sshd[1]: x', { year: 2025, utcOffsetMinutes: 480, notAfterMs: Date.UTC(2025, 0, 1) });
    expect(rec?.timeMs).toBe(Date.UTC(2024, 11, 31, 15, 59, 59));
  });
});

describe('ip helpers', () => {
  it('parses strictly', () => {
    expect(parseIp('192.030.0.6')).toBeNull();
    expect(parseIp('256.1.1.1')).toBeNull();
    expect(parseIp('::ffff:1.2.3.4')?.text).toBe('1.2.3.4');
    expect(parseIp('aaaa:bbbb:cccc:1234::1:1')?.family).toBe(6);
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('1.2.3.4; rm -rf /')).toBeNull();
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });

  it('matches CIDRs and private ranges', () => {
    const a = new IpAllowlist(['192.168.0.0/16', '2001:db8::/32', '203.0.113.7']);
    expect(a.has('192.168.44.1')).toBe(true);
    expect(a.has('2001:db8:1::1')).toBe(true);
    expect(a.has('203.0.113.7')).toBe(true);
    expect(a.has('203.0.113.8')).toBe(false);
    expect(isLoopbackOrPrivate('10.9.8.7')).toBe(true);
    expect(isLoopbackOrPrivate('8.8.8.8')).toBe(false);
  });
});
