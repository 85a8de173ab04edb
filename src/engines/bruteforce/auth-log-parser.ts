import type { AuthEvent } from './auth-event.js';
import { parseServiceLine, parseServiceRecord } from './service-lines.js';
import { SshdFailureFilter, type SshdFilterOptions } from './sshd-filter.js';
import { parseSyslogLine, type TimeContext } from './syslog-line.js';

export interface AuthLogParserOptions extends SshdFilterOptions {
  time: TimeContext;
  /** Lines longer than this are cut before matching (hostile input bound). Default 4096. */
  maxLineLength?: number;
}

/**
 * Streaming auth-log parser: sshd (with multi-line connection state), vsftpd, MySQL/MariaDB and
 * other PAM services. One instance per log stream; feed lines in order.
 */
export class AuthLogParser {
  private readonly sshd: SshdFailureFilter;
  private readonly maxLine: number;
  private readonly time: TimeContext;

  constructor(options: AuthLogParserOptions) {
    this.sshd = new SshdFailureFilter(options);
    this.maxLine = options.maxLineLength ?? 4096;
    this.time = options.time;
  }

  feed(rawLine: string): AuthEvent[] {
    const line = rawLine.length > this.maxLine ? rawLine.slice(0, this.maxLine) : trimEol(rawLine);
    const rec = parseSyslogLine(line, this.time);
    if (rec) {
      if (SshdFailureFilter.isSshd(rec.program)) return this.sshd.feed(rec, line);
      // Cheap keyword gates before any service regex: most of an auth log is cron/sudo/logind noise.
      if (mayBeServiceRecord(rec.program, rec.message)) {
        const ev = parseServiceRecord(rec);
        if (ev) return [{ ...ev, timeMs: rec.timeMs, line }];
      }
    }
    if (!mayBeServiceLine(line)) return [];
    const svc = parseServiceLine(line, this.time);
    return svc ? [{ ...svc.event, timeMs: svc.timeMs, line }] : [];
  }
}

/** Drops one trailing `\n` or `\r\n` without a regex. */
function trimEol(s: string): string {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 10) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 13 && end < s.length) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Whether parseServiceRecord can match: a PAM auth failure, or a MySQL/vsftpd login line. */
function mayBeServiceRecord(program: string, message: string): boolean {
  return message.includes('authentication failure') || message.includes('Access denied for user') || (program === 'vsftpd' && message.includes(' LOGIN: '));
}

/** Whether parseServiceLine can match: vsftpd's or MySQL's own log formats. */
function mayBeServiceLine(line: string): boolean {
  return line.includes(' LOGIN: Client "') || line.includes('Access denied for user');
}
