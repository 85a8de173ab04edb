import { LEVEL_RANK, SCAN_LEVELS, type ScanLevel, type ScanReport } from './report-types.js';

export type FailOn = ScanLevel | 'none';

export const EXIT = { clean: 0, findings: 1, usage: 2, partFailed: 3 } as const;

export function countByLevel(report: ScanReport): Record<ScanLevel, number> {
  const counts = Object.fromEntries(SCAN_LEVELS.map((l) => [l, 0])) as Record<ScanLevel, number>;
  for (const p of report.parts) for (const f of p.findings) counts[f.level] += 1;
  return counts;
}

/**
 * 3 when a part failed (the audit is incomplete, whatever it found), else 1 when a finding is at or
 * above `failOn`, else 0. `none` never fails on findings.
 */
export function exitCodeFor(report: ScanReport, failOn: FailOn): number {
  if (report.parts.some((p) => p.status === 'error')) return EXIT.partFailed;
  if (failOn === 'none') return EXIT.clean;
  const min = LEVEL_RANK[failOn];
  const hit = report.parts.some((p) => p.findings.some((f) => LEVEL_RANK[f.level] >= min));
  return hit ? EXIT.findings : EXIT.clean;
}
