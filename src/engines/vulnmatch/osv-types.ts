/** Normalized OSV advisory, as the matcher and the vulnerability store use it. */
import type { Ecosystem } from './ecosystem.js';

export type RangeEventType = 'introduced' | 'fixed' | 'last_affected' | 'limit';

export interface RangeEvent {
  type: RangeEventType;
  version: string;
}

/** GIT ranges are dropped at parse time: they name commits, not package versions. */
export type RangeType = 'ECOSYSTEM' | 'SEMVER';

export interface AffectedRange {
  type: RangeType;
  events: RangeEvent[];
}

export interface AffectedPackage {
  /** As written in the record, e.g. "Ubuntu:22.04:LTS". */
  ecosystem: string;
  eco: Ecosystem;
  /** Package name: a SOURCE package for Debian/Ubuntu, a binary package for rpm and apk distros. */
  package: string;
  purl?: string;
  ranges: AffectedRange[];
  /** Explicitly enumerated affected versions. */
  versions: string[];
  /** Ubuntu's `ecosystem_specific.binaries[].binary_name`: binaries built from the source package. */
  binaries: string[];
  ecosystemSpecific?: Record<string, unknown>;
}

export interface CvssVector {
  /** OSV severity type: CVSS_V2, CVSS_V3, CVSS_V4. */
  type: string;
  vector: string;
  /** The CVE the vector belongs to, when the record says so (Ubuntu `cves_map`). */
  cve?: string;
}

export interface AdvisorySeverity {
  /**
   * The distributor's own rating, lower-cased: "critical"/"important"/"moderate"/"low" (Red Hat
   * family, from the summary prefix), the highest Ubuntu priority, or `database_specific.severity`.
   */
  vendor?: string;
  cvss: CvssVector[];
}

export interface AdvisoryReference {
  type: string;
  url: string;
}

export interface Advisory {
  id: string;
  /** `aliases` as written (may be empty: Ubuntu lists CVEs under `upstream`, AlmaLinux under `related`). */
  aliases: string[];
  /** Every CVE id the record names, from id, aliases, upstream, related and Ubuntu's cves_map. */
  cves: string[];
  related: string[];
  summary: string;
  details?: string;
  severity: AdvisorySeverity;
  published?: string;
  modified: string;
  withdrawn?: string;
  references: AdvisoryReference[];
  affected: AffectedPackage[];
}
