/**
 * Application packages (PyPI, npm, Maven) and CMS cores (WordPress, Drupal, Joomla) × advisories →
 * findings. Pure, like matchInventory; the caller passes an index holding those ecosystems.
 */
import { comparatorFor, parseEcosystem } from './ecosystem.js';
import { AdvisoryIndex, type AdvisoryMatch, type IndexEntry } from './matcher.js';
import { evaluateAffectedPackage } from './osv-range.js';
import type { Advisory } from './osv-types.js';

export interface AppPackage {
  /** OSV ecosystem of the package: "PyPI", "npm", "Maven", "WordPress", "Drupal", "Joomla". */
  ecosystem: string;
  /** As the package manager names it; for Maven "group:artifact", or the artifact id of a bare jar. */
  name: string;
  version: string;
}

/**
 * Matches each package against the advisories of its ecosystem. A Maven package known only by its
 * artifact id (a jar's file name) matches every "group:artifact" record with that artifact id.
 * Versions the ecosystem's scheme rejects are skipped (no finding), as are empty versions.
 */
export function matchAppPackages(packages: readonly AppPackage[], advisories: AdvisoryIndex | Iterable<Advisory>): AdvisoryMatch[] {
  const index = advisories instanceof AdvisoryIndex ? advisories : new AdvisoryIndex();
  if (!(advisories instanceof AdvisoryIndex)) for (const a of advisories) index.add(a);
  const out: AdvisoryMatch[] = [];
  const seen = new Set<string>();
  for (const pkg of packages) {
    if (pkg.version.trim() === '') continue;
    let eco;
    try {
      eco = parseEcosystem(pkg.ecosystem);
    } catch {
      continue;
    }
    const compare = comparatorFor(eco);
    if (eco.os || !compare) continue;
    const entries: readonly IndexEntry[] =
      eco.scheme === 'maven' && !pkg.name.includes(':') ? index.lookupArtifact(eco.key, pkg.name) : index.lookup(eco.key, pkg.name);
    for (const entry of entries) {
      const k = `${entry.advisory.id}\u0000${pkg.name}\u0000${pkg.version}`;
      if (seen.has(k)) continue;
      const v = evaluateAffectedPackage(entry.affected, pkg.version, compare);
      if (!v.affected) continue;
      seen.add(k);
      out.push({
        advisoryId: entry.advisory.id,
        cves: entry.advisory.cves,
        package: pkg.name,
        installedVersion: pkg.version,
        ...(v.fixed !== undefined ? { fixedVersion: v.fixed } : {}),
        status: 'affected',
        advisoryPackage: entry.affected.package,
        matchedBy: 'binary',
        ecosystem: entry.affected.ecosystem,
      });
    }
  }
  return out;
}
