/**
 * Host inventory × advisories → findings. Pure: the caller passes the inventory and an index it
 * built once (buildAdvisoryIndex) and may reuse for every host.
 */
import { comparatorFor, parseEcosystem, type VersionComparator, type VersionScheme } from './ecosystem.js';
import { isRunningKernel, kernelTie, runningKernelVersion, type KernelTie } from './kernel.js';
import { cachedComparator } from './cached-compare.js';
import { evaluateAffectedPackage } from './osv-range.js';
import type { Advisory, AffectedPackage } from './osv-types.js';

export interface HostPackage {
  name: string;
  /** Installed version: dpkg `Version`, rpm `[E:]V-R`, apk `V-rN`. */
  version: string;
  /** Source package; dpkg's "name (version)" form is accepted. */
  source?: string;
  /** Version of the source package when it differs from the binary's (binNMUs, signed kernels). */
  sourceVersion?: string;
  arch?: string;
}

export interface HostInventory {
  /** OSV ecosystem of the host OS, e.g. "Debian:12", "Ubuntu:22.04:LTS", "AlmaLinux:9", "Alpine:v3.19". */
  osEcosystem: string;
  /** `uname -r` of the running kernel. */
  kernelRelease?: string;
  packages: HostPackage[];
}

export type FindingStatus = 'affected' | 'fixed-needs-reboot';

export interface AdvisoryMatch {
  advisoryId: string;
  cves: string[];
  /** The installed (binary) package. */
  package: string;
  /** The installed package's version (for an Alpine kernel upgraded in place: the running kernel's). */
  installedVersion: string;
  /** The version actually judged, when it is not installedVersion (the source version of a binNMU). */
  comparedVersion?: string;
  fixedVersion?: string;
  status: FindingStatus;
  /** Package name as the advisory writes it, and whether it matched the binary or the source name. */
  advisoryPackage: string;
  matchedBy: 'binary' | 'source';
  ecosystem: string;
  arch?: string;
  /** Judged against the running kernel. */
  kernel?: boolean;
  /** Ubuntu: the fix ships through Ubuntu Pro. */
  requiresSubscription?: boolean;
}

export interface IndexEntry {
  advisory: Advisory;
  affected: AffectedPackage;
}

const CMS_ECOSYSTEMS = new Set(['WordPress', 'Drupal', 'Joomla']);

/**
 * The name packages are matched on: PyPI names compare after PEP 503 normalization
 * ("Flask_Cors" = "flask-cors"), CMS core names case-insensitively, everything else as written.
 */
