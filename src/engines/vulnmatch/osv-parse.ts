/**
 * OSV record (https://ossf.github.io/osv-schema/) → normalized Advisory, with validation errors that
 * name the offending field ("affected[3].ranges[0].events[1]"). Size limits keep memory bounded on
 * hostile input.
 */
import { EcosystemError, parseEcosystem } from './ecosystem.js';
import type {
  Advisory,
  AdvisoryReference,
  AffectedPackage,
  AffectedRange,
  CvssVector,
  RangeEvent,
  RangeEventType,
} from './osv-types.js';

export class OsvValidationError extends Error {
  constructor(
    readonly field: string,
    reason: string,
    readonly recordId?: string,
  ) {
    super(`${recordId ? `${recordId}: ` : ''}${field}: ${reason}`);
    this.name = 'OsvValidationError';
  }
}

export const OSV_LIMITS = {
  maxJsonChars: 32 * 1024 * 1024,
  maxStringChars: 1024 * 1024,
  maxAffected: 20_000,
  maxRanges: 1_000,
  maxEvents: 10_000,
  maxVersions: 200_000,
  maxListItems: 10_000,
} as const;

type Json = Record<string, unknown>;

const TIMESTAMP_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const CVE_TAIL_RE = /(?:^|[-_:])(CVE-\d{4}-\d{4,})$/i;
const EVENT_TYPES: readonly RangeEventType[] = ['introduced', 'fixed', 'last_affected', 'limit'];
const VENDOR_LEVELS = ['critical', 'important', 'moderate', 'low'];
const UBUNTU_PRIORITY = ['negligible', 'low', 'medium', 'high', 'critical'];

class Reader {
  constructor(private readonly id?: string) {}

  fail(field: string, reason: string): never {
    throw new OsvValidationError(field, reason, this.id);
  }

  object(v: unknown, field: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'must be an object');
    return v as Json;
  }

  string(v: unknown, field: string, opts: { nonEmpty?: boolean } = {}): string {
    if (typeof v !== 'string') this.fail(field, 'must be a string');
    if (v.length > OSV_LIMITS.maxStringChars) this.fail(field, `longer than ${OSV_LIMITS.maxStringChars} characters`);
    if (opts.nonEmpty && v.trim() === '') this.fail(field, 'must not be empty');
    return v;
  }

  optString(v: unknown, field: string): string | undefined {
    return v === undefined || v === null ? undefined : this.string(v, field);
  }

  timestamp(v: unknown, field: string): string {
    const s = this.string(v, field, { nonEmpty: true });
    if (!TIMESTAMP_RE.test(s) || Number.isNaN(Date.parse(s))) this.fail(field, `not an RFC 3339 timestamp: ${JSON.stringify(s.slice(0, 40))}`);
    return s;
  }

  array(v: unknown, field: string, max: number): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(field, 'must be an array');
    if (v.length > max) this.fail(field, `more than ${max} entries`);
    return v;
  }

  strings(v: unknown, field: string, max: number = OSV_LIMITS.maxListItems): string[] {
    return this.array(v, field, max).map((x, i) => this.string(x, `${field}[${i}]`));
  }
}

function parseEvent(r: Reader, v: unknown, field: string): RangeEvent {
  const o = r.object(v, field);
  const present = EVENT_TYPES.filter((t) => o[t] !== undefined);
  if (present.length !== 1) r.fail(field, 'must have exactly one of introduced, fixed, last_affected, limit');
  const type = present[0] as RangeEventType;
  const version = r.string(o[type], `${field}.${type}`, { nonEmpty: true });
  return { type, version };
}

function parseRange(r: Reader, v: unknown, field: string): AffectedRange | undefined {
  const o = r.object(v, field);
  const type = r.string(o.type, `${field}.type`);
  if (type === 'GIT') return undefined;
  if (type !== 'ECOSYSTEM' && type !== 'SEMVER') r.fail(`${field}.type`, `unknown range type ${JSON.stringify(type)}`);
  const rawEvents = r.array(o.events, `${field}.events`, OSV_LIMITS.maxEvents);
  if (rawEvents.length === 0) r.fail(`${field}.events`, 'must not be empty');
  const events = rawEvents.map((e, i) => parseEvent(r, e, `${field}.events[${i}]`));
  if (!events.some((e) => e.type === 'introduced')) r.fail(`${field}.events`, 'needs an "introduced" event');
  return { type, events };
}

