/**
 * OSV affected-range evaluation, following the schema's rules: events sorted by version with
 * `introduced: "0"` first; a version is affected after an `introduced` it has reached, until a
 * `fixed` it has reached or a `last_affected` it has passed; `limit` events cap the whole range.
 */
import { comparatorFor, type VersionComparator } from './ecosystem.js';
import type { AffectedPackage, AffectedRange, RangeEvent } from './osv-types.js';
import { compareSemver } from './semver-version.js';

export interface RangeVerdict {
  affected: boolean;
  /** The lowest `fixed` version above the evaluated version, when the range names one. */
  fixed?: string;
}

function comparatorForRange(range: AffectedRange, compare?: VersionComparator): VersionComparator {
  if (range.type === 'SEMVER') return compareSemver;
  if (!compare) throw new Error('an ECOSYSTEM range needs the ecosystem\'s version comparator');
  return compare;
}

function sortEvents(events: readonly RangeEvent[], cmp: VersionComparator): RangeEvent[] {
  const zero = (e: RangeEvent): boolean => e.type === 'introduced' && e.version === '0';
  // Array.prototype.sort is stable, so events at equal versions keep the record's order.
  return [...events].sort((a, b) => {
    if (zero(a) || zero(b)) return zero(a) === zero(b) ? 0 : zero(a) ? -1 : 1;
    return cmp(a.version, b.version);
  });
}

/** Sorted events and limits of a range, per comparator: ranges are shared by every host matched. */
const prepared = new WeakMap<AffectedRange, { cmp: VersionComparator; sorted: RangeEvent[]; limits: RangeEvent[] }>();

function prepare(range: AffectedRange, cmp: VersionComparator): { sorted: RangeEvent[]; limits: RangeEvent[] } {
  const hit = prepared.get(range);
  if (hit && hit.cmp === cmp) return hit;
  const p = {
    cmp,
    limits: range.events.filter((e) => e.type === 'limit'),
    sorted: sortEvents(
      range.events.filter((e) => e.type !== 'limit'),
      cmp,
    ),
  };
  prepared.set(range, p);
  return p;
}

/** Evaluates one range. SEMVER ranges use SemVer; ECOSYSTEM ranges need `compare`. */
export function evaluateRange(range: AffectedRange, version: string, compare?: VersionComparator): RangeVerdict {
  const cmp = comparatorForRange(range, compare);
  const { limits, sorted } = prepare(range, cmp);
  if (limits.length > 0 && !limits.some((l) => l.version === '*' || cmp(version, l.version) < 0)) return { affected: false };
  let affected = false;
  for (const e of sorted) {
    if (e.type === 'introduced') {
      if (e.version === '0' || cmp(version, e.version) >= 0) affected = true;
    } else if (e.type === 'fixed') {
      if (cmp(version, e.version) >= 0) affected = false;
    } else if (e.type === 'last_affected') {
      if (cmp(version, e.version) > 0) affected = false;
    }
  }
  if (!affected) return { affected };
  const fixed = sorted.find((e) => e.type === 'fixed' && cmp(version, e.version) < 0);
  return fixed ? { affected, fixed: fixed.version } : { affected };
}

/** True when `version` falls in the range (see evaluateRange). */
export function isAffected(range: AffectedRange, version: string, compare?: VersionComparator): boolean {
  return evaluateRange(range, version, compare).affected;
}

export interface PackageVerdict extends RangeVerdict {
  /** Set when the version (or a range bound) is not valid in the ecosystem's scheme. */
  error?: string;
}

/** A malformed entry in a record's `versions` list must not spoil the rest of the list. */
function sameVersion(compare: VersionComparator, a: string, b: string): boolean {
  try {
    return compare(a, b) === 0;
  } catch {
    return false;
  }
}

/**
 * Evaluates all ranges and the explicit `versions` list of an affected package. The comparator
 * defaults to the one the package's ecosystem uses.
 */
export function evaluateAffectedPackage(
  affected: AffectedPackage,
  version: string,
  compare: VersionComparator | undefined = comparatorFor(affected.eco),
): PackageVerdict {
  let hit = false;
  let fixed: string | undefined;
  const fixedCmp = compare;
  try {
    for (const range of affected.ranges) {
      if (range.type === 'ECOSYSTEM' && !compare) continue;
      const v = evaluateRange(range, version, compare);
      if (!v.affected) continue;
      hit = true;
      if (v.fixed !== undefined && (fixed === undefined || (fixedCmp ?? compareSemver)(v.fixed, fixed) < 0)) fixed = v.fixed;
    }
    if (!hit && affected.versions.length > 0) {
      hit = affected.versions.some((x) => x === version || (compare !== undefined && sameVersion(compare, x, version)));
    }
  } catch (err) {
    return { affected: false, error: (err as Error).message };
  }
  if (!hit) return { affected: false };
  return fixed !== undefined ? { affected: true, fixed } : { affected: true };
}
