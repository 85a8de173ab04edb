/**
 * The advisory database: OSV records (idempotent by id + modified), their affected entries, and the
 * CISA KEV list. Every change bumps `db_version`, which tells hosts to be re-evaluated.
 */
import { basename } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { OSV_LIMITS, parseOsvRecord, type Advisory } from '../../engines/vulnmatch/index.js';
import type { Database } from '../../store/schema.js';
import { collectImportFiles } from './import-files.js';
import { advisoryCvss, advisorySeverity } from './severity.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ImportReport {
  files: number;
  imported: number;
  unchanged: number;
  kev: number;
  errors: Array<{ file: string; error: string }>;
}

/**
 * What an import changed, for incremental re-evaluation: the advisories whose findings may differ
 * (new, replaced or withdrawn records, and those whose CVEs joined or left KEV) and the
 * (ecosystem key, package) pairs their old and new affected entries name.
 */
export interface ImportChanges {
  fromVersion: number;
  toVersion: number;
  advisories: Set<string>;
  /** ecosystem key → package names. */
  pairs: Map<string, Set<string>>;
}

function addPair(pairs: Map<string, Set<string>>, ecoKey: string, name: string): void {
  const set = pairs.get(ecoKey);
  if (set) set.add(name);
  else pairs.set(ecoKey, new Set([name]));
}

const BATCH_RECORDS = 200;
const AFFECTED_BATCH = 400;
/** Advisory rows per INSERT (14 columns; SQLite allows 32,766 bound parameters). */
const ADVISORY_BATCH = 100;
const DB_VERSION_KEY = 'db_version';

export async function dbVersion(db: Db): Promise<number> {
  const row = await db.selectFrom('vul_meta').select('value').where('meta_key', '=', DB_VERSION_KEY).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

async function bumpVersion(db: Db): Promise<number> {
  const next = (await dbVersion(db)) + 1;
  const updated = await db.updateTable('vul_meta').set({ value: String(next) }).where('meta_key', '=', DB_VERSION_KEY).executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) await db.insertInto('vul_meta').values({ meta_key: DB_VERSION_KEY, value: String(next) }).execute();
  return next;
}

function advisoryRow(a: Advisory, raw: string, now: number) {
  const cvss = advisoryCvss(a);
  return {
    id: a.id,
    modified: a.modified,
    published: a.published ?? '',
    withdrawn: a.withdrawn !== undefined ? 1 : 0,
    aliases_json: JSON.stringify(a.aliases),
    cves_json: JSON.stringify(a.cves),
    summary: a.summary.slice(0, 4000),
    severity: advisorySeverity(a, cvss),
    cvss_json: JSON.stringify(a.severity.cvss),
    cvss_vector: cvss.vector.slice(0, 256),
    cvss_score10: cvss.score !== undefined ? Math.round(cvss.score * 10) : -1,
    references_json: JSON.stringify(a.references),
    record_json: raw,
    imported_at: now,
  };
}

/** Replaces a batch of advisories (delete the old versions, multi-row inserts). */
async function writeAdvisories(tx: Db, batch: Array<{ a: Advisory; raw: string }>, replace: string[], now: number, changes: ImportChanges): Promise<void> {
  for (const { a } of batch) {
    changes.advisories.add(a.id);
    for (const x of a.affected) addPair(changes.pairs, x.eco.key.slice(0, 200), x.package.slice(0, 512));
  }
  for (let i = 0; i < replace.length; i += AFFECTED_BATCH) {
    const ids = replace.slice(i, i + AFFECTED_BATCH);
    // The replaced versions' packages: hosts matched by the old record may lose their findings.
    for (const r of await tx.selectFrom('vul_affected').select(['ecosystem_key', 'package']).where('advisory_id', 'in', ids).execute()) addPair(changes.pairs, r.ecosystem_key, r.package);
    await tx.deleteFrom('vul_affected').where('advisory_id', 'in', ids).execute();
    await tx.deleteFrom('vul_advisories').where('id', 'in', ids).execute();
  }
  for (let i = 0; i < batch.length; i += ADVISORY_BATCH) {
    await tx.insertInto('vul_advisories').values(batch.slice(i, i + ADVISORY_BATCH).map(({ a, raw }) => advisoryRow(a, raw, now))).execute();
  }
  const rows = batch.flatMap(({ a }) =>
    a.affected.map((x, seq) => ({
      advisory_id: a.id,
      seq,
      ecosystem: x.ecosystem.slice(0, 200),
      ecosystem_key: x.eco.key.slice(0, 200),
      package: x.package.slice(0, 512),
      ranges_json: JSON.stringify(x.ranges),
    })),
  );
  for (let i = 0; i < rows.length; i += AFFECTED_BATCH) await tx.insertInto('vul_affected').values(rows.slice(i, i + AFFECTED_BATCH)).execute();
}

