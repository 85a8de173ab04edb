/**
 * Matches one stored host inventory against the advisory DB and writes its findings:
 * status unfixed / fixed-needs-reboot, fixed version, tags and urgency. Ignored and in-progress
 * findings keep their status; findings that no longer match become "fixed" (7).
 */
import type { Kysely, Transaction } from 'kysely';
import { matchInventory, packageLookupNames, parseEcosystem, type AdvisoryMatch, type HostPackage } from '../../engines/vulnmatch/index.js';
import type { Database, VulFindingsTable } from '../../store/schema.js';
import type { AdvisoryCache } from './advisory-cache.js';
import { dbVersion } from './advisory-store.js';
import { matchHostApps } from './host-apps.js';
import { ecosystemOfOsName, OS_PACKAGE_SOURCES } from './host-ecosystem.js';
import { advisoryTags, necessityOf } from './severity.js';
import { OPEN_STATUSES, VUL_STATUS } from './vul-status.js';
import { whitelistApplies } from './vul-whitelist.js';

export interface EvaluationResult {
  ecosystem: string;
  /** Findings matched (in scope, for an incremental evaluation). */
  findings: number;
  /** Only the scope's advisories were judged (false: a full evaluation). */
  incremental: boolean;
}

/**
 * Incremental evaluation after a DB update: only these advisories are judged and only their
 * findings rewritten. Used when the host's stored state is current as of `fromVersion` with its
 * present inventory; otherwise the host is evaluated in full.
 */
export interface EvaluationScope {
  advisories: ReadonlySet<string>;
  fromVersion: number;
}

/** Rows per vul_host_names INSERT (4 columns). */
const NAMES_BATCH = 500;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

async function hostPackages(db: Kysely<Database>, accountId: string, uuid: string): Promise<HostPackage[]> {
  const rows = await db
    .selectFrom('asset_items')
    .select(['name', 'version', 'data_json'])
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .where('kind', '=', 'software')
    .where('detail', 'in', [...OS_PACKAGE_SOURCES])
    .execute();
  return rows.map((r) => {
    let d: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(r.data_json) as unknown;
      if (parsed && typeof parsed === 'object') d = parsed as Record<string, unknown>;
    } catch {
      d = {};
    }
    const source = str(d.sourceName);
    const sourceVersion = str(d.sourceVersion);
    const arch = str(d.arch);
    return { name: r.name, version: r.version, ...(source ? { source } : {}), ...(sourceVersion ? { sourceVersion } : {}), ...(arch ? { arch } : {}) };
  });
}

/** Listens on an address other than loopback (from the stored listening ports). */
async function isExposed(db: Kysely<Database>, accountId: string, uuid: string): Promise<boolean> {
  const rows = await db.selectFrom('asset_items').select('detail').where('account_id', '=', accountId).where('uuid', '=', uuid).where('kind', '=', 'port').execute();
  return rows.some((r) => r.detail !== '' && !r.detail.startsWith('127.') && r.detail !== '::1' && r.detail !== '::ffff:127.0.0.1');
}

/** Rewrites the names the host's packages are looked up by (after a full evaluation of a new inventory). */
async function writeHostNames(tx: Transaction<Database>, accountId: string, uuid: string, ecoKey: string | undefined, names: ReadonlySet<string>): Promise<void> {
  await tx.deleteFrom('vul_host_names').where('account_id', '=', accountId).where('uuid', '=', uuid).execute();
  if (ecoKey === undefined) return;
  const rows = [...names].map((name) => ({ account_id: accountId, uuid, eco_key: ecoKey.slice(0, 200), name: name.slice(0, 512) }));
  // Names longer than the column collapse onto one prefix; keep the first.
  const unique = [...new Map(rows.map((r) => [r.name, r])).values()];
  for (let i = 0; i < unique.length; i += NAMES_BATCH) await tx.insertInto('vul_host_names').values(unique.slice(i, i + NAMES_BATCH)).execute();
}

