/** vsftpd, MySQL/MariaDB and generic PAM authentication lines (single-line, no connection state). */
import type { AuthEvent, AuthService } from './auth-event.js';
import { parseIp } from './ip.js';
import type { SyslogRecord, TimeContext } from './syslog-line.js';

type Partial = Omit<AuthEvent, 'timeMs' | 'line'>;

function withSource(kind: AuthEvent['kind'], service: AuthService, source: string, rule: string, user?: string): Partial {
  const ip = parseIp(source);
  return { kind, service, source: ip ? ip.text : source, ...(ip ? { ip: ip.text } : {}), ...(user ? { user } : {}), attempts: 1, rule };
}

// vsftpd's own log (`vsftpd_log_file`, `dual_log_enable`): `Sun Mar  3 10:00:00 2024 [pid 12] [bob] FAIL LOGIN: Client "1.2.3.4"`.
const VSFTPD_NATIVE = /^\w{3} (?<mon>\w{3}) +(?<day>\d{1,2}) (?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2}) (?<y>\d{4}) \[pid \d+\] (?:\[(?<user>[^\]]*)\] )?(?<res>FAIL|OK) LOGIN: Client "(?<client>[^"]+)"/;
// MySQL 5.7/8 and MariaDB error log: `Access denied for user 'root'@'1.2.3.4' (using password: YES)`.
const MYSQL_DENIED = /Access denied for user '(?<user>(?:[^'\\]|\\.){0,128})'@'(?<host>[^']{1,255})'/;
const MYSQL_TS = /^(?:(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[T ]+(?<h>\d{1,2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.\d+)?(?<z>Z)?|(?<yy>\d{2})(?<mo2>\d{2})(?<d2>\d{2}) +(?<h2>\d{1,2}):(?<mi2>\d{2}):(?<s2>\d{2}))/;
// Any PAM service other than sshd (handled with connection state): vsftpd, proftpd, login …
const PAM_FAILURE = /pam_[a-z]+\((?<svc>[\w-]+):auth\):\s+authentication failure;.*?\brhost=(?<host>\S+)(?:\s+user=(?<user>\S*))?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, offsetMinutes: number): number {
  return Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
}

/** A line from vsftpd's or MySQL's own log file (no syslog header). */
export function parseServiceLine(line: string, ctx: TimeContext): { event: Partial; timeMs: number } | null {
  const v = VSFTPD_NATIVE.exec(line);
  if (v?.groups) {
    const g = v.groups;
    const mo = MONTHS.indexOf(g.mon ?? '') + 1;
    if (mo === 0) return null;
    const timeMs = utc(Number(g.y), mo, Number(g.day), Number(g.h), Number(g.mi), Number(g.s), ctx.utcOffsetMinutes);
    const kind = g.res === 'OK' ? 'success' : 'failure';
    return { event: withSource(kind, 'vsftpd', g.client ?? '', kind === 'success' ? 'vsftpd.ok-login' : 'vsftpd.fail-login', g.user), timeMs };
  }
  const m = MYSQL_DENIED.exec(line);
  if (m?.groups) {
    const t = MYSQL_TS.exec(line)?.groups;
    let timeMs = Number.NaN;
    if (t?.y !== undefined) {
      timeMs = utc(Number(t.y), Number(t.mo), Number(t.d), Number(t.h), Number(t.mi), Number(t.s), t.z === 'Z' ? 0 : ctx.utcOffsetMinutes);
    } else if (t?.yy !== undefined) {
      timeMs = utc(2000 + Number(t.yy), Number(t.mo2), Number(t.d2), Number(t.h2), Number(t.mi2), Number(t.s2), ctx.utcOffsetMinutes);
    }
    if (Number.isNaN(timeMs)) return null;
    return { event: withSource('failure', 'mysql', m.groups.host ?? '', 'mysql.access-denied', m.groups.user), timeMs };
  }
  return null;
}

/** A syslog record from a service other than sshd. */
export function parseServiceRecord(rec: SyslogRecord): Partial | null {
  const p = PAM_FAILURE.exec(rec.message);
  if (p?.groups && p.groups.svc !== 'sshd' && p.groups.host) {
    const service: AuthService = p.groups.svc === 'vsftpd' ? 'vsftpd' : 'pam';
    return withSource('failure', service, p.groups.host, `${service}.pam-failure`, p.groups.user);
  }
  if (/^(?:mysqld|mariadbd|mysql|mariadb)$/.test(rec.program)) {
    const m = MYSQL_DENIED.exec(rec.message);
    if (m?.groups) return withSource('failure', 'mysql', m.groups.host ?? '', 'mysql.access-denied', m.groups.user);
  }
  if (rec.program === 'vsftpd') {
    const v = /(?<res>FAIL|OK) LOGIN: Client "(?<client>[^"]+)"/.exec(rec.message);
    const user = /\[(?<user>[^\]]*)\] (?:FAIL|OK) LOGIN/.exec(rec.message)?.groups?.user;
    if (v?.groups) {
      const kind = v.groups.res === 'OK' ? 'success' : 'failure';
      return withSource(kind, 'vsftpd', v.groups.client ?? '', kind === 'success' ? 'vsftpd.ok-login' : 'vsftpd.fail-login', user);
    }
  }
  return null;
}