function binariesOf(specific: Json | undefined): string[] {
  const list = specific?.binaries;
  if (!Array.isArray(list)) return [];
  const names = new Set<string>();
  for (const b of list.slice(0, OSV_LIMITS.maxListItems)) {
    if (typeof b === 'object' && b !== null && typeof (b as Json).binary_name === 'string') names.add((b as Json).binary_name as string);
  }
  return [...names];
}

function parseAffected(r: Reader, v: unknown, field: string): AffectedPackage | undefined {
  const o = r.object(v, field);
  // An entry without a package describes git commits only; nothing to match installed packages on.
  if (o.package === undefined) return undefined;
  const pkg = r.object(o.package, `${field}.package`);
  const ecosystem = r.string(pkg.ecosystem, `${field}.package.ecosystem`, { nonEmpty: true });
  const name = r.string(pkg.name, `${field}.package.name`, { nonEmpty: true });
  let eco;
  try {
    eco = parseEcosystem(ecosystem);
  } catch (err) {
    if (err instanceof EcosystemError) r.fail(`${field}.package.ecosystem`, err.message);
    throw err;
  }
  const ranges = r
    .array(o.ranges, `${field}.ranges`, OSV_LIMITS.maxRanges)
    .map((x, i) => parseRange(r, x, `${field}.ranges[${i}]`))
    .filter((x): x is AffectedRange => x !== undefined);
  const versions = r.strings(o.versions, `${field}.versions`, OSV_LIMITS.maxVersions);
  const specific = o.ecosystem_specific === undefined ? undefined : r.object(o.ecosystem_specific, `${field}.ecosystem_specific`);
  const purl = r.optString(pkg.purl, `${field}.package.purl`);
  return {
    ecosystem,
    eco,
    package: name,
    ...(purl !== undefined ? { purl } : {}),
    ranges,
    versions,
    binaries: binariesOf(specific),
    ...(specific !== undefined ? { ecosystemSpecific: specific } : {}),
  };
}

function cvssFrom(r: Reader, v: unknown, field: string, cve?: string): CvssVector[] {
  const out: CvssVector[] = [];
  r.array(v, field, OSV_LIMITS.maxListItems).forEach((x, i) => {
    const o = r.object(x, `${field}[${i}]`);
    const type = r.string(o.type, `${field}[${i}].type`);
    const score = r.string(o.score, `${field}[${i}].score`);
    if (/^CVSS_V\d$/.test(type)) out.push({ type, vector: score, ...(cve ? { cve } : {}) });
  });
  return out;
}

/** CVE-2024-9143 before CVE-2024-12797: year, then number, numerically. */
function compareCveIds(a: string, b: string): number {
  const [, ya = '0', na = '0'] = a.split('-');
  const [, yb = '0', nb = '0'] = b.split('-');
  return Number(ya) - Number(yb) || Number(na) - Number(nb);
}

function cveOf(s: string): string | undefined {
  const m = CVE_TAIL_RE.exec(s.trim());
  return m?.[1]?.toUpperCase();
}

