/** Vulnerability matching engine (pure): version comparators, OSV parsing, range evaluation, matcher. */
export { matchAppPackages, type AppPackage } from './app-matcher.js';
export { compareApk, isValidApkVersion } from './apk-version.js';
export { compareDpkg, compareDpkgParsed, dpkgPartCompare, DpkgVersionError, parseDpkgVersion, type DpkgVersion } from './dpkg-version.js';
export {
  comparatorFor,
  comparatorForScheme,
  EcosystemError,
  parseEcosystem,
  type Ecosystem,
  type VersionComparator,
  type VersionScheme,
} from './ecosystem.js';
export { kernelTie, normalizeKernelRelease, type KernelTie } from './kernel.js';
export {
  AdvisoryIndex,
  buildAdvisoryIndex,
  matchInventory,
  matchName,
  packageLookupNames,
  type AdvisoryMatch,
  type MatchOptions,
  type FindingStatus,
  type HostInventory,
  type HostPackage,
} from './matcher.js';
export { compareMaven } from './maven-version.js';
export { OSV_LIMITS, OsvValidationError, parseOsvRecord } from './osv-parse.js';
export { evaluateAffectedPackage, evaluateRange, isAffected, type PackageVerdict, type RangeVerdict } from './osv-range.js';
export type * from './osv-types.js';
export { comparePep440, parsePep440, Pep440Error } from './pep440-version.js';
export { compareRpm, compareRpmEvr, formatRpmEvr, parseRpmEvr, rpmvercmp, type RpmEvr } from './rpm-version.js';
export { compareSemver, parseSemver, SemverError } from './semver-version.js';
