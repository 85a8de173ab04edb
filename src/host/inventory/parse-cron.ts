import type { CronItem } from './inventory-types.js';

const MAX_CRON_LINES = 2000;
const SCHEDULE = /^(@[a-z]+|\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.+)$/;
const USER_THEN_COMMAND = /^(\S+)\s+(.+)$/;

/**
 * Parse a crontab. System crontabs (/etc/crontab, /etc/cron.d/*) carry a user field after the
 * schedule; per-user spool crontabs do not (`spoolUser` is the owner then).
 */
export function parseCrontab(text: string, source: string, spoolUser?: string): CronItem[] {
  const out: CronItem[] = [];
  for (const raw of text.split('\n').slice(0, MAX_CRON_LINES)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // Environment assignments (SHELL=/bin/sh, MAILTO="x") are not jobs.
    if (/^[A-Za-z_][A-Za-z0-9_]*\s*=/.test(line)) continue;
    const m = SCHEDULE.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const period = m[1].replace(/\s+/g, ' ');
    if (spoolUser !== undefined) {
      out.push({ source, user: spoolUser, period, command: m[2] });
      continue;
    }
    const u = USER_THEN_COMMAND.exec(m[2]);
    if (!u?.[1] || !u[2]) continue;
    out.push({ source, user: u[1], period, command: u[2] });
  }
  return out;
}
