import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.js';
import { openVulCounts } from '../vulns/open-vul-counts.js';

/** Per-host risk counts behind DescribeInstanceStatistics, read from the vuln, baseline and alert tables. */
export interface InstanceStats {
  uuid: string;
  /** Open vulnerabilities (all of Vigil's are OS-package "cve" findings today). */
  vul: number;
  cve: number;
  cveAsap: number;
  /** Failed baseline checks, and those of the weak-password category. */
  health: number;
  weakPw: number;
  /** Alerts not dealt with (pending or handling), by level and by kind. */
  suspicious: number;
  serious: number;
  suspect: number;
  remind: number;
  trojan: number;
  account: number;
}

/** Sas EventStatus of alerts still to deal with: 1 pending, 16 handling. */
const OPEN_ALERT = [1, 16];
const TROJAN_RULES = ['webshell', 'yara:'];
const ACCOUNT_RULES = ['login.', 'bruteforce.'];

function bump(map: Map<string, InstanceStats>, uuid: string, f: (s: InstanceStats) => void): void {
  const s = map.get(uuid);
  if (s) f(s);
}

export async function instanceStatistics(db: Kysely<Database>, accountId: string, uuids: string[]): Promise<InstanceStats[]> {
  if (uuids.length === 0) return [];
  const known = await db.selectFrom('asset_instances').select('uuid').where('account_id', '=', accountId).where('uuid', 'in', uuids).execute();
  const knownSet = new Set(known.map((k) => k.uuid));
  const ordered = uuids.filter((u) => knownSet.has(u));
  if (ordered.length === 0) return [];
  const out = new Map<string, InstanceStats>(
    ordered.map((uuid) => [uuid, { uuid, vul: 0, cve: 0, cveAsap: 0, health: 0, weakPw: 0, suspicious: 0, serious: 0, suspect: 0, remind: 0, trojan: 0, account: 0 }]),
  );

  for (const [uuid, c] of await openVulCounts(db, accountId, ordered)) {
    bump(out, uuid, (s) => {
      s.vul += c.asap + c.later + c.nntf;
      s.cve += c.asap + c.later + c.nntf;
      s.cveAsap += c.asap;
    });
  }

  const base = await db
    .selectFrom('baseline_warnings as w')
    .leftJoin('baseline_checks as c', (j) => j.onRef('c.account_id', '=', 'w.account_id').onRef('c.risk_id', '=', 'w.risk_id').onRef('c.check_id', '=', 'w.check_id'))
    .select(['w.uuid as uuid', 'c.category as category', (eb) => eb.fn.countAll<number>().as('n')])
    .where('w.account_id', '=', accountId)
    .where('w.uuid', 'in', ordered)
    .where('w.status', '=', 1)
    .groupBy(['w.uuid', 'c.category'])
    .execute();
  for (const r of base) {
    const n = Number(r.n);
    bump(out, r.uuid, (s) => {
      s.health += n;
      if (r.category === 'weak_password') s.weakPw += n;
    });
  }

  const alerts = await db
    .selectFrom('alerts')
    .select(['uuid', 'level', 'rule_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', accountId)
    .where('uuid', 'in', ordered)
    .where('status', 'in', OPEN_ALERT)
    .groupBy(['uuid', 'level', 'rule_id'])
    .execute();
  for (const r of alerts) {
    const n = Number(r.n);
    bump(out, r.uuid, (s) => {
      s.suspicious += n;
      if (r.level === 'serious') s.serious += n;
      else if (r.level === 'suspicious') s.suspect += n;
      else if (r.level === 'remind') s.remind += n;
      if (TROJAN_RULES.some((p) => r.rule_id.startsWith(p))) s.trojan += n;
      if (ACCOUNT_RULES.some((p) => r.rule_id.startsWith(p))) s.account += n;
    });
  }
  return ordered.map((u) => out.get(u) as InstanceStats);
}