export function matchName(ecosystemName: string, name: string): string {
  if (ecosystemName === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (CMS_ECOSYSTEMS.has(ecosystemName)) return name.toLowerCase();
  return name;
}

/** Advisories indexed by (ecosystem key, package name). Built once; holds references, not copies. */
export class AdvisoryIndex {
  private readonly byKey = new Map<string, IndexEntry[]>();
  /** Maven: also by artifact id alone, for jars known only by their file name. */
  private readonly byArtifact = new Map<string, IndexEntry[]>();
  private count = 0;

  add(advisory: Advisory): void {
    if (advisory.withdrawn !== undefined) return;
    this.count++;
    for (const affected of advisory.affected) {
      AdvisoryIndex.push(this.byKey, AdvisoryIndex.key(affected.eco.key, matchName(affected.eco.name, affected.package)), { advisory, affected });
      const colon = affected.package.lastIndexOf(':');
      if (affected.eco.scheme === 'maven' && colon > 0) AdvisoryIndex.push(this.byArtifact, AdvisoryIndex.key(affected.eco.key, affected.package.slice(colon + 1)), { advisory, affected });
    }
  }

  private static push(map: Map<string, IndexEntry[]>, k: string, e: IndexEntry): void {
    const list = map.get(k);
    if (list) list.push(e);
    else map.set(k, [e]);
  }

  /** Maven entries whose "group:artifact" name ends in this artifact id. */
  lookupArtifact(ecosystemKey: string, artifactId: string): readonly IndexEntry[] {
    return this.byArtifact.get(AdvisoryIndex.key(ecosystemKey, artifactId)) ?? [];
  }

  get advisoryCount(): number {
    return this.count;
  }

  lookup(ecosystemKey: string, packageName: string): readonly IndexEntry[] {
    // The ecosystems with name normalization have keys without a release (the key is the name).
    return this.byKey.get(AdvisoryIndex.key(ecosystemKey, matchName(ecosystemKey, packageName))) ?? [];
  }

  private static key(ecosystemKey: string, name: string): string {
    return `${ecosystemKey}\u0000${name}`;
  }
}

export function buildAdvisoryIndex(advisories: Iterable<Advisory>): AdvisoryIndex {
  const index = new AdvisoryIndex();
  for (const a of advisories) index.add(a);
  return index;
}

interface Candidate {
  pkg: HostPackage;
  by: 'binary' | 'source';
  /** The version compared against the advisory. */
  version: string;
  tie?: KernelTie;
}

function parseSource(pkg: HostPackage): { name: string; version?: string } | undefined {
  if (!pkg.source) return undefined;
  const m = /^\s*([^\s(]+)\s*(?:\(([^)]+)\))?\s*$/.exec(pkg.source);
  if (!m?.[1]) return undefined;
  const version = pkg.sourceVersion ?? m[2];
  return version ? { name: m[1], version } : { name: m[1] };
}

/**
 * Source names an advisory may use for a package's source. Debian and Ubuntu build signed kernel
 * images from a "linux-signed*" source whose version is not the kernel's; advisories name "linux"
 * (or "linux-<flavour>") and give the kernel version, which is the binary package's version.
 */
function sourceNames(scheme: VersionScheme, source: string): { name: string; binaryVersion: boolean }[] {
  const own = { name: source, binaryVersion: false };
  if (scheme !== 'dpkg' || !source.startsWith('linux-signed')) return [own];
  const rest = source.slice('linux-signed'.length);
  // Debian: linux-signed-amd64 → linux; Ubuntu: linux-signed → linux, linux-signed-hwe-6.5 → linux-hwe-6.5.
  if (rest === '' || /^-(amd64|arm64|i386|armhf|ppc64el|s390x|armel|mips64el|riscv64)$/.test(rest)) {
    return [own, { name: 'linux', binaryVersion: true }];
  }
  return [own, { name: `linux${rest}`, binaryVersion: true }];
}

interface Context {
  scheme: VersionScheme;
  compare: VersionComparator;
  kernelRelease?: string;
  /** Some installed package belongs to the running kernel. */
  runningKernelInstalled: boolean;
}

function judge(ctx: Context, entry: IndexEntry, cands: Candidate[]): AdvisoryMatch[] {
  const out: AdvisoryMatch[] = [];
  const make = (c: Candidate, judged: string, fixed: string | undefined, status: FindingStatus, installed = c.pkg.version): AdvisoryMatch => ({
    advisoryId: entry.advisory.id,
    cves: entry.advisory.cves,
    package: c.pkg.name,
    installedVersion: installed,
    ...(judged !== installed ? { comparedVersion: judged } : {}),
    ...(fixed !== undefined ? { fixedVersion: fixed } : {}),
    status,
    advisoryPackage: entry.affected.package,
    matchedBy: c.by,
    ecosystem: entry.affected.ecosystem,
    ...(c.pkg.arch ? { arch: c.pkg.arch } : {}),
    ...(c.tie ? { kernel: true } : {}),
    ...(entry.affected.eco.pro ? { requiresSubscription: true } : {}),
  });
  const verdict = (v: string): ReturnType<typeof evaluateAffectedPackage> => evaluateAffectedPackage(entry.affected, v, ctx.compare);

  const kernelGroups = new Map<string, Candidate[]>();
  for (const c of cands) {
    if (c.tie && ctx.kernelRelease !== undefined) {
      const g = kernelGroups.get(c.tie.kind);
      if (g) g.push(c);
      else kernelGroups.set(c.tie.kind, [c]);
      continue;
    }
    const v = verdict(c.version);
    if (v.affected) out.push(make(c, c.version, v.fixed, 'affected'));
  }

  const { kernelRelease } = ctx;
  if (kernelRelease === undefined) return out;
  for (const group of kernelGroups.values()) {
    // Metapackages (linux-image-amd64) carry no kernel of their own once the running one is known.
    const tied = group.filter((c) => c.tie?.release !== undefined);
    if (tied.length === 0) continue;
    const installedFixed = tied.some((c) => {
      const v = verdict(c.version);
      return !v.affected && v.error === undefined;
    });
    const running = tied.filter((c) => c.tie && isRunningKernel(ctx.scheme, c.tie, kernelRelease));
    for (const c of running) {
      const v = verdict(c.version);
      if (v.affected) out.push(make(c, c.version, v.fixed, installedFixed ? 'fixed-needs-reboot' : 'affected'));
    }
    // Packages of other, non-running kernels are not in use.
    if (running.length > 0 || ctx.runningKernelInstalled) continue;
    const first = tied[0];
    const derived = first?.tie ? runningKernelVersion(ctx.scheme, first.tie, kernelRelease) : undefined;
    if (first && derived !== undefined) {
      // The running kernel's package is gone (Alpine upgrades it in place): judge the running version.
      const v = verdict(derived);
      if (v.affected) out.push(make(first, derived, v.fixed, installedFixed ? 'fixed-needs-reboot' : 'affected', derived));
      continue;
    }
    // Nothing ties the running kernel to the installed packages (a Debian kernel removed after
    // boot): judge each installed one.
    for (const c of tied) {
      const v = verdict(c.version);
      if (v.affected) out.push(make(c, c.version, v.fixed, 'affected'));
    }
  }
  return out;
}

/**
 * Every name a package is looked up by in the index (its binary name, its source name and the
 * kernel source names a signed kernel image stands for). A host can only match advisories whose
 * affected package is one of its packages' lookup names; incremental re-evaluation indexes them.
 */
export function packageLookupNames(scheme: VersionScheme, pkg: HostPackage): string[] {
  const out = [pkg.name];
  const src = parseSource(pkg);
  if (!src) return out;
  for (const { name } of sourceNames(scheme, src.name)) if (!out.includes(name)) out.push(name);
  return out;
}

export interface MatchOptions {
  /**
   * Only these advisories are judged (incremental re-evaluation after a DB update). The result for
   * each of them is the same as a full match's: an advisory's findings depend on its own entries
   * and the whole inventory only.
   */
  onlyAdvisories?: ReadonlySet<string>;
}

/**
 * Matches one host's OS packages against the index. OSV records name source packages for
 * Debian/Ubuntu and binary packages for rpm and apk distributions; both names are looked up, and a
 * package matched by its binary name is not matched again through its source for the same advisory.
 */
export function matchInventory(host: HostInventory, advisories: AdvisoryIndex | Iterable<Advisory>, options: MatchOptions = {}): AdvisoryMatch[] {
  const only = options.onlyAdvisories;
  const eco = parseEcosystem(host.osEcosystem);
  const plain = comparatorFor(eco);
  const compare = eco.scheme && plain ? cachedComparator(eco.scheme, plain) : undefined;
  if (!eco.os || !eco.scheme || !compare) throw new Error(`not an OS ecosystem with a known version scheme: ${host.osEcosystem}`);
  const index = advisories instanceof AdvisoryIndex ? advisories : buildOsIndex(advisories, eco.key);
  const scheme = eco.scheme;
  const kernelRelease = host.kernelRelease?.trim() || undefined;
  const runningKernelInstalled =
    kernelRelease !== undefined &&
    host.packages.some((p) => {
      const tie = kernelTie(scheme, p);
      return tie !== undefined && isRunningKernel(scheme, tie, kernelRelease);
    });
  const ctx: Context = { scheme, compare, runningKernelInstalled, ...(kernelRelease ? { kernelRelease } : {}) };

  // (advisory id, affected entry) → candidates, keeping record order for stable output.
  const groups = new Map<IndexEntry, Candidate[]>();
  const add = (entry: IndexEntry, cand: Candidate): void => {
    const list = groups.get(entry);
    if (list) list.push(cand);
    else groups.set(entry, [cand]);
  };

  for (const pkg of host.packages) {
    const tie = kernelTie(eco.scheme, pkg);
    const withTie = (c: Omit<Candidate, 'tie'>): Candidate => (tie ? { ...c, tie } : c);
    // Advisories this package matched by its binary name (then not again through its source).
    const byBinary = new Set<string>();
    for (const entry of index.lookup(eco.key, pkg.name)) {
      if (only && !only.has(entry.advisory.id)) continue;
      byBinary.add(entry.advisory.id);
      add(entry, withTie({ pkg, by: 'binary', version: pkg.version }));
    }
    const src = parseSource(pkg);
    if (!src) continue;
    for (const { name, binaryVersion } of sourceNames(eco.scheme, src.name)) {
      if (name === pkg.name) continue;
      for (const entry of index.lookup(eco.key, name)) {
        if (byBinary.has(entry.advisory.id) || (only && !only.has(entry.advisory.id))) continue;
        // Debian records give source versions; a binNMU'd binary ("+b1") still has its source's.
        const version = binaryVersion ? pkg.version : (src.version ?? pkg.version);
        add(entry, withTie({ pkg, by: 'source', version }));
      }
    }
  }

  const findings: AdvisoryMatch[] = [];
  const seen = new Set<string>();
  for (const [entry, cands] of groups) {
    for (const f of judge(ctx, entry, cands)) {
      const k = `${f.advisoryId}\u0000${f.package}\u0000${f.installedVersion}\u0000${f.arch ?? ''}`;
      if (seen.has(k)) continue;
      seen.add(k);
      findings.push(f);
    }
  }
  return findings;
}

/** Index only what one OS release can match, so matching a single host stays small. */
function buildOsIndex(advisories: Iterable<Advisory>, ecosystemKey: string): AdvisoryIndex {
  const index = new AdvisoryIndex();
  for (const a of advisories) {
    if (a.affected.some((x) => x.eco.key === ecosystemKey)) index.add(a);
  }
  return index;
}