interface KevEntry {
  cve: string;
  name: string;
  dateAdded: string;
  ransomware: boolean;
}

/** CISA KEV as JSON (`{catalogVersion, vulnerabilities:[{cveID,…}]}`) or CSV (header with cveID). */
export function parseKev(text: string, fileName: string): KevEntry[] | undefined {
  if (fileName.toLowerCase().endsWith('.csv')) {
    const lines = text.split(/\r?\n/);
    const header = splitCsvLine(lines[0] ?? '');
    const iCve = header.indexOf('cveID');
    if (iCve < 0) return undefined;
    const iName = header.indexOf('vulnerabilityName');
    const iDate = header.indexOf('dateAdded');
    const iRansom = header.indexOf('knownRansomwareCampaignUse');
    const out: KevEntry[] = [];
    for (const line of lines.slice(1)) {
      if (line.trim() === '') continue;
      const f = splitCsvLine(line);
      const cve = f[iCve] ?? '';
      if (/^CVE-\d{4}-\d+$/.test(cve)) out.push({ cve, name: f[iName] ?? '', dateAdded: f[iDate] ?? '', ransomware: (f[iRansom] ?? '').toLowerCase() === 'known' });
    }
    return out;
  }
  return undefined;
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function kevFromJson(value: unknown): KevEntry[] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.vulnerabilities) || (v.catalogVersion === undefined && !String(v.title ?? '').includes('Known Exploited'))) return undefined;
  const out: KevEntry[] = [];
  for (const item of v.vulnerabilities as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const o = item as Record<string, unknown>;
    const cve = typeof o.cveID === 'string' ? o.cveID : '';
    if (!/^CVE-\d{4}-\d+$/.test(cve)) continue;
    out.push({
      cve,
      name: typeof o.vulnerabilityName === 'string' ? o.vulnerabilityName.slice(0, 1000) : '',
      dateAdded: typeof o.dateAdded === 'string' ? o.dateAdded.slice(0, 32) : '',
      ransomware: o.knownRansomwareCampaignUse === 'Known',
    });
  }
  return out;
}

/** Replaces the KEV list; returns the CVEs that joined or left it. */
async function writeKev(db: Kysely<Database>, entries: KevEntry[]): Promise<Set<string>> {
  const unique = new Map(entries.map((e) => [e.cve, e]));
  const changed = new Set<string>();
  await db.transaction().execute(async (tx) => {
    const old = new Set((await tx.selectFrom('vul_kev').select('cve_id').execute()).map((r) => r.cve_id));
    for (const cve of old) if (!unique.has(cve)) changed.add(cve);
    for (const cve of unique.keys()) if (!old.has(cve)) changed.add(cve);
    await tx.deleteFrom('vul_kev').execute();
    const rows = [...unique.values()].map((e) => ({ cve_id: e.cve, name: e.name, date_added: e.dateAdded, ransomware: e.ransomware ? 1 : 0 }));
    for (let i = 0; i < rows.length; i += AFFECTED_BATCH) await tx.insertInto('vul_kev').values(rows.slice(i, i + AFFECTED_BATCH)).execute();
  });
  return changed;
}

