/**
 * Advisory scoring (pure): CVSS base scores, tags and the repair urgency (Sas "Necessity":
 * asap / later / nntf) from severity × exploitability × exposure × asset importance.
 */
// The package is CommonJS: Node exposes its exports only on the default import.
import cvssCalculator from 'ae-cvss-calculator';
import type { Advisory } from '../../engines/vulnmatch/index.js';

export interface CvssInfo {
  vector: string;
  /** Base score, 0–10; undefined when no vector could be scored. */
  score?: number;
}

function scoreOf(vector: string): number | undefined {
  try {
    if (vector.startsWith('CVSS:3.')) return new cvssCalculator.Cvss3P1(vector.replace(/^CVSS:3\.0\//, 'CVSS:3.1/')).calculateScores().base;
    if (vector.startsWith('CVSS:4.')) return new cvssCalculator.Cvss4P0(vector).calculateScores().overall;
    if (/^\(?AV:[LAN]\/AC:/.test(vector)) return new cvssCalculator.Cvss2(vector.replace(/^\(|\)$/g, '')).calculateScores().base;
  } catch {
    return undefined;
  }
  return undefined;
}

/** The highest-scoring vector of the advisory (v3/v4 preferred over v2). */
export function advisoryCvss(a: Advisory): CvssInfo {
  let best: CvssInfo | undefined;
  for (const c of a.severity.cvss) {
    const score = scoreOf(c.vector);
    if (score === undefined) continue;
    if (!best || (best.score ?? -1) < score) best = { vector: c.vector, score };
  }
  return best ?? { vector: a.severity.cvss[0]?.vector ?? '' };
}

const VENDOR_RANK: Record<string, number> = { critical: 4, important: 3, high: 3, moderate: 2, medium: 2, low: 1, negligible: 0 };

/** Severity label as stored: the distributor's rating, else derived from the CVSS score. */
export function advisorySeverity(a: Advisory, cvss: CvssInfo): string {
  const vendor = a.severity.vendor?.toLowerCase();
  if (vendor && vendor in VENDOR_RANK) return vendor;
  const s = cvss.score;
  if (s === undefined) return 'unknown';
  return s >= 9 ? 'critical' : s >= 7 ? 'high' : s >= 4 ? 'medium' : s > 0 ? 'low' : 'none';
}

/** Packages whose fix only takes effect after a reboot or a restart of everything using them. */
const RESTART_PACKAGES = /^(kernel(-.*)?|linux-(image|modules|headers)-.*|linux|linux-lts|linux-virt|glibc(-.*)?|libc6.*|libc-bin|musl|systemd(-.*)?|libsystemd.*|openssl(-libs)?|libssl.*|dbus(-.*)?|libdbus.*)$/;

export type VulTag = 'restart-required' | 'exploit-exists' | 'code-execution' | 'privilege-escalation' | 'remote';

export interface TagInput {
  packages: string[];
  cves: string[];
  vector: string;
  summary: string;
  details?: string;
  kev: ReadonlySet<string>;
}

export function advisoryTags(t: TagInput): VulTag[] {
  const tags: VulTag[] = [];
  const text = `${t.summary}\n${t.details ?? ''}`.toLowerCase();
  if (t.packages.some((p) => RESTART_PACKAGES.test(p)) || /\breboot\b|restart the system/.test(text)) tags.push('restart-required');
  if (t.cves.some((c) => t.kev.has(c))) tags.push('exploit-exists');
  const v = t.vector;
  const high = (m: string): boolean => new RegExp(`(^|/)${m}:H(/|$)`).test(v);
  if (/(remote|arbitrary) code execution|execute arbitrary code|code execution/.test(text) || (high('C') && high('I') && high('A'))) tags.push('code-execution');
  if (/privilege escalation|escalate privileges|gain (root|elevated) privileges/.test(text) || (/(^|\/)AV:L(\/|$)/.test(v) && /(^|\/)PR:L(\/|$)/.test(v) && high('C') && high('I'))) tags.push('privilege-escalation');
  if (/(^|\/)AV:N(\/|$)/.test(v) || /\bremote(ly)? (attacker|exploit)/.test(text)) tags.push('remote');
  return tags;
}

export type Necessity = 'asap' | 'later' | 'nntf';

export interface NecessityInput {
  severity: string;
  cvssScore?: number;
  exploitExists: boolean;
  /** AV:N or an unknown vector: reachable from the network. */
  networkVector: boolean;
  /** The host listens on a non-loopback address. */
  exposed: boolean;
  /** Sas Importance: 0 test, 1 normal, 2 important. */
  importance: number;
}

export interface NecessityResult {
  level: Necessity;
  /** Sas ExtendContentJson.Necessity factors, all strings. */
  factors: { Assets_factor: string; Cvss_factor: string; Enviroment_factor: string; Is_calc: string; Status: string; Time_factor: string; Total_score: string };
}

const SEVERITY_SCORE: Record<string, number> = { critical: 9.5, important: 8, high: 8, moderate: 5.5, medium: 5.5, low: 3, negligible: 1, none: 0 };

/**
 * total = cvss (or the severity's typical score) × exposure factor × asset factor, + 3 when an
 * exploit is known. asap ≥ 9, later ≥ 5, else nntf ("no need to fix now").
 */
export function necessityOf(n: NecessityInput): NecessityResult {
  const cvss = n.cvssScore ?? SEVERITY_SCORE[n.severity] ?? 5;
  const env = n.exposed && n.networkVector ? 1.2 : n.exposed ? 1.0 : 0.8;
  const assets = n.importance >= 2 ? 1.2 : n.importance <= 0 ? 0.8 : 1.0;
  const total = Math.round((cvss * env * assets + (n.exploitExists ? 3 : 0)) * 10) / 10;
  const level: Necessity = total >= 9 ? 'asap' : total >= 5 ? 'later' : 'nntf';
  return {
    level,
    factors: {
      Assets_factor: String(assets),
      Cvss_factor: String(cvss),
      Enviroment_factor: String(env),
      Is_calc: '1',
      Status: 'normal',
      Time_factor: n.exploitExists ? '3' : '0',
      Total_score: String(total),
    },
  };
}
