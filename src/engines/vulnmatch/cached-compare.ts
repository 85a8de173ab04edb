/**
 * Comparators that parse each version string once. Matching a host compares its installed
 * versions with every candidate advisory's bounds; the same strings recur across advisories and
 * hosts, so parsed forms are kept (bounded: the cache is dropped when it grows past its limit).
 * Same results as compareDpkg / compareRpm; invalid versions still throw and are not cached.
 */
import { compareDpkgParsed, parseDpkgVersion, type DpkgVersion } from './dpkg-version.js';
import type { VersionComparator, VersionScheme } from './ecosystem.js';
import { compareRpmEvr, parseRpmEvr, type RpmEvr } from './rpm-version.js';

const LIMIT = 200_000;

function cachedParser<T>(parse: (s: string) => T): (s: string) => T {
  let cache = new Map<string, T>();
  return (s) => {
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    const v = parse(s);
    if (cache.size >= LIMIT) cache = new Map();
    cache.set(s, v);
    return v;
  };
}

const dpkg = cachedParser<DpkgVersion>((s) => parseDpkgVersion(s, { strict: false }));
const rpm = cachedParser<RpmEvr>(parseRpmEvr);

const compareDpkgCached: VersionComparator = (a, b) => compareDpkgParsed(dpkg(a), dpkg(b));
const compareRpmCached: VersionComparator = (a, b) => compareRpmEvr(rpm(a), rpm(b));

/** The caching comparator for a scheme, or `fallback` for schemes without one. */
export function cachedComparator(scheme: VersionScheme, fallback: VersionComparator): VersionComparator {
  if (scheme === 'dpkg') return compareDpkgCached;
  if (scheme === 'rpm') return compareRpmCached;
  return fallback;
}
