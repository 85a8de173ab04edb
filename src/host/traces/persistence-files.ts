/**
 * The places that start programs again after a reboot or login — cron tables, systemd units, rc
 * scripts, authorized_keys — read as bounded text files. One collector for the intrusion-trace
 * report and the miner engine's persistence search.
 */
import { join } from 'node:path';
import type { HostTextFile, PersistenceSnapshot } from '../../engines/traces/trace-snapshot.js';
import { readTextFile, tryLstat, tryReaddir } from './fs-bounded.js';

export const UNIT_DIRS = ['/etc/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
export const UNIT_RE = /\.(service|timer|socket|path)$/;
/** Entries read per directory (a cron.d or init.d with thousands of files is cut, not walked). */
const MAX_FILES_PER_DIR = 1000;

export interface PersistenceFileOptions {
  /** Lines kept per file (default 500). */
  maxLines?: number;
  /** Home directories whose ~/.ssh/authorized_keys* are read, besides /root and /home/*. */
  homes?: readonly string[];
}

/** The persistence files of the host under `root` (default `/`); display paths are root-relative. */
export function collectPersistenceFiles(root = '/', options: PersistenceFileOptions = {}): PersistenceSnapshot {
  const at = (p: string): string => join(root, p);
  const maxLines = options.maxLines ?? 500;
  const read = (paths: readonly string[]): HostTextFile[] => paths.map((p) => readTextFile(at(p), p, maxLines)).filter((f): f is HostTextFile => f !== null);
  const list = (dir: string, keep: (name: string) => boolean = () => true): string[] =>
    tryReaddir(at(dir))
      .filter(keep)
      .slice(0, MAX_FILES_PER_DIR)
      .map((n) => `${dir}/${n}`);

  const cron = read([
    '/etc/crontab',
    ...list('/etc/cron.d'),
    ...list('/var/spool/cron/crontabs'),
    // RHEL keeps user crontabs directly in /var/spool/cron; at(1)'s queues are not cron tables.
    ...list('/var/spool/cron', (n) => n !== 'crontabs' && n !== 'atjobs' && n !== 'atspool'),
  ]);
  const systemdUnits: HostTextFile[] = [];
  const seen = new Set<string>();
  for (const dir of UNIT_DIRS) {
    if (!tryLstat(at(dir))?.isDirectory()) continue;
    for (const f of read(list(dir, (n) => UNIT_RE.test(n)))) {
      if (seen.has(f.path)) continue;
      seen.add(f.path);
      systemdUnits.push(f);
    }
  }
  const rcScripts = read(['/etc/rc.local', ...list('/etc/init.d')]);
  const homes = new Set(['/root', ...list('/home'), ...(options.homes ?? []).filter((h) => h.startsWith('/'))]);
  const authorizedKeys = read([...homes].slice(0, MAX_FILES_PER_DIR).flatMap((h) => [`${h}/.ssh/authorized_keys`, `${h}/.ssh/authorized_keys2`]));
  return { cron, systemdUnits, rcScripts, authorizedKeys };
}