/** Parses one OSV record (a JSON string or an already parsed value). Throws OsvValidationError. */
export function parseOsvRecord(input: unknown): Advisory {
  let value = input;
  if (typeof input === 'string') {
    if (input.length > OSV_LIMITS.maxJsonChars) throw new OsvValidationError('(record)', `larger than ${OSV_LIMITS.maxJsonChars} characters`);
    try {
      value = JSON.parse(input);
    } catch (err) {
      throw new OsvValidationError('(record)', `not JSON: ${(err as Error).message}`);
    }
  }
  const pre = new Reader();
  const root = pre.object(value, '(record)');
  const id = pre.string(root.id, 'id', { nonEmpty: true });
  if (id.length > 256 || /\s/.test(id)) pre.fail('id', 'must be a short identifier without spaces');
  const r = new Reader(id);

  const modified = r.timestamp(root.modified, 'modified');
  const published = root.published === undefined ? undefined : r.timestamp(root.published, 'published');
  const withdrawn = root.withdrawn === undefined ? undefined : r.timestamp(root.withdrawn, 'withdrawn');
  const aliases = r.strings(root.aliases, 'aliases');
  const related = r.strings(root.related, 'related');
  const upstream = r.strings(root.upstream, 'upstream');
  const summary = r.optString(root.summary, 'summary') ?? '';
  const details = r.optString(root.details, 'details');

  const references: AdvisoryReference[] = r.array(root.references, 'references', OSV_LIMITS.maxListItems).map((x, i) => {
    const o = r.object(x, `references[${i}]`);
    return { type: r.string(o.type, `references[${i}].type`), url: r.string(o.url, `references[${i}].url`, { nonEmpty: true }) };
  });

  const rawAffected = r.array(root.affected, 'affected', OSV_LIMITS.maxAffected);
  const affected = rawAffected
    .map((x, i) => parseAffected(r, x, `affected[${i}]`))
    .filter((x): x is AffectedPackage => x !== undefined);

  const cvss: CvssVector[] = cvssFrom(r, root.severity, 'severity');
  const cves = new Set<string>();
  for (const s of [id, ...aliases, ...upstream, ...related]) {
    const c = cveOf(s);
    if (c) cves.add(c);
  }
  let ubuntuPriority = -1;
  rawAffected.forEach((x, i) => {
    const o = x as Json;
    cvss.push(...cvssFrom(r, o.severity, `affected[${i}].severity`));
    const db = o.database_specific;
    const map = typeof db === 'object' && db !== null ? (db as Json).cves_map : undefined;
    if (map === undefined) return;
    const mapField = `affected[${i}].database_specific.cves_map`;
    const entries = r.array(r.object(map, mapField).cves, `${mapField}.cves`, OSV_LIMITS.maxListItems);
    entries.forEach((e, k) => {
      const eo = r.object(e, `${mapField}.cves[${k}]`);
      const cve = cveOf(r.string(eo.id, `${mapField}.cves[${k}].id`));
      if (cve) cves.add(cve);
      cvss.push(...cvssFrom(r, eo.severity, `${mapField}.cves[${k}].severity`, cve));
      for (const s of r.array(eo.severity, `${mapField}.cves[${k}].severity`, OSV_LIMITS.maxListItems)) {
        const so = s as Json;
        if (so.type === 'Ubuntu' && typeof so.score === 'string') ubuntuPriority = Math.max(ubuntuPriority, UBUNTU_PRIORITY.indexOf(so.score.toLowerCase()));
      }
    });
  });

  const seen = new Set<string>();
  const uniqueCvss = cvss.filter((c) => {
    const k = `${c.type}|${c.vector}|${c.cve ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });

  return {
    id,
    aliases,
    cves: [...cves].sort(compareCveIds),
    related,
    summary,
    ...(details !== undefined ? { details } : {}),
    severity: { ...vendorSeverity(summary, root, ubuntuPriority), cvss: uniqueCvss },
    ...(published !== undefined ? { published } : {}),
    modified,
    ...(withdrawn !== undefined ? { withdrawn } : {}),
    references,
    affected,
  };
}

function vendorSeverity(summary: string, root: Json, ubuntuPriority: number): { vendor?: string } {
  // Red Hat family: "Important: openssl security update".
  const prefix = /^(\w+):/.exec(summary)?.[1]?.toLowerCase();
  if (prefix && VENDOR_LEVELS.includes(prefix)) return { vendor: prefix };
  const p = UBUNTU_PRIORITY[ubuntuPriority];
  if (p !== undefined) return { vendor: p };
  const db = root.database_specific;
  const sev = typeof db === 'object' && db !== null ? (db as Json).severity : undefined;
  return typeof sev === 'string' && sev.length <= 32 ? { vendor: sev.toLowerCase() } : {};
}