export async function evaluateHost(db: Kysely<Database>, cache: AdvisoryCache, accountId: string, uuid: string, now = Date.now(), scopeIn?: EvaluationScope): Promise<EvaluationResult> {
  const inst = await db
    .selectFrom('asset_instances')
    .select(['os_name', 'kernel', 'importance', 'last_inventory_at', 'group_id'])
    .where('account_id', '=', accountId)
    .where('uuid', '=', uuid)
    .executeTakeFirst();
  const version = await dbVersion(db);
  const priorState = await db.selectFrom('vul_host_state').select(['inventory_at', 'db_version']).where('account_id', '=', accountId).where('uuid', '=', uuid).executeTakeFirst();
  const inventoryChanged = !priorState || Number(priorState.inventory_at) !== Number(inst?.last_inventory_at ?? 0);
  // An incremental evaluation is exact only on top of a state current with this inventory.
  const scope = scopeIn && !inventoryChanged && Number(priorState?.db_version) === scopeIn.fromVersion ? scopeIn.advisories : undefined;
  const inScope = (advisoryId: string): boolean => scope === undefined || scope.has(advisoryId);
  const ecosystem = inst ? ecosystemOfOsName(inst.os_name) : undefined;
  let matches: AdvisoryMatch[] = [];
  let meta = new Map<string, import('./advisory-cache.js').AdvisoryMeta>();
  let kev: ReadonlySet<string> = new Set();
  let exposed = false;
  let ecoKey: string | undefined;
  const names = new Set<string>();
  if (inst && ecosystem) {
    const eco = parseEcosystem(ecosystem);
    ecoKey = eco.key;
    const idx = await cache.index(eco.key, version);
    meta = idx.meta;
    kev = await cache.kevSet(version);
    const packages = await hostPackages(db, accountId, uuid);
    matches = matchInventory({ osEcosystem: ecosystem, ...(inst.kernel ? { kernelRelease: inst.kernel } : {}), packages }, idx.index, scope ? { onlyAdvisories: scope } : {});
    if (scope) matches = matches.filter((m) => scope.has(m.advisoryId));
    if (inventoryChanged && eco.scheme) for (const p of packages) for (const n of packageLookupNames(eco.scheme, p)) names.add(n);
    exposed = await isExposed(db, accountId, uuid);
  }
  if (inst) {
    // Application packages and CMS cores (Type app / cms) do not need a known OS.
    const apps = await matchHostApps(db, cache, accountId, uuid, version);
    const appMatches = scope ? apps.matches.filter((m) => scope.has(m.advisoryId)) : apps.matches;
    if (appMatches.length > 0) {
      if (!ecosystem) {
        kev = await cache.kevSet(version);
        exposed = await isExposed(db, accountId, uuid);
      }
      meta = new Map([...meta, ...apps.meta]);
      matches = [...matches, ...appMatches];
    }
  }
  const wl = await db.selectFrom('vul_whitelist').select(['name', 'target_info']).where('account_id', '=', accountId).execute();
  const whitelisted = new Set(wl.filter((r) => whitelistApplies(r, uuid, inst?.group_id ?? null)).map((r) => r.name));

  // One finding per (advisory, installed package); several arches of one package collapse.
  const wanted = new Map<string, Omit<VulFindingsTable, 'account_id' | 'uuid' | 'id' | 'first_ts' | 'last_ts' | 'modify_ts' | 'repair_ts' | 'reason' | 'result_code' | 'result_message'>>();
  for (const m of matches) {
    if (whitelisted.has(m.advisoryId)) continue;
    const key = `${m.advisoryId}\u0000${m.package}`;
    if (wanted.has(key)) continue;
    const a = meta.get(m.advisoryId);
    const vector = a?.vector ?? '';
    const tags = advisoryTags({ packages: [m.package, m.advisoryPackage], cves: m.cves, vector, summary: a?.summary ?? '', details: a?.details ?? '', kev });
    const nec = necessityOf({
      severity: a?.severity ?? 'unknown',
      ...(a?.cvssScore !== undefined ? { cvssScore: a.cvssScore } : {}),
      exploitExists: tags.includes('exploit-exists'),
      networkVector: vector === '' || /(^|\/)AV:N(\/|$)/.test(vector),
      exposed,
      importance: inst?.importance ?? 1,
    });
    wanted.set(key, {
      advisory_id: m.advisoryId,
      package: m.package.slice(0, 512),
      advisory_package: m.advisoryPackage.slice(0, 512),
      installed_version: m.installedVersion.slice(0, 256),
      fixed_version: (m.fixedVersion ?? '').slice(0, 256),
      ecosystem: m.ecosystem.slice(0, 200),
      status: m.status === 'fixed-needs-reboot' ? VUL_STATUS.fixedNeedsReboot : VUL_STATUS.unfixed,
      necessity: nec.level,
      necessity_json: JSON.stringify(nec.factors),
      tags: tags.join(','),
      kernel: m.kernel ? 1 : 0,
    });
  }

  await db.transaction().execute(async (tx) => {
    let existingQ = tx.selectFrom('vul_findings').selectAll().where('account_id', '=', accountId).where('uuid', '=', uuid);
    if (scope && scope.size <= 500) existingQ = existingQ.where('advisory_id', 'in', [...scope]);
    const existing = (await existingQ.execute()).filter((r) => inScope(r.advisory_id));
    const byKey = new Map(existing.map((r) => [`${r.advisory_id}\u0000${r.package}`, r]));
    let nextId = 0;
    const seenOnly: number[] = [];
    const inserts: VulFindingsTable[] = [];
    for (const [key, w] of wanted) {
      const prior = byKey.get(key);
      if (!prior) {
        inserts.push({ ...w, account_id: accountId, uuid, id: ++nextId, first_ts: now, last_ts: now, modify_ts: now, repair_ts: null, reason: '', result_code: '', result_message: '' });
        continue;
      }
      // Ignored findings stay ignored and a fix in progress keeps its status until its result comes back.
      const keep = prior.status === VUL_STATUS.ignored || prior.status === VUL_STATUS.fixing;
      const status = keep ? prior.status : w.status;
      const changed = status !== prior.status || w.installed_version !== prior.installed_version || w.fixed_version !== prior.fixed_version;
      const same =
        !changed &&
        w.advisory_package === prior.advisory_package &&
        w.ecosystem === prior.ecosystem &&
        w.necessity === prior.necessity &&
        w.necessity_json === prior.necessity_json &&
        w.tags === prior.tags &&
        w.kernel === prior.kernel;
      if (same) {
        // Only "last seen" moves: batched below (a re-evaluation mostly finds the same findings).
        seenOnly.push(prior.id);
        continue;
      }
      await tx
        .updateTable('vul_findings')
        .set({ ...w, status, last_ts: now, ...(changed ? { modify_ts: now } : {}), ...(status !== prior.status && !keep && prior.status !== VUL_STATUS.verifying ? { result_code: '', result_message: '' } : {}) })
        .where('account_id', '=', accountId)
        .where('uuid', '=', uuid)
        .where('advisory_id', '=', prior.advisory_id)
        .where('package', '=', prior.package)
        .execute();
    }
    if (inserts.length > 0) {
      const maxRow = await tx.selectFrom('vul_findings').select((eb) => eb.fn.max('id').as('m')).where('account_id', '=', accountId).executeTakeFirst();
      const base = Number(maxRow?.m ?? 0);
      for (const row of inserts) row.id += base;
    }
    // 100 rows × 21 columns stays far below every driver's bound-parameter limit.
    for (let i = 0; i < inserts.length; i += 100) await tx.insertInto('vul_findings').values(inserts.slice(i, i + 100)).execute();
    for (let i = 0; i < seenOnly.length; i += 500) {
      await tx.updateTable('vul_findings').set({ last_ts: now }).where('account_id', '=', accountId).where('uuid', '=', uuid).where('id', 'in', seenOnly.slice(i, i + 500)).execute();
    }
    for (const [key, prior] of byKey) {
      if (whitelisted.has(prior.advisory_id)) {
        // Whitelisted: never reported for this host (not "fixed"); removing the entry brings it back.
        await tx.deleteFrom('vul_findings').where('account_id', '=', accountId).where('uuid', '=', uuid).where('advisory_id', '=', prior.advisory_id).where('package', '=', prior.package).execute();
        continue;
      }
      if (wanted.has(key) || !(OPEN_STATUSES.includes(prior.status) || prior.status === VUL_STATUS.ignored)) continue;
      // A fix's log (ResultMessage) stays with the finding it fixed.
      await tx
        .updateTable('vul_findings')
        .set({ status: VUL_STATUS.fixed, modify_ts: now, repair_ts: now })
        .where('account_id', '=', accountId)
        .where('uuid', '=', uuid)
        .where('advisory_id', '=', prior.advisory_id)
        .where('package', '=', prior.package)
        .execute();
    }
    if (inventoryChanged) await writeHostNames(tx, accountId, uuid, ecoKey, names);
    const state = { inventory_at: inst?.last_inventory_at ?? 0, db_version: version, ecosystem: ecosystem ?? '', evaluated_at: now };
    const upd = await tx.updateTable('vul_host_state').set(state).where('account_id', '=', accountId).where('uuid', '=', uuid).executeTakeFirst();
    if (Number(upd.numUpdatedRows) === 0) await tx.insertInto('vul_host_state').values({ ...state, account_id: accountId, uuid }).execute();
  });
  return { ecosystem: ecosystem ?? '', findings: wanted.size, incremental: scope !== undefined };
}
