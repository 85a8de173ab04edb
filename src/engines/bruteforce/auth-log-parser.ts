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
    const line = rawLine.length > this.maxLine ? rawLine.slice(0, this.maxLine) : rawLine.replace(/\r?\n$/, '');
    const rec = parseSyslogLine(line, this.time);
    if (rec) {
      if (SshdFailureFilter.isSshd(rec.program)) return this.sshd.feed(rec, line);
      const ev = parseServiceRecord(rec);
      if (ev) return [{ ...ev, timeMs: rec.timeMs, line }];
    }
    const svc = parseServiceLine(line, this.time);
    return svc ? [{ ...svc.event, timeMs: svc.timeMs, line }] : [];
  }
}
