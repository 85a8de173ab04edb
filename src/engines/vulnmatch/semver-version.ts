/**
 * SemVer 2.0 precedence (OSV `SEMVER` ranges, npm, Go modules, crates.io). Lenient on input the way
 * OSV data and installed inventories need it: an optional leading "v" (Go), and missing minor/patch
 * components read as 0.
 */

export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
}

export class SemverError extends Error {
  constructor(readonly version: string) {
    super(`invalid semantic version ${JSON.stringify(version)}`);
    this.name = 'SemverError';
  }
}

const SEMVER_RE = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseSemver(input: string): SemVer {
  const m = SEMVER_RE.exec(input.trim());
  if (!m) throw new SemverError(input);
  const strip = (d: string | undefined): string => (d ?? '0').replace(/^0+(?=\d)/, '');
  return {
    major: strip(m[1]),
    minor: strip(m[2]),
    patch: strip(m[3]),
    prerelease: m[4] ? m[4].split('.') : [],
  };
}

function compareNumeric(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareIdentifier(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return compareNumeric(a.replace(/^0+(?=\d)/, ''), b.replace(/^0+(?=\d)/, ''));
  if (an) return -1;
  if (bn) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareSemverParsed(a: SemVer, b: SemVer): -1 | 0 | 1 {
  const core = compareNumeric(a.major, b.major) || compareNumeric(a.minor, b.minor) || compareNumeric(a.patch, b.patch);
  if (core !== 0) return core < 0 ? -1 : 1;
  // A version without a pre-release has higher precedence than one with it.
  if (a.prerelease.length === 0 || b.prerelease.length === 0) {
    return a.prerelease.length === b.prerelease.length ? 0 : a.prerelease.length === 0 ? 1 : -1;
  }
  const n = Math.min(a.prerelease.length, b.prerelease.length);
  for (let k = 0; k < n; k++) {
    const r = compareIdentifier(a.prerelease[k] ?? '', b.prerelease[k] ?? '');
    if (r !== 0) return r < 0 ? -1 : 1;
  }
  return a.prerelease.length === b.prerelease.length ? 0 : a.prerelease.length < b.prerelease.length ? -1 : 1;
}

/** SemVer precedence: -1, 0 or 1 (build metadata ignored). Throws SemverError on malformed input. */
export function compareSemver(a: string, b: string): -1 | 0 | 1 {
  return compareSemverParsed(parseSemver(a), parseSemver(b));
}
