/**
 * Application packages (pip/npm/jar) and CMS cores of one stored inventory, matched against the
 * PyPI, npm, Maven and CMS advisories (DescribeVulList Type app / cms).
 */
import type { Kysely } from 'kysely';
import { matchAppPackages, parseEcosystem, type AdvisoryMatch, type AppPackage } from '../../engines/vulnmatch/index.js';
import type { Database } from '../../store/schema.js';
import type { AdvisoryCache, AdvisoryMeta } from './advisory-cache.js';
import { APP_SOURCE_ECOSYSTEMS, CMS_SOURCE, cmsEcosystem } from './vul-types.js';

export async function hostAppPackages(db: Kysely<Database>, accountId: string, uuid: string): Promise<AppPackage[]> {
  const rows = await db
    .selectFrom('asset_items')
    .select(['name', 'version', 'detail'])
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .where('kind', '=', 'software')
    .where('detail', 'in', [...Object.keys(APP_SOURCE_ECOSYSTEMS), CMS_SOURCE])
    .execute();
  const out: AppPackage[] = [];
  for (const r of rows) {
    const ecosystem = r.detail === CMS_SOURCE ? cmsEcosystem(r.name) : APP_SOURCE_ECOSYSTEMS[r.detail];
    if (ecosystem && r.version) out.push({ ecosystem, name: r.name, version: r.version });
  }
  return out;
}

/** Matches a host's application packages; advisories are indexed once per ecosystem and DB version. */
export async function matchHostApps(
  db: Kysely<Database>,
  cache: AdvisoryCache,
  accountId: string,
  uuid: string,
  dbVersion: number,
): Promise<{ matches: AdvisoryMatch[]; meta: Map<string, AdvisoryMeta> }> {
  const pkgs = await hostAppPackages(db, accountId, uuid);
  const byEco = new Map<string, AppPackage[]>();
  for (const p of pkgs) {
    const list = byEco.get(p.ecosystem);
    if (list) list.push(p);
    else byEco.set(p.ecosystem, [p]);
  }
  const matches: AdvisoryMatch[] = [];
  const meta = new Map<string, AdvisoryMeta>();
  for (const [eco, list] of byEco) {
    const idx = await cache.index(parseEcosystem(eco).key, dbVersion);
    const found = matchAppPackages(list, idx.index);
    for (const m of found) {
      const a = idx.meta.get(m.advisoryId);
      if (a) meta.set(a.id, a);
    }
    matches.push(...found);
  }
  return { matches, meta };
}
