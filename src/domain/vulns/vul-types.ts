/**
 * Sas vulnerability types Vigil has findings for: `cve` (Linux OS packages), `app` (PyPI, npm and
 * Maven packages), `cms` (WordPress, Drupal, Joomla cores) — all three from the advisory matcher,
 * told apart by the finding's ecosystem — and `emg` (unauthenticated services, from baseline results).
 */
import { parseEcosystem } from '../../engines/vulnmatch/index.js';

export type FindingVulType = 'cve' | 'app' | 'cms';
export const FINDING_VUL_TYPES: readonly FindingVulType[] = ['cve', 'app', 'cms'];
export const EMG_VUL_TYPE = 'emg';

export const CMS_ECOSYSTEMS = ['WordPress', 'Drupal', 'Joomla'] as const;

/** Inventory software sources matched as application packages, with their OSV ecosystem. */
export const APP_SOURCE_ECOSYSTEMS: Readonly<Record<string, string>> = { pip: 'PyPI', npm: 'npm', jar: 'Maven' };
/** Inventory source of CMS cores; the item name is the CMS ("wordpress", "drupal", "joomla"). */
export const CMS_SOURCE = 'cms';

const cache = new Map<string, FindingVulType>();

/** The Sas type of a finding, from the ecosystem its advisory names. */
export function vulTypeOfEcosystem(ecosystem: string): FindingVulType {
  const hit = cache.get(ecosystem);
  if (hit) return hit;
  let t: FindingVulType = 'cve';
  try {
    const eco = parseEcosystem(ecosystem);
    t = eco.os ? 'cve' : (CMS_ECOSYSTEMS as readonly string[]).includes(eco.name) ? 'cms' : 'app';
  } catch {
    t = 'cve';
  }
  if (cache.size < 10_000) cache.set(ecosystem, t);
  return t;
}

/** OSV ecosystem of a CMS inventory item name, case-insensitively. */
export function cmsEcosystem(name: string): string | undefined {
  return CMS_ECOSYSTEMS.find((e) => e.toLowerCase() === name.trim().toLowerCase());
}
