import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { OPEN_STATUSES } from './vul-status.js';

export interface HostVulCounts {
  asap: number;
  later: number;
  nntf: number;
}

/** Open vulnerability findings per host, by urgency (asap / later / nntf): exposure views and instance statistics. */
export async function openVulCounts(db: Kysely<Database>, accountId: string, uuids: readonly string[]): Promise<Map<string, HostVulCounts>> {
  const out = new Map<string, HostVulCounts>();
  if (uuids.length === 0) return out;
  const rows = await db
    .selectFrom('vul_findings')
    .select(['uuid', 'necessity', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', accountId)
    .where('uuid', 'in', [...new Set(uuids)])
    .where('status', 'in', [...OPEN_STATUSES])
    .groupBy(['uuid', 'necessity'])
    .execute();
  for (const r of rows) {
    const c = out.get(r.uuid) ?? { asap: 0, later: 0, nntf: 0 };
    if (r.necessity === 'asap' || r.necessity === 'later' || r.necessity === 'nntf') c[r.necessity] += Number(r.n);
    out.set(r.uuid, c);
  }
  return out;
}
