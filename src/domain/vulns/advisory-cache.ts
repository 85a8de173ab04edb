/**
 * Advisory indexes per OS ecosystem, built once from the store and reused for every host until the
 * DB version changes (an import anywhere, even from another process, bumps it).
 */
import type { Kysely } from 'kysely';
import { buildAdvisoryIndex, parseOsvRecord, type Advisory, type AdvisoryIndex } from '../../engines/vulnmatch/index.js';
import type { Database } from '../../store/schema.js';

export interface AdvisoryMeta {
  id: string;
  summary: string;
  details: string;
  severity: string;
  cvssScore?: number;
  vector: string;
  cves: string[];
}

export interface EcosystemIndex {
  version: number;
  index: AdvisoryIndex;
  meta: Map<string, AdvisoryMeta>;
}

export class AdvisoryCache {
  private readonly byEco = new Map<string, EcosystemIndex>();
  private kev: { version: number; set: ReadonlySet<string> } | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  async index(ecosystemKey: string, version: number): Promise<EcosystemIndex> {
    const cached = this.byEco.get(ecosystemKey);
    if (cached && cached.version === version) return cached;
    const rows = await this.db
      .selectFrom('vul_advisories')
      .select(['id', 'record_json', 'severity', 'cvss_vector', 'cvss_score10', 'summary'])
      .where('withdrawn', '=', 0)
      .where('id', 'in', (qb) => qb.selectFrom('vul_affected').select('advisory_id').where('ecosystem_key', '=', ecosystemKey))
      .execute();
    const advisories: Advisory[] = [];
    const meta = new Map<string, AdvisoryMeta>();
    for (const r of rows) {
      let a: Advisory;
      try {
        a = parseOsvRecord(r.record_json);
      } catch {
        continue; // Stored records were validated on import; a record the parser now refuses is skipped.
      }
      advisories.push(a);
      meta.set(a.id, {
        id: a.id,
        summary: r.summary,
        details: a.details ?? '',
        severity: r.severity,
        ...(r.cvss_score10 >= 0 ? { cvssScore: r.cvss_score10 / 10 } : {}),
        vector: r.cvss_vector,
        cves: a.cves,
      });
    }
    const built: EcosystemIndex = { version, index: buildAdvisoryIndex(advisories), meta };
    this.byEco.set(ecosystemKey, built);
    return built;
  }

  async kevSet(version: number): Promise<ReadonlySet<string>> {
    if (this.kev && this.kev.version === version) return this.kev.set;
    const rows = await this.db.selectFrom('vul_kev').select('cve_id').execute();
    const set = new Set(rows.map((r) => r.cve_id));
    this.kev = { version, set };
    return set;
  }
}
