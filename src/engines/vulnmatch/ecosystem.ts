/**
 * OSV ecosystem names ("Debian:12", "Ubuntu:22.04:LTS", "Ubuntu:Pro:16.04:LTS", "AlmaLinux:9",
 * "Alpine:v3.19", "Rocky Linux:9", "PyPI", "npm", "Maven", "Go", ...) parsed into a canonical form,
 * a matching key, and the version scheme their versions are ordered by.
 */
import { compareApk } from './apk-version.js';
import { compareDpkg } from './dpkg-version.js';
import { compareMaven } from './maven-version.js';
import { comparePep440 } from './pep440-version.js';
import { compareRpm } from './rpm-version.js';
import { compareSemver } from './semver-version.js';

export type VersionScheme = 'dpkg' | 'rpm' | 'apk' | 'semver' | 'pep440' | 'maven';
export type VersionComparator = (a: string, b: string) => -1 | 0 | 1;

export interface Ecosystem {
  /** As written. */
  raw: string;
  /** Canonical name, e.g. "Debian", "Ubuntu", "AlmaLinux", "Rocky Linux", "Alpine", "PyPI". */
  name: string;
  /** Distribution release as OSV writes it for matching: "12", "22.04", "9", "v3.19". */
  release?: string;
  /** Ubuntu: the fixes come through an Ubuntu Pro subscription ("Ubuntu:Pro:16.04:LTS"). */
  pro: boolean;
  /** True for OS distributions (their packages come from dpkg/rpm/apk). */
  os: boolean;
  scheme?: VersionScheme;
  /**
   * What advisories and hosts are matched on: name plus release, without decorations that do not
   * change the package set ("LTS", "Pro", a minor release of AlmaLinux/Rocky/Debian, a Maven
   * repository URL).
   */
  key: string;
}

export class EcosystemError extends Error {
  constructor(readonly ecosystem: string, reason: string) {
    super(`invalid ecosystem ${JSON.stringify(ecosystem)}: ${reason}`);
    this.name = 'EcosystemError';
  }
}

interface Known {
  name: string;
  os: boolean;
  scheme?: VersionScheme;
  /** How the release is normalized for the key. */
  release?: 'major' | 'alpine' | 'asis';
}

const KNOWN: readonly Known[] = [
  { name: 'Debian', os: true, scheme: 'dpkg', release: 'major' },
  { name: 'Ubuntu', os: true, scheme: 'dpkg', release: 'asis' },
  { name: 'AlmaLinux', os: true, scheme: 'rpm', release: 'major' },
  { name: 'Rocky Linux', os: true, scheme: 'rpm', release: 'major' },
  { name: 'Red Hat', os: true, scheme: 'rpm', release: 'asis' },
  { name: 'SUSE', os: true, scheme: 'rpm', release: 'asis' },
  { name: 'openSUSE', os: true, scheme: 'rpm', release: 'asis' },
  { name: 'Mageia', os: true, scheme: 'rpm', release: 'asis' },
  { name: 'openEuler', os: true, scheme: 'rpm', release: 'asis' },
  { name: 'Alpine', os: true, scheme: 'apk', release: 'alpine' },
  { name: 'Wolfi', os: true, scheme: 'apk' },
  { name: 'Chainguard', os: true, scheme: 'apk' },
  { name: 'PyPI', os: false, scheme: 'pep440' },
  { name: 'npm', os: false, scheme: 'semver' },
  { name: 'Go', os: false, scheme: 'semver' },
  { name: 'crates.io', os: false, scheme: 'semver' },
  { name: 'Hex', os: false, scheme: 'semver' },
  { name: 'NuGet', os: false, scheme: 'semver' },
  { name: 'Maven', os: false, scheme: 'maven' },
  { name: 'RubyGems', os: false },
  { name: 'Packagist', os: false },
  { name: 'Pub', os: false },
  // Not OSV ecosystems: Vigil's names for CMS core advisories (docs/vulns-app-cms-emg.md); the
  // package is the core ("wordpress", "drupal", "joomla"), versions ordered like SemVer.
  { name: 'WordPress', os: false, scheme: 'semver' },
  { name: 'Drupal', os: false, scheme: 'semver' },
  { name: 'Joomla', os: false, scheme: 'semver' },
];
const BY_LOWER = new Map(KNOWN.map((k) => [k.name.toLowerCase(), k]));

const MAX_ECOSYSTEM_LENGTH = 200;

export function parseEcosystem(raw: string): Ecosystem {
  if (typeof raw !== 'string' || raw.trim() === '') throw new EcosystemError(String(raw), 'empty');
  if (raw.length > MAX_ECOSYSTEM_LENGTH) throw new EcosystemError(raw.slice(0, 40), 'too long');
  const parts = raw.trim().split(':');
  const head = (parts[0] ?? '').trim();
  const known = BY_LOWER.get(head.toLowerCase());
  const name = known?.name ?? head;
  let rest = parts.slice(1);
  let pro = false;

  if (known?.scheme === 'maven') rest = []; // "Maven:<repository URL>": same version scheme, same packages
  if (name === 'Ubuntu') {
    // "Pro" marks fixes shipped through Ubuntu Pro (ESM); the packages are the same release's, so
    // the key leaves it out and the flag travels with the advisory.
    pro = rest.some((p) => p.toLowerCase() === 'pro');
    rest = rest.filter((p) => p.toLowerCase() !== 'lts' && p.toLowerCase() !== 'pro');
  }

  let release: string | undefined;
  const releaseIndex = rest.findIndex((p) => /^v?\d/.test(p));
  if (known?.release === 'asis' || known?.release === undefined) {
    release = rest.length > 0 ? rest.join(':') : undefined;
  } else if (releaseIndex >= 0) {
    const r = rest[releaseIndex] ?? '';
    if (known.release === 'major') release = /^\d+/.exec(r)?.[0];
    else {
      const m = /^v?(\d+)\.(\d+)/.exec(r);
      release = m ? `v${m[1]}.${m[2]}` : r.toLowerCase() === 'edge' ? 'edge' : r;
    }
  } else if (rest.length > 0) {
    release = rest.join(':');
  }
  if (known?.os && release === undefined) throw new EcosystemError(raw, `${name} needs a release, e.g. "${name}:<release>"`);

  const key = release !== undefined ? `${name}:${release}` : name;
  return { raw, name, ...(release !== undefined ? { release } : {}), pro, os: known?.os ?? false, ...(known?.scheme ? { scheme: known.scheme } : {}), key };
}

const COMPARATORS: Readonly<Record<VersionScheme, VersionComparator>> = {
  dpkg: compareDpkg,
  rpm: compareRpm,
  apk: compareApk,
  semver: compareSemver,
  pep440: comparePep440,
  maven: compareMaven,
};

export function comparatorForScheme(scheme: VersionScheme): VersionComparator {
  return COMPARATORS[scheme];
}

/** The comparator for an ecosystem's versions, or undefined when we do not know its ordering. */
export function comparatorFor(ecosystem: Ecosystem | string): VersionComparator | undefined {
  const eco = typeof ecosystem === 'string' ? parseEcosystem(ecosystem) : ecosystem;
  return eco.scheme ? COMPARATORS[eco.scheme] : undefined;
}
