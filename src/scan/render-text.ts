/** Readable report: counts first, then each part's status, then findings grouped by level. */
import { countByLevel } from './report-summary.js';
import { SCAN_LEVELS, type ScanFinding, type ScanReport } from './report-types.js';

const HEADINGS = { serious: 'SERIOUS', suspicious: 'SUSPICIOUS', remind: 'REMIND' } as const;

function indent(text: string, pad: string): string {
  return text
    .split('\n')
    .map((l) => `${pad}${l}`)
    .join('\n');
}

function where(f: ScanFinding): string {
  const l = f.location;
  if (!l) return '';
  if (l.pid !== undefined) return `pid ${l.pid}`;
  if (l.path !== undefined) return l.line !== undefined ? `${l.path}:${l.line}` : l.path;
  return '';
}

function statsText(stats: Record<string, unknown>): string {
  return Object.entries(stats)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function renderText(report: ScanReport): string {
  const counts = countByLevel(report);
  const total = counts.serious + counts.suspicious + counts.remind;
  const out: string[] = [];
  out.push(`Vigil scan of ${report.host.hostname} (${report.host.os}, kernel ${report.host.kernel})`);
  out.push(`${report.startedAt} .. ${report.finishedAt}`);
  out.push(`Findings: ${total} — serious ${counts.serious} · suspicious ${counts.suspicious} · remind ${counts.remind}`);
  out.push('');
  out.push('Checks:');
  for (const p of report.parts) {
    const head = `  ${p.name.padEnd(9)} ${p.status.padEnd(7)}`;
    if (p.status === 'skipped') out.push(`${head} ${p.reason ?? ''}`);
    else {
      const line = `${head} ${String(p.findings.length).padStart(4)} findings  ${(p.durationMs / 1000).toFixed(1)} s  ${statsText(p.stats)}`;
      out.push(line.trimEnd());
      if (p.status === 'error') out.push(`            error: ${p.reason ?? 'unknown error'}`);
    }
  }
  for (const level of SCAN_LEVELS) {
    const list = report.parts.flatMap((p) => p.findings.filter((f) => f.level === level).map((f) => ({ part: p.name, f })));
    if (list.length === 0) continue;
    out.push('');
    out.push(`${HEADINGS[level]} (${list.length})`);
    for (const { part, f } of list) {
      const loc = where(f);
      out.push(`  [${part}] ${f.title}`);
      out.push(`      rule ${f.rule}${loc ? ` · ${loc}` : ''}`);
      if (f.detail) out.push(indent(f.detail, '      '));
      if (f.fix) out.push(indent(`fix: ${f.fix}`, '      '));
    }
  }
  if (total === 0) {
    out.push('');
    out.push('No findings.');
  }
  return `${out.join('\n')}\n`;
}
