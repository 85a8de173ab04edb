/** Vulnerable OS packages: the host inventory matched against OSV advisories given with --osv. */
// The package is CommonJS: Node exposes its exports only on the default import.
import cvssCalculator from 'ae-cvss-calculator';
import { buildAdvisoryIndex, matchInventory, parseEcosystem, type Advisory, type AdvisoryMatch } from '../../engines/vulnmatch/index.js';
import { findingId } from '../finding-id.js';
import { readOsRelease } from '../host-info.js';
import { osvEcosystemOf, readHostInventory } from '../host-packages.js';
import { loadOsvAdvisories } from '../osv-source.js';
import type { PartRunner } from '../part-types.js';
import type { ScanFinding, ScanLevel } from '../report-types.js';

const VENDOR_LEVEL: Record<string, ScanLevel> = {
  critical: 'serious',
  important: 'serious',
  high: 'serious',
  moderate: 'suspicious',
  medium: 'suspicious',
  low: 'remind',
  negligible: 'remind',
};

function cvssBase(vector: string): number | undefined {
  if (!vector.startsWith('CVSS:3.')) return undefined;
  try {
    return new cvssCalculator.Cvss3P1(vector.replace(/^CVSS:3\.0\//, 'CVSS:3.1/')).calculateScores().base;
  } catch {
    return undefined;
  }
}

/** Distributor's rating first; else the highest CVSS v3 base score; unrated advisories are suspicious. */
export function advisoryLevel(a: Advisory): ScanLevel {
  const vendor = a.severity.vendor ? VENDOR_LEVEL[a.severity.vendor] : undefined;
  if (vendor) return vendor;
  const scores = a.severity.cvss.map((c) => cvssBase(c.vector)).filter((s): s is number => s !== undefined);
  if (scores.length === 0) return 'suspicious';
  const top = Math.max(...scores);
  return top >= 7 ? 'serious' : top >= 4 ? 'suspicious' : 'remind';
}

function upgradeCommand(scheme: string, pkg: string): string {
  if (scheme === 'dpkg') return `apt-get install --only-upgrade ${pkg}`;
  if (scheme === 'rpm') return `dnf upgrade ${pkg}`;
  return `apk upgrade ${pkg}`;
}

function describe(m: AdvisoryMatch, adv: Advisory | undefined, scheme: string): ScanFinding {
  const cves = m.cves.length ? ` (${m.cves.slice(0, 5).join(', ')}${m.cves.length > 5 ? ', …' : ''})` : '';
  const reboot = m.status === 'fixed-needs-reboot';
  const fixed = m.fixedVersion ? `fixed in ${m.fixedVersion}` : 'no fixed version yet';
  return {
    id: findingId('vuln', m.advisoryId, `${m.package}\u0000${m.arch ?? ''}`),
    rule: m.advisoryId,
    level: adv ? advisoryLevel(adv) : 'suspicious',
    title: `${m.advisoryId}${cves}: ${m.package} ${m.installedVersion}, ${fixed}${reboot ? ' (installed, reboot needed)' : ''}`,
    detail: [
      adv?.summary ?? '',
      `matched by ${m.matchedBy} name ${m.advisoryPackage} in ${m.ecosystem}${m.comparedVersion ? `, compared version ${m.comparedVersion}` : ''}`,
      m.kernel ? 'judged against the running kernel' : '',
      m.requiresSubscription ? 'the fix ships through Ubuntu Pro' : '',
    ].filter((s) => s !== '').join('\n'),
    fix: reboot
      ? 'The fixed kernel is installed but not running: reboot into it.'
      : m.fixedVersion
        ? `${upgradeCommand(scheme, m.package)} (to ${m.fixedVersion} or later)${m.kernel ? ', then reboot' : ''}`
        : 'No fixed version published: mitigate per the advisory and watch for an update.',
  };
}

export function vulnPart(osvPath: string): PartRunner {
  return async (ctx) => {
    const ecosystem = osvEcosystemOf(readOsRelease());
    const eco = parseEcosystem(ecosystem);
    if (!eco.scheme || (eco.scheme !== 'dpkg' && eco.scheme !== 'rpm' && eco.scheme !== 'apk')) throw new Error(`${ecosystem}: no package scheme`);
    ctx.progress(`loading advisories for ${ecosystem} from ${osvPath}`);
    const loaded = await loadOsvAdvisories(osvPath, eco.key);
    ctx.progress(`${loaded.stats.kept} of ${loaded.stats.records} advisories apply to ${ecosystem}; reading installed packages`);
    const inventory = await readHostInventory(ecosystem, eco.scheme);
    const matches = matchInventory(inventory, buildAdvisoryIndex(loaded.advisories));
    const byId = new Map(loaded.advisories.map((a) => [a.id, a]));
    const findings = matches.map((m) => describe(m, byId.get(m.advisoryId), eco.scheme ?? 'dpkg'));
    return {
      findings,
      stats: {
        ecosystem,
        kernel: inventory.kernelRelease ?? '',
        packages: inventory.packages.length,
        advisoryRecords: loaded.stats.records,
        advisoriesForHost: loaded.stats.kept,
        invalidRecords: loaded.stats.invalid,
        ...(loaded.stats.invalidSamples.length ? { invalidSample: loaded.stats.invalidSamples[0] ?? '' } : {}),
        affectedPackages: new Set(matches.map((m) => m.package)).size,
        advisoriesMatched: new Set(matches.map((m) => m.advisoryId)).size,
      },
    };
  };
}
