/**
 * Related processes of a finding: the host's running processes that map a file of a vulnerable
 * package (the agent joins /proc/<pid>/maps with dpkg's file lists into SoftwareItem.pids; the
 * process names and paths come from the same inventory snapshot).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { OS_PACKAGE_SOURCES } from './host-ecosystem.js';

export interface RelatedProcess {
  package: string;
  pid: number;
  name: string;
  path: string;
}

function pidsOf(dataJson: string): number[] {
  try {
    const d = JSON.parse(dataJson) as { pids?: unknown };
    return Array.isArray(d.pids) ? d.pids.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}

export async function relatedProcesses(db: Kysely<Database>, accountId: string, uuid: string, packages: string[]): Promise<RelatedProcess[]> {
  if (packages.length === 0) return [];
  const sw = await db
    .selectFrom('asset_items')
    .select(['name', 'data_json'])
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .where('kind', '=', 'software')
    .where('detail', 'in', [...OS_PACKAGE_SOURCES])
    .where('name', 'in', packages.slice(0, 500))
    .execute();
  const wanted = sw.flatMap((s) => pidsOf(s.data_json).map((pid) => ({ package: s.name, pid })));
  if (wanted.length === 0) return [];
  const procs = await db
    .selectFrom('asset_items')
    .select(['pid', 'name', 'path'])
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .where('kind', '=', 'process')
    .where('pid', 'in', [...new Set(wanted.map((w) => w.pid))].slice(0, 5000))
    .execute();
  const byPid = new Map(procs.map((p) => [Number(p.pid), p]));
  return wanted.flatMap((w) => {
    const p = byPid.get(w.pid);
    return p ? [{ package: w.package, pid: w.pid, name: p.name, path: p.path }] : [];
  });
}
