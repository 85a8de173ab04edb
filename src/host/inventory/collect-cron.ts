import type { HostFs } from './fs-read.js';
import type { CronItem } from './inventory-types.js';
import { parseCrontab } from './parse-cron.js';

const MAX_FILES = 500;
const PERIODIC = ['hourly', 'daily', 'weekly', 'monthly'] as const;
const SPOOL_DIRS = ['/var/spool/cron/crontabs', '/var/spool/cron'];

/** System crontab, /etc/cron.d, per-user spools and the run-parts directories. */
export async function collectCron(fs: HostFs): Promise<CronItem[]> {
  const out: CronItem[] = [];
  const etc = await fs.text('/etc/crontab', 1024 * 1024);
  if (etc !== null) out.push(...parseCrontab(etc, '/etc/crontab'));
  for (const name of (await fs.list('/etc/cron.d')).slice(0, MAX_FILES)) {
    if (name.startsWith('.')) continue;
    const text = await fs.text(`/etc/cron.d/${name}`, 1024 * 1024);
    if (text !== null) out.push(...parseCrontab(text, `/etc/cron.d/${name}`));
  }
  for (const dir of SPOOL_DIRS) {
    for (const user of (await fs.list(dir)).slice(0, MAX_FILES)) {
      if (user.startsWith('.') || user === 'crontabs') continue;
      const text = await fs.text(`${dir}/${user}`, 1024 * 1024, false);
      if (text !== null) out.push(...parseCrontab(text, `${dir}/${user}`, user));
    }
  }
  for (const period of PERIODIC) {
    for (const script of (await fs.list(`/etc/cron.${period}`)).slice(0, MAX_FILES)) {
      if (script.startsWith('.') || script === 'placeholder') continue;
      out.push({ source: `/etc/cron.${period}/${script}`, user: 'root', period, command: `/etc/cron.${period}/${script}` });
    }
  }
  return out;
}
