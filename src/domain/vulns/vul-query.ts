/** Read side of the findings: per-host records (DescribeVulList) and per-advisory groups (DescribeGroupedVul). */
import type { Kysely } from 'kysely';
import type { Database, VulFindingsTable } from '../../store/schema.js';
import { HANDLED_STATUSES, OPEN_STATUSES } from './vul-status.js';
import { vulTypeOfEcosystem, type FindingVulType } from './vul-types.js';

export interface FindingFilter {
  uuids?: string[];
  names?: string[];
  aliasName?: string;
  necessity?: string[];
  statuses?: number[];
  dealed?: 'y' | 'n';
  cveId?: string;
  tags?: string[];
  /** Scan settings: hosts switched off, urgency levels shown, real risks only (asap or exploit). */
  excludeUuids?: string[];
  levels?: string[];
  realOnly?: boolean;
  /** Sas types of the findings (by their ecosystem); default cve only. */
  types?: readonly FindingVulType[];
}

export interface AdvisoryInfo {
  id: string;
  summary: string;
  severity: string;
  cves: string[];
  cvssScore?: number;
  vector: string;
  published: string;
}

export interface HostRecord {
  uuid: string;
  /** Sas Type: cve, app, cms (findings) or emg (baseline results). */
  type: string;
  /** emg: ip:port of the open services; proof text. */
  target?: string;
  emgProof?: string;
  advisory: AdvisoryInfo;
  status: number;
  necessity: string;
  necessityFactors: Record<string, string>;
  tags: string[];
  firstTs: number;
  lastTs: number;
  modifyTs: number;
  repairTs: number;
  primaryId: number;
  reason: string;
  resultCode: string;
  resultMessage: string;
  packages: Array<Pick<VulFindingsTable, 'package' | 'installed_version' | 'fixed_version' | 'advisory_package' | 'ecosystem' | 'status' | 'kernel'>>;
}

export interface GroupRow {
  advisory: AdvisoryInfo;
  asap: number;
  later: number;
  nntf: number;
  handled: number;
  tags: string[];
  first: number;
  last: number;
}

/** Record status when one advisory hits several packages of a host: the most pressing one. */
const STATUS_ORDER = [1, 2, 4, 5, 6, 3, 8, 11, 10, 7, 9, 12, 20];
const NECESSITY_ORDER = ['asap', 'later', 'nntf'];

function rank<T>(order: readonly T[], v: T): number {
  const i = order.indexOf(v);
  return i < 0 ? order.length : i;
}

async function findingRows(db: Kysely<Database>, accountId: string, f: FindingFilter): Promise<VulFindingsTable[]> {
  let q = db.selectFrom('vul_findings').selectAll().where('account_id', '=', accountId);
  if (f.uuids?.length) q = q.where('uuid', 'in', f.uuids);
  if (f.names?.length) q = q.where('advisory_id', 'in', f.names);
  if (f.necessity?.length) q = q.where('necessity', 'in', f.necessity);
  if (f.statuses?.length) q = q.where('status', 'in', f.statuses);
  if (f.dealed === 'n') q = q.where('status', 'in', [...OPEN_STATUSES]);
  if (f.dealed === 'y') q = q.where('status', 'in', [...HANDLED_STATUSES]);
  if (f.excludeUuids?.length) q = q.where('uuid', 'not in', f.excludeUuids);
  // Bounded: a page view never needs more than this many package rows of one account.
  return q.orderBy('id').limit(200_000).execute();
}

async function advisories(db: Kysely<Database>, ids: string[]): Promise<Map<string, AdvisoryInfo>> {
  const out = new Map<string, AdvisoryInfo>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('vul_advisories').select(['id', 'summary', 'severity', 'cves_json', 'cvss_score10', 'cvss_vector', 'published']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) {
      out.set(r.id, { id: r.id, summary: r.summary, severity: r.severity, cves: JSON.parse(r.cves_json) as string[], ...(r.cvss_score10 >= 0 ? { cvssScore: r.cvss_score10 / 10 } : {}), vector: r.cvss_vector, published: r.published });
    }
  }
  return out;
}

