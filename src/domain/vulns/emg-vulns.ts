/**
 * Emergency vulnerabilities (DescribeVulList Type emg): services that serve unauthenticated clients
 * or accept an empty password, read from the latest baseline results of the weak-password policy
 * (src/agent/baseline-scan.ts runs the probes; nothing is probed again here).
 */
import type { Kysely } from 'kysely';
import { WEAKPASS_CHECKS, WEAKPASS_POLICY_ID } from '../baseline/baseline-types.js';
import type { Database } from '../../store/schema.js';
import type { FindingFilter, HostRecord } from './vul-query.js';
import { HANDLED_STATUSES, OPEN_STATUSES, VUL_STATUS } from './vul-status.js';
import { EMG_VUL_TYPE } from './vul-types.js';

/** Weak-password checks that have an emergency form, with the emg name and its title. */
export const EMG_CHECKS: ReadonlyArray<{ checkId: number; name: string; title: string }> = [
  { checkId: WEAKPASS_CHECKS.redis, name: 'emg:redis-unauth', title: 'Redis unauthorized access' },
  { checkId: WEAKPASS_CHECKS.postgresql, name: 'emg:postgresql-trust', title: 'PostgreSQL accepts network clients without a password (trust)' },
  { checkId: WEAKPASS_CHECKS.mysql, name: 'emg:mysql-empty-password', title: 'MySQL/MariaDB account with an empty password' },
  { checkId: WEAKPASS_CHECKS.mongodb, name: 'emg:mongodb-unauth', title: 'MongoDB unauthorized access' },
  { checkId: WEAKPASS_CHECKS.memcached, name: 'emg:memcached-unauth', title: 'Memcached unauthorized access' },
  { checkId: WEAKPASS_CHECKS.elasticsearch, name: 'emg:elasticsearch-unauth', title: 'Elasticsearch unauthorized access' },
];

/** Finding kinds (evidence rule "<service> <kind>", src/engines/weakpass) that make a failure an emergency. */
const EMG_KINDS = new Set(['unauthorized_access', 'empty_password', 'trust_authentication']);
/** Baseline warning statuses (src/domain/baseline/baseline-service.ts STATUS). */
const BL_FAILED = 1;
const BL_IGNORED = 6;

function emgKinds(evidenceJson: string): string[] {
  try {
    const ev = JSON.parse(evidenceJson) as unknown;
    if (!Array.isArray(ev)) return [];
    return ev.flatMap((e: unknown) => {
      const rule = typeof e === 'object' && e !== null ? (e as { rule?: unknown }).rule : undefined;
      const kind = typeof rule === 'string' ? rule.split(' ').pop() : undefined;
      return kind && EMG_KINDS.has(kind) ? [kind] : [];
    });
  } catch {
    return [];
  }
}

/**
 * One record per host and emg check with a stored result: unfixed (1) while the latest result fails
 * with an unauthenticated / empty-password / trust finding (or the check failed as
 * unauthorized_access), ignored (10) when that failure's baseline warning is ignored, fixed (7)
 * otherwise — a pass, or a failure that is only a weak (non-empty) password.
 */
export async function emgRecords(db: Kysely<Database>, accountId: string, f: FindingFilter): Promise<HostRecord[]> {
  const byCheck = new Map(EMG_CHECKS.map((c) => [c.checkId, c]));
  let q = db
    .selectFrom('baseline_warnings as w')
    .innerJoin('baseline_risks as r', (j) => j.onRef('r.account_id', '=', 'w.account_id').onRef('r.risk_id', '=', 'w.risk_id'))
    .leftJoin('baseline_checks as c', (j) => j.onRef('c.account_id', '=', 'w.account_id').onRef('c.risk_id', '=', 'w.risk_id').onRef('c.check_id', '=', 'w.check_id'))
    .select(['w.id', 'w.uuid', 'w.check_id', 'w.status', 'w.reason', 'w.evidence_json', 'w.targets', 'w.ignore_reason', 'w.first_seen', 'w.last_seen', 'c.category'])
    .where('w.account_id', '=', accountId)
    .where('r.policy_id', '=', WEAKPASS_POLICY_ID)
    .where('w.check_id', 'in', [...byCheck.keys()]);
  if (f.uuids?.length) q = q.where('w.uuid', 'in', f.uuids);
  if (f.excludeUuids?.length) q = q.where('w.uuid', 'not in', f.excludeUuids);
  const rows = await q.orderBy('w.id').limit(100_000).execute();
  const out: HostRecord[] = [];
  for (const w of rows) {
    const check = byCheck.get(w.check_id);
    if (!check) continue;
    const kinds = emgKinds(w.evidence_json);
    const failing = w.status === BL_FAILED || w.status === BL_IGNORED;
    const emergency = failing && (kinds.length > 0 || w.category === 'unauthorized_access');
    const status = !emergency ? VUL_STATUS.fixed : w.status === BL_IGNORED ? VUL_STATUS.ignored : VUL_STATUS.unfixed;
    const necessity = emergency ? 'asap' : 'nntf';
    if (f.names?.length && !f.names.includes(check.name)) continue;
    if (f.statuses?.length && !f.statuses.includes(status)) continue;
    if (f.necessity?.length && !f.necessity.includes(necessity)) continue;
    if (f.dealed === 'n' && !OPEN_STATUSES.includes(status)) continue;
    if (f.dealed === 'y' && !HANDLED_STATUSES.includes(status)) continue;
    if (f.aliasName && !`${check.name} ${check.title}`.toLowerCase().includes(f.aliasName.toLowerCase())) continue;
    if (f.levels && emergency && !f.levels.includes(necessity)) continue;
    const tags = ['emg', ...new Set(kinds)];
    if (f.tags?.length && !f.tags.some((t) => tags.includes(t))) continue;
    out.push({
      uuid: w.uuid,
      type: EMG_VUL_TYPE,
      target: w.targets,
      emgProof: emergency ? w.reason : '',
      advisory: { id: check.name, summary: check.title, severity: 'high', cves: [], vector: '', published: '' },
      status,
      necessity,
      necessityFactors: {},
      tags,
      firstTs: Number(w.first_seen),
      lastTs: Number(w.last_seen),
      modifyTs: Number(w.last_seen),
      repairTs: status === VUL_STATUS.fixed ? Number(w.last_seen) : 0,
      primaryId: Number(w.id),
      reason: w.ignore_reason,
      resultCode: '',
      resultMessage: '',
      packages: [],
    });
  }
  return out;
}
