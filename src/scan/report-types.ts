/** The one report model of `vigil scan`: every renderer (text, JSON, SARIF) reads this. */

export type ScanLevel = 'serious' | 'suspicious' | 'remind';

export const SCAN_LEVELS: readonly ScanLevel[] = ['serious', 'suspicious', 'remind'];

/** Higher is more severe. */
export const LEVEL_RANK: Record<ScanLevel, number> = { serious: 3, suspicious: 2, remind: 1 };

export type PartName = 'revshell' | 'webshell' | 'secrets' | 'baseline' | 'weakpass' | 'vuln';

export const PART_NAMES: readonly PartName[] = ['revshell', 'webshell', 'secrets', 'baseline', 'weakpass', 'vuln'];

export interface FindingLocation {
  path?: string;
  line?: number;
  pid?: number;
}

export interface ScanFinding {
  /** Stable across runs for the same rule and place (hash of part, rule and location key). */
  id: string;
  rule: string;
  level: ScanLevel;
  title: string;
  detail: string;
  location?: FindingLocation;
  fix?: string;
}

export type PartStatus = 'ok' | 'error' | 'skipped';

export type PartStats = Record<string, number | string | boolean>;

export interface ScanPart {
  name: PartName;
  status: PartStatus;
  reason?: string;
  findings: ScanFinding[];
  stats: PartStats;
  /** Wall time of the part in milliseconds. */
  durationMs: number;
}

export interface HostFacts {
  hostname: string;
  /** PRETTY_NAME of /etc/os-release, or the kernel's name when absent. */
  os: string;
  kernel: string;
}

export interface ScanReport {
  tool: { name: 'vigil'; version: string };
  host: HostFacts;
  startedAt: string;
  finishedAt: string;
  parts: ScanPart[];
}