function matchesText(a: AdvisoryInfo, f: FindingFilter): boolean {
  if (f.aliasName && !`${a.id} ${a.summary}`.toLowerCase().includes(f.aliasName.toLowerCase())) return false;
  if (f.cveId && !a.cves.some((c) => c.toLowerCase() === f.cveId?.toLowerCase())) return false;
  return true;
}

export async function hostRecords(db: Kysely<Database>, accountId: string, f: FindingFilter): Promise<HostRecord[]> {
  const types = f.types ?? ['cve'];
  const rows = (await findingRows(db, accountId, f)).filter((r) => types.includes(vulTypeOfEcosystem(r.ecosystem)));
  const info = await advisories(db, [...new Set(rows.map((r) => r.advisory_id))]);
  const groups = new Map<string, VulFindingsTable[]>();
  for (const r of rows) {
    const k = `${r.uuid}\u0000${r.advisory_id}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const out: HostRecord[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (!first) continue;
    const a = info.get(first.advisory_id) ?? { id: first.advisory_id, summary: '', severity: 'unknown', cves: [], vector: '', published: '' };
    if (!matchesText(a, f)) continue;
    const tags = [...new Set(list.flatMap((r) => (r.tags ? r.tags.split(',') : [])))];
    if (f.tags?.length && !f.tags.some((t) => tags.includes(t))) continue;
    if (f.levels && !list.some((r) => f.levels?.includes(r.necessity))) continue;
    if (f.realOnly && !list.some((r) => r.necessity === 'asap') && !tags.includes('exploit-exists')) continue;
    const lead = [...list].sort((x, y) => rank(STATUS_ORDER, x.status) - rank(STATUS_ORDER, y.status))[0] ?? first;
    const urgent = [...list].sort((x, y) => rank(NECESSITY_ORDER, x.necessity) - rank(NECESSITY_ORDER, y.necessity))[0] ?? first;
    out.push({
      uuid: first.uuid,
      type: vulTypeOfEcosystem(first.ecosystem),
      advisory: a,
      status: lead.status,
      necessity: urgent.necessity,
      necessityFactors: JSON.parse(urgent.necessity_json) as Record<string, string>,
      tags,
      firstTs: Math.min(...list.map((r) => r.first_ts)),
      lastTs: Math.max(...list.map((r) => r.last_ts)),
      modifyTs: Math.max(...list.map((r) => r.modify_ts)),
      repairTs: Math.max(...list.map((r) => r.repair_ts ?? 0)),
      primaryId: Math.min(...list.map((r) => r.id)),
      reason: lead.reason,
      resultCode: lead.result_code,
      resultMessage: lead.result_message,
      packages: list.map((r) => ({ package: r.package, installed_version: r.installed_version, fixed_version: r.fixed_version, advisory_package: r.advisory_package, ecosystem: r.ecosystem, status: r.status, kernel: r.kernel })),
    });
  }
  return out;
}

export async function groupedRecords(db: Kysely<Database>, accountId: string, f: FindingFilter): Promise<GroupRow[]> {
  // Necessity filters the counted hosts, not the groups' membership.
  const records = await hostRecords(db, accountId, { ...f, necessity: [] });
  const groups = new Map<string, GroupRow>();
  for (const r of records) {
    let g = groups.get(r.advisory.id);
    if (!g) {
      g = { advisory: r.advisory, asap: 0, later: 0, nntf: 0, handled: 0, tags: [], first: r.firstTs, last: r.lastTs };
      groups.set(r.advisory.id, g);
    }
    g.first = Math.min(g.first, r.firstTs);
    g.last = Math.max(g.last, r.lastTs);
    for (const t of r.tags) if (!g.tags.includes(t)) g.tags.push(t);
    if (HANDLED_STATUSES.includes(r.status)) g.handled++;
    else if (r.necessity === 'asap') g.asap++;
    else if (r.necessity === 'later') g.later++;
    else g.nntf++;
  }
  let out = [...groups.values()];
  if (f.necessity?.length) {
    const want = new Set(f.necessity);
    out = out.filter((g) => (want.has('asap') && g.asap > 0) || (want.has('later') && g.later > 0) || (want.has('nntf') && g.nntf > 0));
  }
  return out.sort((x, y) => y.asap - x.asap || y.later - x.later || y.nntf - x.nntf || (x.advisory.id < y.advisory.id ? -1 : 1));
}