/** KEV changes touch the advisories naming those CVEs (their tags and urgency), and their packages. */
async function addKevChanges(db: Db, cves: ReadonlySet<string>, changes: ImportChanges): Promise<void> {
  if (cves.size === 0) return;
  const ids: string[] = [];
  for (const r of await db.selectFrom('vul_advisories').select(['id', 'cves_json']).execute()) {
    let list: unknown;
    try {
      list = JSON.parse(r.cves_json);
    } catch {
      continue;
    }
    if (Array.isArray(list) && list.some((c) => typeof c === 'string' && cves.has(c)) && !changes.advisories.has(r.id)) ids.push(r.id);
  }
  for (let i = 0; i < ids.length; i += AFFECTED_BATCH) {
    const slice = ids.slice(i, i + AFFECTED_BATCH);
    for (const id of slice) changes.advisories.add(id);
    for (const r of await db.selectFrom('vul_affected').select(['ecosystem_key', 'package']).where('advisory_id', 'in', slice).execute()) addPair(changes.pairs, r.ecosystem_key, r.package);
  }
}

/**
 * Imports a directory, file, .zip or .tar.gz of OSV JSON records (and KEV JSON/CSV files). A bad
 * file is reported in `errors` and skipped; everything else is kept. Returns after the DB version
 * is bumped (when anything changed).
 */
export async function importAdvisories(db: Kysely<Database>, path: string, now = Date.now()): Promise<ImportReport> {
  return (await importAdvisoriesTracked(db, path, now)).report;
}

/** importAdvisories, also returning what changed (for incremental re-evaluation). */
export async function importAdvisoriesTracked(db: Kysely<Database>, path: string, now = Date.now()): Promise<{ report: ImportReport; changes: ImportChanges }> {
  const report: ImportReport = { files: 0, imported: 0, unchanged: 0, kev: 0, errors: [] };
  const changes: ImportChanges = { fromVersion: 0, toVersion: 0, advisories: new Set(), pairs: new Map() };
  const kevChanged = new Set<string>();
  const source = await collectImportFiles(path);
  try {
    const known = new Map<string, string>();
    for (const r of await db.selectFrom('vul_advisories').select(['id', 'modified']).execute()) known.set(r.id, r.modified);
    const stored = new Set(known.keys());
    let pending: Array<{ a: Advisory; raw: string }> = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const replace = batch.filter((p) => stored.has(p.a.id)).map((p) => p.a.id);
      await db.transaction().execute(async (tx) => writeAdvisories(tx, batch, replace, now, changes));
      for (const p of batch) stored.add(p.a.id);
      report.imported += batch.length;
    };
    for (const item of source.items) {
      report.files++;
      const name = basename(item.name);
      try {
        if (item.size > OSV_LIMITS.maxJsonChars) throw new Error(`larger than ${OSV_LIMITS.maxJsonChars} bytes`);
        const text = await item.read();
        const csvKev = parseKev(text, name);
        if (csvKev) {
          for (const cve of await writeKev(db, csvKev)) kevChanged.add(cve);
          report.kev += csvKev.length;
          continue;
        }
        if (name.toLowerCase().endsWith('.csv')) throw new Error('CSV file without a cveID column (not a KEV list)');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new Error(`not JSON: ${(err as Error).message}`);
        }
        const kev = kevFromJson(value);
        if (kev) {
          for (const cve of await writeKev(db, kev)) kevChanged.add(cve);
          report.kev += kev.length;
          continue;
        }
        // Schemas, READMEs in JSON and other non-records are reported, not silently taken.
        const a = parseOsvRecord(value);
        const prior = known.get(a.id);
        if (prior === a.modified) {
          report.unchanged++;
          continue;
        }
        known.set(a.id, a.modified);
        pending = pending.filter((p) => p.a.id !== a.id);
        pending.push({ a, raw: text });
        if (pending.length >= BATCH_RECORDS) await flush();
      } catch (err) {
        report.errors.push({ file: item.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    await flush();
    await addKevChanges(db, kevChanged, changes);
    changes.fromVersion = await dbVersion(db);
    changes.toVersion = report.imported > 0 || report.kev > 0 ? await bumpVersion(db) : changes.fromVersion;
  } finally {
    await source.cleanup();
  }
  return { report, changes };
}
